package dev.herald.publisher.api;

/**
 * UTF-8 lengths of strings without encoding them. Also finds unpaired surrogates, which a JSON escape such as
 * <code>"&#92;uD800"</code> can produce but UTF-8 cannot encode: Redis would get {@code ?} instead of what was sent.
 */
final class Utf8 {
    /** What {@link #length} returns for a string with an unpaired surrogate. */
    static final long UNPAIRED_SURROGATE = -1;

    private Utf8() {
    }

    /** The number of bytes of {@code s} in UTF-8, or {@link #UNPAIRED_SURROGATE}. */
    static long length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                return UNPAIRED_SURROGATE;
            }
        }
        return bytes;
    }
}
