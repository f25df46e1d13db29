package io.pharox.cli;

import io.pharox.model.Ids;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyUrl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads the list the {@code import} command takes: one proxy per line, its URL first and then
 * tags, all of it into one pool.
 *
 * <pre>
 * # a comment; blank lines are ignored
 * 203.0.113.10:8080 country=US                        # host:port is an HTTP proxy
 * http://alice:s3cret@203.0.113.11:3128 country=DE max=4
 * socks5://bob:p%40ss@[2001:db8::7]:1080 city=Tokyo source=vendor-a isp=NTT asn=2516
 * </pre>
 *
 * <ul>
 *   <li>The URL is read by {@link ProxyUrl#parse}: {@code http}, {@code https}, {@code socks4},
 *       {@code socks5}, or a bare {@code host:port} for HTTP; user and password percent-encoded.</li>
 *   <li>Tags, in any order: {@code country=} (two letters), {@code city=}, {@code source=},
 *       {@code isp=}, {@code asn=} (a number), {@code max=} (the proxy's concurrent leases, a
 *       number or {@code unlimited}; 1 when absent). Values are percent-decoded, so a space is
 *       {@code %20}.</li>
 *   <li>A word starting with {@code #} starts a comment, to the end of the line.</li>
 * </ul>
 *
 * Every line is read: a bad line does not stop the reading, it becomes a {@link Problem} naming
 * its number, never its password. A second line with the host and port of an earlier one is a
 * problem too.
 */
final class ProxyList {

    /** The tags a line may carry, in the order the messages list them. */
    static final String TAGS = "country, city, source, isp, asn, max";

    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final UUID NO_POOL_YET = new UUID(0, 0);

    /**
     * A proxy read from a line.
     *
     * @param line its line number, from 1
     * @param proxy the proxy, with a placeholder pool id: see {@link #inPool}
     */
    record Entry(int line, Proxy proxy) {

        /** The proxy in the pool with id {@code poolId}, under a fresh id. */
        Proxy inPool(UUID poolId) {
            return proxy.toBuilder().id(Ids.next()).poolId(poolId).build();
        }

        /** The host (lower case) and port: what makes two proxies of one pool the same. */
        String key() {
            return ProxyList.key(proxy);
        }
    }

    /**
     * A line that cannot be imported.
     *
     * @param line its number, from 1
     * @param reason why, without any password
     */
    record Problem(int line, String reason) {

        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    /**
     * What a list held.
     *
     * @param entries the good lines' proxies, in order
     * @param problems the bad lines, in order
     */
    record Parsed(List<Entry> entries, List<Problem> problems) {

        Parsed {
            entries = List.copyOf(entries);
            problems = List.copyOf(problems);
        }
    }

    private ProxyList() {}

    /** Reads every line; never throws for a bad line. */
    static Parsed parse(List<String> lines) {
        Objects.requireNonNull(lines, "lines");
        List<Entry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            List<String> words = words(lines.get(i));
            if (words.isEmpty()) {
                continue;
            }
            Proxy proxy;
            try {
                proxy = proxy(words);
            } catch (IllegalArgumentException | NullPointerException e) {
                problems.add(new Problem(number, String.valueOf(e.getMessage())));
                continue;
            }
            Integer earlier = seen.putIfAbsent(key(proxy), number);
            if (earlier != null) {
                problems.add(new Problem(number, proxy.address() + " is already listed on line " + earlier));
                continue;
            }
            entries.add(new Entry(number, proxy));
        }
        return new Parsed(entries, problems);
    }

    /** The host (lower case) and port of a proxy. */
    static String key(Proxy proxy) {
        return proxy.host().toLowerCase(Locale.ROOT) + ":" + proxy.port();
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : WHITESPACE.split(line.strip())) {
            if (word.startsWith("#")) {
                break;
            }
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    private static Proxy proxy(List<String> words) {
        String url = words.get(0);
        if (!url.contains("@") && words.stream().anyMatch(w -> w.contains("@"))) {
            // the URL's password holds a space: show none of it
            throw new IllegalArgumentException(
                    "a space cuts the URL before its '@': write a space in a user or password as %20");
        }
        Proxy.Builder builder = ProxyUrl.parse(url).applyTo(Proxy.builder().poolId(NO_POOL_YET));
        // after a URL with credentials, a word that is no tag may be the end of a password
        boolean secret = url.contains("@");
        for (int w = 1; w < words.size(); w++) {
            tag(builder, words.get(w), secret ? "word " + (w + 1) : "'" + words.get(w) + "'");
        }
        return builder.build();
    }

    private static void tag(Proxy.Builder builder, String word, String shown) {
        int eq = word.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected a tag key=value (" + TAGS + "), was " + shown);
        }
        String key = word.substring(0, eq).toLowerCase(Locale.ROOT);
        String value = decode(key, word.substring(eq + 1));
        if (value.isBlank()) {
            throw new IllegalArgumentException("the tag " + key + " has no value");
        }
        switch (key) {
            case "country" -> {
                if (!COUNTRY.matcher(value).matches()) {
                    throw new IllegalArgumentException("country must be a two-letter code, was '" + value + "'");
                }
                builder.country(value.toUpperCase(Locale.ROOT));
            }
            case "city" -> builder.city(value);
            case "source" -> builder.source(value);
            case "isp" -> builder.isp(value);
            case "asn" -> builder.asn(number("asn", value));
            case "max" -> {
                if (value.equalsIgnoreCase("unlimited")) {
                    builder.unlimited();
                } else {
                    long max = number("max", value);
                    if (max < 1 || max >= Proxy.UNLIMITED) {
                        throw new IllegalArgumentException(
                                "max must be 1.." + (Proxy.UNLIMITED - 1) + " or unlimited, was '" + value + "'");
                    }
                    builder.maxConcurrency((int) max);
                }
            }
            default -> throw new IllegalArgumentException("unknown tag '" + key + "' (known: " + TAGS + ")");
        }
    }

    private static long number(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + value + "'");
        }
    }

    private static String decode(String key, String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the tag " + key + " has a '%' not followed by two hex digits");
        }
    }
}
