package dev.herald.common.revocation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One disconnect request: close every stream whose token has this subject, that reads this topic, or whose
 * token has this ID. A revoked token ID is also refused at stream open until {@link #refusedUntil}. It
 * travels as one entry of the control stream ({@link #fields()}, {@link #fromFields}), so the publisher
 * and every gateway read it the same way.
 *
 * @param by           what {@code value} names
 * @param value        the subject, topic name or token ID
 * @param refusedUntil for a token ID, when its token is no longer accepted anyway ({@code exp} plus the clock
 *                     skew); {@code null} for the other kinds
 */
public record Revocation(By by, String value, Instant refusedUntil) {
    /** The approximate length the control stream is trimmed to: a gateway only reads its recent tail. */
    public static final int STREAM_MAX_LEN = 1000;
    private static final String BY = "by";
    private static final String VALUE = "value";
    private static final String UNTIL = "until";

    /** What a disconnect request matches on; the lower-case name is the JSON field of the request. */
    public enum By {
        /** The token's {@code sub} claim. */
        SUB,
        /** A topic the stream reads. */
        TOPIC,
        /** The token's {@code jti} claim. */
        JTI;

        public String field() {
            return name().toLowerCase(Locale.ROOT);
        }

        static By ofField(String field) {
            return valueOf(field.toUpperCase(Locale.ROOT));
        }
    }

    public Revocation {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(value, "value");
        if ((by == By.JTI) != (refusedUntil != null)) {
            throw new IllegalArgumentException("a token ID, and only a token ID, is refused until a given instant");
        }
    }

    /** The control stream entry's fields. */
    public Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(BY, by.field());
        fields.put(VALUE, value);
        if (refusedUntil != null) {
            fields.put(UNTIL, Long.toString(refusedUntil.toEpochMilli()));
        }
        return fields;
    }

    /** Reads a control stream entry; throws {@link IllegalArgumentException} if it is not one. */
    public static Revocation fromFields(Map<String, String> fields) {
        String by = fields.get(BY);
        String value = fields.get(VALUE);
        if (by == null || value == null) {
            throw new IllegalArgumentException("a revocation entry needs the fields 'by' and 'value'");
        }
        String until = fields.get(UNTIL);
        return new Revocation(By.ofField(by), value, until == null ? null : Instant.ofEpochMilli(Long.parseLong(until)));
    }
}
