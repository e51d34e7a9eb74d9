package dev.herald.gateway.mercure;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.common.auth.Tokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Publishes Mercure updates as a Mercure publisher does (a form POST with a token), and makes Mercure tokens. */
final class MercureHubClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private MercureHubClient() {
    }

    /** A token signed with the test secret: {@code mercure.publish}/{@code subscribe} as given, {@code exp} if not null. */
    static String token(List<String> publish, List<String> subscribe, Instant exp) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("mercure", Map.of("publish", publish, "subscribe", subscribe));
        if (exp != null) {
            claims.expirationTime(Date.from(exp));
        }
        return Tokens.hs256(Tokens.secretBytes(), claims.build());
    }

    /** A token without {@code exp} that may subscribe to {@code subscribe} and carries {@code mercure.payload}. */
    static String token(List<String> subscribe, Map<String, Object> payload) {
        return Tokens.hs256(Tokens.secretBytes(), new JWTClaimsSet.Builder()
                .claim("mercure", Map.of("publish", List.of(), "subscribe", subscribe, "payload", payload)).build());
    }

    static final String PUBLISHER_TOKEN = token(List.of("*"), List.of(), null);

    /** Posts {@code fields} (name, value, ...) to {@code hub}; returns the answer. */
    static HttpResponse<String> post(URI hub, String... fields) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            form.append(form.isEmpty() ? "" : "&").append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(hub).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + PUBLISHER_TOKEN).POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Publishes and returns the update's ID; fails unless answered 200. */
    static String publish(URI hub, String... fields) {
        HttpResponse<String> r = post(hub, fields);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("publish failed: " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** {@code /.well-known/mercure} with a {@code topic} parameter per selector, then {@code extra} query text. */
    static String subscribePath(List<String> selectors, String extra) {
        StringBuilder q = new StringBuilder("/.well-known/mercure?");
        for (String s : selectors) {
            q.append("topic=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)).append('&');
        }
        return q.append(extra).toString();
    }
}
