package io.pharox.health;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link HealthChecker} probes proxies: the target it asks for through each proxy and the
 * headers it sends, the timeouts, which answers count as healthy, what a redirect means, when a
 * proxy is slow, how often a failed probe is retried and how many proxies are checked at once.
 * Immutable; build with {@link #builder(URI)}.
 *
 * <p>Defaults: connect timeout 5 s, read timeout 10 s, expected statuses 200..299, slow above
 * 2 s, redirects not followed, no retry, 16 proxies at once, the JVM's default {@link SSLContext},
 * target host names resolved by the proxy, no extra request headers.
 */
public final class HealthCheckOptions {

    /** The statuses accepted unless {@link Builder#expectedStatuses} says otherwise: 200..299. */
    public static final Set<Integer> SUCCESS_STATUSES =
            IntStream.rangeClosed(200, 299).boxed().collect(Collectors.toUnmodifiableSet());

    private final URI target;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Set<Integer> expectedStatuses;
    private final Duration slowThreshold;
    private final int retries;
    private final int concurrency;
    private final @Nullable SSLContext sslContext;
    private final boolean resolveTargetLocally;
    private final Map<String, String> headers;
    private final RedirectPolicy redirects;

    private HealthCheckOptions(Builder b) {
        this.target = b.target;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.expectedStatuses = b.expectedStatuses;
        this.slowThreshold = b.slowThreshold;
        this.retries = b.retries;
        this.concurrency = b.concurrency;
        this.sslContext = b.sslContext;
        this.resolveTargetLocally = b.resolveTargetLocally;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.redirects = b.redirects;
    }

    /**
     * A builder probing {@code target}, an {@code http} or {@code https} URL with a host.
     *
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if it is not an absolute http(s) URL with a host, or
     *         carries user information (credentials belong to proxies, not to the target)
     */
    public static Builder builder(URI target) {
        return new Builder(target);
    }

    /** A builder probing {@code target}; see {@link #builder(URI)}. */
    public static Builder builder(String target) {
        Objects.requireNonNull(target, "target");
        try {
            return new Builder(new URI(target));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("target must be a valid URL, was '" + target + "'", e);
        }
    }

    /** The URL requested through each proxy. */
    public URI target() {
        return target;
    }

    /** Whether the target is an {@code https} URL (reached through a tunnel, then TLS). */
    public boolean targetIsHttps() {
        return isHttps(target);
    }

    /** The target's port, explicit or the scheme's default. */
    public int targetPort() {
        return portOf(target);
    }

    static boolean isHttps(URI url) {
        return "https".equals(url.getScheme().toLowerCase(Locale.ROOT));
    }

    static int portOf(URI url) {
        return url.getPort() != -1 ? url.getPort() : isHttps(url) ? 443 : 80;
    }

    /** Longest wait for the TCP connection to the proxy. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Longest wait for any single read from the proxy (handshakes and the response). */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** HTTP statuses of the target's answer that count as a passed check; unmodifiable. */
    public Set<Integer> expectedStatuses() {
        return expectedStatuses;
    }

    /** A passed probe that took longer than this is {@link io.pharox.model.HealthStatus#SLOW}. */
    public Duration slowThreshold() {
        return slowThreshold;
    }

    /** How many more times an unreachable proxy is probed before it is reported unreachable. */
    public int retries() {
        return retries;
    }

    /** Most proxies probed at once by {@link HealthChecker#checkAll}. */
    public int concurrency() {
        return concurrency;
    }

    /** The TLS context for https targets (and HTTPS proxies), if one was set; else the JVM's default. */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    /**
     * Whether a SOCKS probe resolves the target's host name in this JVM and sends the proxy an
     * address (SOCKS4 without the 4a extension, SOCKS5 with an IP address type), rather than
     * sending the name for the proxy to resolve (SOCKS4a, SOCKS5's domain type). HTTP proxies
     * always get the name. An IP-literal target is sent as it is either way.
     */
    public boolean resolveTargetLocally() {
        return resolveTargetLocally;
    }

    /**
     * The headers the probe's {@code GET} carries besides its own {@code Host},
     * {@code Connection: close} and (unless given here) {@code User-Agent} and {@code Accept}, in
     * the order given; unmodifiable. They go to the target only: never in the {@code CONNECT}
     * request an HTTP proxy sees before a tunnel to an https target.
     */
    public Map<String, String> headers() {
        return headers;
    }

    /** What a probe does with a redirect from the target; {@link RedirectPolicy#NEVER} unless set. */
    public RedirectPolicy redirects() {
        return redirects;
    }

    @Override
    public String toString() {
        return "HealthCheckOptions[target=" + target + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", expectedStatuses=" + Probe.describeStatuses(expectedStatuses)
                + ", slowThreshold=" + slowThreshold + ", redirects=" + redirects + ", retries=" + retries
                + ", concurrency=" + concurrency
                + (resolveTargetLocally ? ", resolveTargetLocally" : "")
                + (headers.isEmpty() ? "" : ", headers=" + headers.keySet()) + ']';
    }

    /** Builds {@link HealthCheckOptions}; every setter validates its value at once. */
    public static final class Builder {

        private final URI target;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private Set<Integer> expectedStatuses = SUCCESS_STATUSES;
        private Duration slowThreshold = Duration.ofSeconds(2);
        private int retries;
        private int concurrency = 16;
        private @Nullable SSLContext sslContext;
        private boolean resolveTargetLocally;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private RedirectPolicy redirects = RedirectPolicy.NEVER;

        private Builder(URI target) {
            Objects.requireNonNull(target, "target");
            String scheme =
                    target.getScheme() == null ? null : target.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("target must be an http or https URL, was '" + target + "'");
            }
            if (target.getHost() == null || target.getHost().isEmpty()) {
                throw new IllegalArgumentException("target must name a host, was '" + target + "'");
            }
            if (target.getRawUserInfo() != null) {
                throw new IllegalArgumentException(
                        "target must not carry user information, was a URL to " + target.getHost());
            }
            this.target = target;
        }

        /**
         * Longest wait for the TCP connection to the proxy.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requireTimeout("connectTimeout", timeout);
            return this;
        }

        /**
         * Longest wait for any single read from the proxy.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = requireTimeout("readTimeout", timeout);
            return this;
        }

        /**
         * The target's answers that count as a passed check.
         *
         * @throws IllegalArgumentException if empty or a status is not 100..599
         */
        public Builder expectedStatuses(Set<Integer> statuses) {
            Objects.requireNonNull(statuses, "expectedStatuses");
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("expectedStatuses must not be empty");
            }
            for (Integer status : statuses) {
                if (status == null || status < 100 || status > 599) {
                    throw new IllegalArgumentException("expected statuses must be 100..599, was " + status);
                }
            }
            this.expectedStatuses = Set.copyOf(statuses);
            return this;
        }

        /** The target's answers that count as a passed check; see {@link #expectedStatuses(Set)}. */
        public Builder expectedStatuses(Integer... statuses) {
            return expectedStatuses(Set.of(statuses));
        }

        /**
         * A passed probe slower than this is SLOW.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder slowThreshold(Duration threshold) {
            this.slowThreshold = requireTimeout("slowThreshold", threshold);
            return this;
        }

        /**
         * How many more probes an unreachable proxy gets. Refused logins and unexpected answers
         * are not retried: asking again would not change them.
         *
         * @throws IllegalArgumentException if negative or above 10
         */
        public Builder retries(int retries) {
            if (retries < 0 || retries > 10) {
                throw new IllegalArgumentException("retries must be 0..10, was " + retries);
            }
            this.retries = retries;
            return this;
        }

        /**
         * Most proxies probed at once when checking many.
         *
         * @throws IllegalArgumentException if not 1..10000
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 10_000) {
                throw new IllegalArgumentException("concurrency must be 1..10000, was " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** The TLS context for https targets and HTTPS proxies, for example one trusting a private CA. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Whether SOCKS probes resolve the target's host name here and send the proxy its address;
         * off by default, so the proxy resolves it. Turn it on for SOCKS4 proxies without the 4a
         * extension (Dante's among them), which refuse a request that names the host. See
         * {@link HealthCheckOptions#resolveTargetLocally()}.
         */
        public Builder resolveTargetLocally(boolean resolveLocally) {
            this.resolveTargetLocally = resolveLocally;
            return this;
        }

        /**
         * A header for the probe's request to the target, replacing one of the same name (names
         * compare ignoring case), {@code User-Agent} and {@code Accept} included. Values may be
         * secrets (an {@code Authorization} token): no message, log line or {@code toString}
         * shows them.
         *
         * @throws NullPointerException if either is {@code null}
         * @throws IllegalArgumentException if the name is not an HTTP token, or is one the checker
         *         writes itself ({@code Host}, {@code Connection}, {@code Content-Length},
         *         {@code Transfer-Encoding}, {@code Proxy-Authorization} and the other hop-by-hop
         *         headers); or the value holds a line break, another control character or a
         *         character beyond ISO-8859-1. The message names the header, never the value.
         */
        public Builder header(String name, String value) {
            RequestHeaders.require(name, value);
            headers.keySet().removeIf(name::equalsIgnoreCase);
            headers.put(name, value);
            return this;
        }

        /** What a probe does with a redirect: {@link RedirectPolicy#NEVER} (the default), ACCEPT or follow(n). */
        public Builder redirects(RedirectPolicy policy) {
            this.redirects = Objects.requireNonNull(policy, "redirects");
            return this;
        }

        /**
         * Follows up to {@code maxHops} redirects: {@code redirects(RedirectPolicy.follow(maxHops))}.
         *
         * @throws IllegalArgumentException if {@code maxHops} is not 1..{@value RedirectPolicy#MAX_HOPS}
         */
        public Builder followRedirects(int maxHops) {
            return redirects(RedirectPolicy.follow(maxHops));
        }

        /** The options. */
        public HealthCheckOptions build() {
            return new HealthCheckOptions(this);
        }

        private static Duration requireTimeout(String name, Duration value) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            if (value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        name + " must be at most " + Integer.MAX_VALUE + " ms, was " + value);
            }
            return value;
        }
    }
}
