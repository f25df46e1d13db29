package io.pharox.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A proxy's address as the URL proxy providers hand out: {@code scheme://[user:password@]host:port}.
 *
 * <ul>
 *   <li>{@link #parse} reads {@code http://}, {@code https://}, {@code socks4://} and {@code
 *       socks5://} URLs (the scheme in any case), and a bare {@code host:port} as HTTP. An IPv6
 *       host goes in brackets ({@code socks5://[2001:db8::7]:1080}). User and password are
 *       percent-decoded, so {@code @ : / # %} and spaces in them are written {@code %40 %3A %2F
 *       %23 %25 %20}; a password may be empty ({@code user:@host:port}) but a user without a
 *       password is refused. Nothing may follow the port.</li>
 *   <li>{@link #format(boolean)} writes the URL back, with or without the credentials; what it
 *       writes parses to an equal value. {@link #toString()} never shows credentials.</li>
 * </ul>
 *
 * <pre>{@code
 * ProxyUrl url = ProxyUrl.parse("socks5://alice:s3cret@203.0.113.7:1080");
 * Proxy proxy = url.applyTo(Proxy.builder().poolId(pool.id())).build();
 * ProxyUrl.of(proxy).format(false);   // "socks5://203.0.113.7:1080"
 * }</pre>
 *
 * @param protocol the scheme
 * @param host host name or IP address (an IPv6 address without brackets)
 * @param port 1..65535
 * @param credentials user and password, or {@code null}
 */
public record ProxyUrl(
        ProxyProtocol protocol,
        String host,
        int port,
        @Nullable Credentials credentials) {

    private static final Pattern URL = Pattern.compile("(?:(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
            + "(?:(?<user>[^:@/]*)(?::(?<password>[^@/]*))?@)?"
            + "(?<host>\\[[^\\]/@]*\\]|[^:\\[\\]@/]*)(?::(?<port>[^:@/]*))?");
    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    /**
     * @throws NullPointerException if the protocol or host is {@code null}
     * @throws IllegalArgumentException if the host or port is not one a {@link Proxy} accepts
     */
    public ProxyUrl {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(host, "host");
        // The proxy's own checks decide what a valid host and port are.
        Proxy.builder().poolId(Ids.next()).address(host, port).build();
    }

    /**
     * The URL of a proxy's address, protocol and credentials.
     *
     * @throws NullPointerException if {@code proxy} is {@code null}
     */
    public static ProxyUrl of(Proxy proxy) {
        return new ProxyUrl(
                proxy.protocol(),
                proxy.host(),
                proxy.port(),
                proxy.credentials().orElse(null));
    }

    /**
     * Parses a proxy URL (see the class comment for the forms).
     *
     * @throws NullPointerException if {@code url} is {@code null}
     * @throws IllegalArgumentException if it is not a proxy URL; the message shows the URL with
     *         any password masked and says what is wrong
     */
    public static ProxyUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        String text = url.strip();
        Matcher m = URL.matcher(text);
        if (text.isEmpty() || !m.matches()) {
            throw bad(text, "expected scheme://[user:password@]host:port or host:port");
        }
        ProxyProtocol protocol = protocol(text, m.group("scheme"));
        String rawHost = m.group("host");
        if (rawHost.isEmpty() || rawHost.equals("[]")) {
            throw bad(text, "the host is missing");
        }
        String host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        if (!rawHost.startsWith("[") && host.contains(":")) {
            throw bad(text, "an IPv6 host must be in brackets");
        }
        String port = m.group("port");
        if (port == null || port.isEmpty()) {
            throw bad(text, "the port is missing");
        }
        @Nullable Credentials credentials = null;
        String user = m.group("user");
        if (user != null) {
            String password = m.group("password");
            if (password == null) {
                throw bad(text, "a user needs a password (write user:@host:port for an empty one)");
            }
            try {
                credentials = new Credentials(decode(text, "user", user), decode(text, "password", password));
            } catch (IllegalArgumentException e) {
                throw bad(text, e.getMessage());
            }
        }
        try {
            return new ProxyUrl(protocol, host, port(text, port), credentials);
        } catch (IllegalArgumentException e) {
            throw bad(text, e.getMessage());
        }
    }

    /**
     * Sets this URL's protocol, address and credentials (or none) on {@code builder}, leaving its
     * other values as they are.
     *
     * @return {@code builder}
     */
    public Proxy.Builder applyTo(Proxy.Builder builder) {
        return builder.protocol(protocol).address(host, port).credentials(credentials);
    }

    /**
     * The URL as text: {@code scheme://host:port}, with {@code user:password@} (percent-encoded)
     * before the host when {@code withCredentials} is set and the URL has credentials. An IPv6
     * host is written in brackets.
     */
    public String format(boolean withCredentials) {
        StringBuilder sb = new StringBuilder(protocol.name().toLowerCase(Locale.ROOT)).append("://");
        if (withCredentials && credentials != null) {
            sb.append(encode(credentials.username()))
                    .append(':')
                    .append(encode(credentials.password()))
                    .append('@');
        }
        if (host.indexOf(':') >= 0) {
            sb.append('[').append(host).append(']');
        } else {
            sb.append(host);
        }
        return sb.append(':').append(port).toString();
    }

    /** The URL without credentials: {@code format(false)}. Safe to log. */
    @Override
    public String toString() {
        return format(false);
    }

    private static ProxyProtocol protocol(String text, @Nullable String scheme) {
        if (scheme == null) {
            return ProxyProtocol.HTTP;
        }
        try {
            return ProxyProtocol.valueOf(scheme.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(text, "the scheme must be http, https, socks4 or socks5, was '" + scheme + "'");
        }
    }

    private static int port(String text, String port) {
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(text, "the port must be a number 1..65535, was '" + port + "'");
        }
        return Integer.parseInt(port);
    }

    private static String decode(String text, String what, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int lo = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw bad(text, "the " + what + " has a '%' not followed by two hex digits");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
                    bytes = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && UNRESERVED.indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static IllegalArgumentException bad(String text, @Nullable String why) {
        return new IllegalArgumentException("not a proxy URL: '" + masked(text) + "': " + why);
    }

    /** {@code text} with whatever stands between the first ':' after "//" and the last '@' masked. */
    private static String masked(String text) {
        int start = text.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int at = text.lastIndexOf('@');
        if (at < start) {
            return text;
        }
        int colon = text.indexOf(':', start);
        return colon < 0 || colon > at ? text : text.substring(0, colon + 1) + "****" + text.substring(at);
    }
}
