package dev.herald.common.mercure;

import com.google.re2j.Pattern;

/**
 * An RFC 6570 URI Template (levels 1 to 4) turned into a regular expression that matches the URIs the
 * template can expand to, as Mercure's hub matches its selectors. No Java library on Maven Central matches
 * templates (they expand them), so this is written here: the literal parts must match exactly; each
 * expression matches what its operator can produce (for the simple and label/path/parameter/query operators,
 * unreserved and percent-encoded characters plus the operator's separators; for {@code +} and {@code #}, any
 * URI characters). It does not count variables or check names in the URI; see {@code docs/mercure.md}.
 * Matching uses RE2/J, which runs in time linear in the URI: subscribers write the templates, and a backtracking
 * engine (java.util.regex) takes exponential time on templates such as {@code {a}{b}{c}{d}x}, on the IO
 * threads. Immutable.
 */
public final class UriTemplate {
    private static final String UNRESERVED = "A-Za-z0-9\\-._~";
    private static final String RESERVED = ":/?#\\[\\]@!$&'()*+,;=";
    private static final String PCT = "%[0-9A-Fa-f]{2}";
    private static final Pattern VARSPEC = Pattern.compile("(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*(?::[1-9][0-9]{0,3}|\\*)?");

    private final String text;
    private final Pattern pattern;

    private UriTemplate(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong with it. */
    public static UriTemplate parse(String text) {
        StringBuilder regex = new StringBuilder(text.length() * 2);
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf('{', i);
            int close = text.indexOf('}', i);
            if (close >= 0 && (open < 0 || close < open)) {
                throw new IllegalArgumentException("'}' at " + close + " closes no expression");
            }
            if (open < 0) {
                regex.append(Pattern.quote(text.substring(i)));
                break;
            }
            if (open > i) {
                regex.append(Pattern.quote(text.substring(i, open)));
            }
            if (close < 0) {
                throw new IllegalArgumentException("the expression at " + open + " is not closed");
            }
            regex.append(expression(text.substring(open + 1, close), open));
            i = close + 1;
        }
        return new UriTemplate(text, Pattern.compile(regex.toString()));
    }

    private static String expression(String body, int at) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException("empty expression at " + at);
        }
        char op = body.charAt(0);
        String vars = "+#./;?&".indexOf(op) >= 0 ? body.substring(1) : body;
        for (String varspec : vars.split(",", -1)) {
            if (!VARSPEC.matcher(varspec).matches()) {
                throw new IllegalArgumentException("invalid variable '" + varspec + "' in the expression at " + at);
            }
        }
        String value = "(?:[" + UNRESERVED + "]|" + PCT + ")";
        String any = "(?:[" + UNRESERVED + RESERVED + "]|" + PCT + ")";
        return switch (op) {
            case '+' -> any + "*";
            case '#' -> "(?:#" + any + "*)?";
            case '.' -> "(?:\\.(?:" + value + "|[,=])*)?";
            case '/' -> "(?:/(?:" + value + "|[,/=])*)?";
            case ';' -> "(?:;(?:" + value + "|[,;=])*)?";
            case '?' -> "(?:\\?(?:" + value + "|[,&=])*)?";
            case '&' -> "(?:&(?:" + value + "|[,&=])*)?";
            default -> "(?:" + value + "|,)*";
        };
    }

    public boolean matches(String uri) {
        return pattern.matcher(uri).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
