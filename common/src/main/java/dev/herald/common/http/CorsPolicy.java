package dev.herald.common.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.herald.common.config.ConfigLoader;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which browser origins may call a service, and what a CORS preflight answers them. Origins listed by name
 * get their origin echoed back and may send credentials (cookies, HTTP authentication); {@code *} lets any
 * other origin call without credentials. An empty list turns CORS off: no CORS header is ever sent, so
 * browsers keep the same-origin rule.
 *
 * @param origins        allowed origins, lower-cased, without {@code *}
 * @param anyOrigin      whether {@code *} was listed
 * @param allowMethods   the {@code Access-Control-Allow-Methods} value
 * @param allowHeaders   the {@code Access-Control-Allow-Headers} value
 * @param exposeHeaders  the {@code Access-Control-Expose-Headers} value, or empty for none
 * @param maxAge         how long a browser may cache a preflight answer
 */
public record CorsPolicy(Set<String> origins, boolean anyOrigin, String allowMethods, String allowHeaders, String exposeHeaders,
                         Duration maxAge) {
    /** The default of {@code herald.cors.max-age}; browsers cap it anyway (Chromium at 2 h, Firefox at 24 h). */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");

    public CorsPolicy {
        origins = Set.copyOf(origins);
    }

    /**
     * Reads the optional {@code herald.cors.allowed-origins} (a list of origins such as
     * {@code https://app.example.com}, or {@code *}; default empty) and {@code herald.cors.max-age} (default
     * 10m). The methods and headers are the service's own. Throws {@link ConfigException} naming a bad value.
     */
    public static CorsPolicy from(Config c, List<String> methods, List<String> allowHeaders, List<String> exposeHeaders) {
        String key = "herald.cors.allowed-origins";
        Set<String> origins = new LinkedHashSet<>();
        boolean any = false;
        for (String origin : ConfigLoader.stringList(c, key)) {
            if (origin.equals("*")) {
                any = true;
            } else if (ORIGIN.matcher(origin).matches()) {
                origins.add(origin.toLowerCase(Locale.ROOT));
            } else {
                throw new ConfigException.BadValue(c.origin(), key, "'" + origin
                        + "' is not an origin: write scheme://host[:port] without a path or trailing slash, e.g. https://app.example.com, or *");
            }
        }
        Duration maxAge = c.hasPath("herald.cors.max-age") ? c.getDuration("herald.cors.max-age") : DEFAULT_MAX_AGE;
        if (maxAge.isNegative()) {
            throw new ConfigException.BadValue(c.origin(), "herald.cors.max-age", "must not be negative");
        }
        return new CorsPolicy(origins, any, String.join(", ", methods), String.join(", ", allowHeaders), String.join(", ", exposeHeaders), maxAge);
    }

    /** True when any origin is allowed, i.e. CORS headers are sent at all. */
    public boolean enabled() {
        return anyOrigin || !origins.isEmpty();
    }

    /** True when {@code origin} is listed by name: it is echoed back and may send credentials. */
    public boolean listed(String origin) {
        return origins.contains(origin.toLowerCase(Locale.ROOT));
    }

    public boolean allows(String origin) {
        return anyOrigin || listed(origin);
    }
}
