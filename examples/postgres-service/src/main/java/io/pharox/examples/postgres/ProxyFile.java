package io.pharox.examples.postgres;

import io.pharox.model.Credentials;
import io.pharox.model.Ids;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the service's proxy list: one proxy per line, pools as {@code [name]} headers.
 *
 * <pre>
 * # a comment; blank lines are ignored
 * [residential]                                   # the lines below belong to pool "residential"
 * 203.0.113.10:8080 country=US                    # host:port is an HTTP proxy
 * http://alice:s3cret@203.0.113.11:3128 country=DE max=4
 * socks5://bob:p%40ss@[2001:db8::7]:1080 country=JP city=Tokyo source=vendor-a asn=2516
 * </pre>
 *
 * <ul>
 *   <li>Address: {@code host:port}, or {@code protocol://[user:password@]host:port} with protocol
 *       {@code http}, {@code https}, {@code socks4} or {@code socks5}; an IPv6 host goes in brackets.
 *       User and password are percent-decoded, so write {@code @ : / # %} and spaces in them as
 *       {@code %40 %3A %2F %23 %25 %20}.</li>
 *   <li>Tags after the address, in any order: {@code country=} (two letters), {@code city=},
 *       {@code source=}, {@code asn=} (a number) and {@code max=} (the proxy's max concurrency, a
 *       number or {@code unlimited}; 1 when absent). Values are percent-decoded too.</li>
 *   <li>{@code #} starts a comment anywhere on a line. Proxies before any header go to pool
 *       {@value #DEFAULT_POOL}.</li>
 * </ul>
 * A malformed line is rejected with its line number, and never with its password.
 */
public final class ProxyFile {

    /** The pool of the proxies listed before any {@code [pool]} header. */
    public static final String DEFAULT_POOL = "default";

    private static final Pattern ADDRESS =
            Pattern.compile("(?:(?<protocol>[A-Za-z0-9]+)://)?(?:(?<user>[^:@/]*):(?<password>[^@/]*)@)?"
                    + "(?<host>\\[[^\\]]+\\]|[^:\\[\\]@/]+):(?<port>[^:@/]*)");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final UUID NO_POOL_YET = new UUID(0, 0);

    /**
     * One proxy of the file and the pool it belongs to. Its {@code toString} hides the password.
     *
     * @param line the line number it came from (1-based)
     * @param pool the pool's name
     * @param proxy the proxy, with a placeholder pool id: see {@link #inPool}
     */
    public record Entry(int line, String pool, Proxy proxy) {

        /** The proxy, in the pool with id {@code poolId} (under a fresh proxy id). */
        public Proxy inPool(UUID poolId) {
            return proxy.toBuilder().id(Ids.next()).poolId(poolId).build();
        }
    }

    private ProxyFile() {}

    /**
     * Parses the lines of a proxy file.
     *
     * @param source the file's name, for error messages
     * @return the proxies in file order
     * @throws IllegalArgumentException for the first malformed line, naming {@code source}, the
     *         line number and the bad value (with any password masked)
     */
    public static List<Entry> parse(String source, List<String> lines) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(lines, "lines");
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String pool = DEFAULT_POOL;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = stripComment(lines.get(i)).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("[") && line.endsWith("]")) {
                    pool = ProxyPool.requireName(
                            line.substring(1, line.length() - 1).strip());
                    continue;
                }
                Proxy proxy = parseProxy(line);
                String key = pool + " " + proxy.host().toLowerCase(Locale.ROOT) + ":" + proxy.port();
                Integer earlier = seen.putIfAbsent(key, number);
                if (earlier != null) {
                    throw new IllegalArgumentException(
                            proxy.address() + " is already listed in pool '" + pool + "' on line " + earlier);
                }
                entries.add(new Entry(number, pool, proxy));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + number + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(entries);
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    private static Proxy parseProxy(String line) {
        String[] tokens = line.split("\\s+");
        Matcher m = ADDRESS.matcher(tokens[0]);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected host:port or protocol://[user:password@]host:port, was '" + masked(tokens[0]) + "'");
        }
        Proxy.Builder b = Proxy.builder()
                .poolId(NO_POOL_YET)
                .address(host(m.group("host")), port(m.group("port")))
                .protocol(protocol(m.group("protocol")));
        if (m.group("user") != null) {
            b.credentials(new Credentials(decode("user", m.group("user")), decode("password", m.group("password"))));
        }
        for (int t = 1; t < tokens.length; t++) {
            tag(b, tokens[t]);
        }
        return b.build();
    }

    private static String host(String host) {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(String port) {
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number 1..65535, was '" + port + "'");
        }
    }

    private static ProxyProtocol protocol(String protocol) {
        if (protocol == null) {
            return ProxyProtocol.HTTP;
        }
        try {
            return ProxyProtocol.valueOf(protocol.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "protocol must be http, https, socks4 or socks5, was '" + protocol + "'");
        }
    }

    private static void tag(Proxy.Builder b, String token) {
        int eq = token.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    "expected a tag key=value (country, city, source, asn, max), was '" + token + "'");
        }
        String key = token.substring(0, eq).toLowerCase(Locale.ROOT);
        String value = decode(key, token.substring(eq + 1));
        switch (key) {
            case "country" -> {
                if (!COUNTRY.matcher(value).matches()) {
                    throw new IllegalArgumentException("country must be a two-letter code, was '" + value + "'");
                }
                b.country(value);
            }
            case "city" -> b.city(value);
            case "source" -> b.source(value);
            case "asn" -> b.asn(number("asn", value));
            case "max" -> {
                if (value.equalsIgnoreCase("unlimited")) {
                    b.unlimited();
                } else {
                    long max = number("max", value);
                    if (max < 1 || max >= Proxy.UNLIMITED) {
                        throw new IllegalArgumentException(
                                "max must be 1.." + (Proxy.UNLIMITED - 1) + " or unlimited, was '" + value + "'");
                    }
                    b.maxConcurrency((int) max);
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown tag '" + key + "' (known: country, city, source, asn, max)");
        }
    }

    private static long number(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + value + "'");
        }
    }

    private static String decode(String what, String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // the value itself may be a password: name the field, not the value
            throw new IllegalArgumentException(what + " has a malformed %-escape");
        }
    }

    /** The address token with the password (if any) replaced by {@code ****}. */
    static String masked(String token) {
        int scheme = token.indexOf("://");
        int at = token.lastIndexOf('@');
        int colon = token.indexOf(':', scheme < 0 ? 0 : scheme + 3);
        if (at > 0 && colon > 0 && colon < at) {
            return token.substring(0, colon + 1) + "****" + token.substring(at);
        }
        return token;
    }
}
