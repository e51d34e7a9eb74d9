package dev.herald.publisher.mercure;

import dev.herald.publisher.api.ApiException;
import dev.herald.publisher.api.ErrorCode;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, strictly decoded: invalid UTF-8 or a broken
 * percent-escape is a {@code 400 invalid_body}, never a silently replaced character. Repeated fields keep
 * every value, in order.
 */
final class FormBody {
    private final Map<String, List<String>> fields;

    private FormBody(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** Decodes {@code body}; its media type was checked when it was read. */
    static FormBody parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(ErrorCode.INVALID_BODY, "the body is not valid UTF-8");
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (!text.isEmpty()) {
            for (String pair : text.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return new FormBody(fields);
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_BODY, "the form body is malformed: " + e.getMessage());
        }
    }

    List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** The field's only value, {@code null} if absent; a repeated field is a {@code 400}. */
    String one(String name) {
        List<String> values = all(name);
        if (values.size() > 1) {
            throw new ApiException(ErrorCode.INVALID_BODY, "field '" + name + "' is given more than once");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}
