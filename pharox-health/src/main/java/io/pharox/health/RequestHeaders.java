package io.pharox.health;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rules for the headers a probe's request carries besides its own: names are HTTP tokens,
 * values are single-line Latin-1 text, and the headers that frame the exchange or belong to the
 * proxy stay the checker's. Messages name the header, never a value (it may be a token), and
 * never the part of a bad name after its first bad character (it may be a whole
 * {@code "Authorization: Bearer ..."} line given as a name).
 */
final class RequestHeaders {

    /** Set by the checker, or changing how the exchange is framed: refused. */
    static final Set<String> RESERVED = Set.of(
            "host",
            "connection",
            "content-length",
            "transfer-encoding",
            "proxy-authorization",
            "proxy-connection",
            "keep-alive",
            "te",
            "trailer",
            "upgrade");

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private RequestHeaders() {}

    /**
     * Checks a header for {@link HealthCheckOptions.Builder#header}.
     *
     * @throws NullPointerException if either is {@code null}
     * @throws IllegalArgumentException if the name is not a token or is reserved, or the value has
     *         a line break, another control character or a character beyond ISO-8859-1
     */
    static void require(String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isTokenChar(c)) {
                throw new IllegalArgumentException("header name must be an HTTP token (letters, digits and "
                        + TOKEN_SYMBOLS + "); "
                        + (i == 0 ? "it starts with " : "'" + name.substring(0, i) + "' is followed by ") + describe(c)
                        + " at index " + i);
            }
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "header '" + name + "' is written by the health checker and cannot be set;" + " reserved: "
                            + RESERVED.stream().sorted().toList());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = c < 0x20 && c != '\t' || c == 0x7F;
            if (control || c > 0xFF) {
                throw new IllegalArgumentException("value of header '" + name + "' must be one line of ISO-8859-1"
                        + " text without control characters; found " + describe(c) + " at index " + i);
            }
        }
    }

    /** Whether {@code headers} has {@code name}, compared as HTTP compares names: ignoring case. */
    static boolean contains(Map<String, String> headers, String name) {
        return headers.keySet().stream().anyMatch(name::equalsIgnoreCase);
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TOKEN_SYMBOLS.indexOf(c) >= 0;
    }

    private static String describe(char c) {
        return c > 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
