package io.pharox.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A proxy server in a pool: where it is, how to use it, how many leases it may carry at
 * once, and what is known about it (tags, status, last health check).
 *
 * <p>Immutable; build one with {@link #builder()} and derive changed copies with
 * {@link #toBuilder()} or the {@code with…} methods. Every value is validated when the
 * proxy is built. {@link #toString()} never shows the password.
 *
 * <p>Capacity: {@link #maxConcurrency()} is at least 1; {@link #UNLIMITED} (which is
 * {@link Integer#MAX_VALUE}) means no limit. {@link #currentLeases()} is the stored count
 * of lease records in state {@code ACTIVE}, including leases past their expiry that have
 * not been reclaimed yet.
 */
public final class Proxy {

    /** The {@link #maxConcurrency()} of a proxy without a limit on concurrent leases. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** The order in which strategies visit proxies: by {@link #id()} under {@link Ids#ORDER}. */
    public static final Comparator<Proxy> STABLE_ORDER = Comparator.comparing(Proxy::id, Ids.ORDER);

    private final UUID id;
    private final UUID poolId;
    private final String host;
    private final int port;
    private final ProxyProtocol protocol;
    private final @Nullable Credentials credentials;
    private final ProxyStatus status;
    private final int maxConcurrency;
    private final int currentLeases;
    private final @Nullable String country;
    private final @Nullable String city;
    private final @Nullable String source;
    private final @Nullable String isp;
    private final @Nullable Long asn;
    private final @Nullable GeoPoint location;
    private final @Nullable Instant lastCheckedAt;
    private final @Nullable Duration lastLatency;
    private final @Nullable Duration minGrantInterval;

    private Proxy(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.poolId = Objects.requireNonNull(b.poolId, "poolId");
        this.host = requireHost(Objects.requireNonNull(b.host, "host"));
        if (b.port < 1 || b.port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + b.port);
        }
        this.port = b.port;
        this.protocol = Objects.requireNonNull(b.protocol, "protocol");
        this.credentials = b.credentials;
        this.status = Objects.requireNonNull(b.status, "status");
        if (b.maxConcurrency < 1) {
            throw new IllegalArgumentException(
                    "maxConcurrency must be >= 1 (or Proxy.UNLIMITED), was " + b.maxConcurrency);
        }
        this.maxConcurrency = b.maxConcurrency;
        this.currentLeases = requireLeases(b.currentLeases);
        this.country =
                b.country == null ? null : requireTag("country", b.country).toUpperCase(Locale.ROOT);
        this.city = b.city == null ? null : requireTag("city", b.city);
        this.source = b.source == null ? null : requireTag("source", b.source);
        this.isp = b.isp == null ? null : requireTag("isp", b.isp);
        if (b.asn != null && (b.asn < 0 || b.asn > 4_294_967_295L)) {
            throw new IllegalArgumentException("asn must be 0..4294967295, was " + b.asn);
        }
        this.asn = b.asn;
        this.location = b.location;
        this.lastCheckedAt = b.lastCheckedAt == null ? null : Storable.instant("lastCheckedAt", b.lastCheckedAt);
        this.lastLatency = b.lastLatency == null ? null : Storable.latency("lastLatency", b.lastLatency);
        this.minGrantInterval = b.minGrantInterval == null
                ? null
                : Pacing.requireMinGrantInterval("minGrantInterval", b.minGrantInterval);
    }

    /** A copy of {@code p} with {@code currentLeases}, without checking again what {@code p} holds. */
    private Proxy(Proxy p, int currentLeases) {
        this.id = p.id;
        this.poolId = p.poolId;
        this.host = p.host;
        this.port = p.port;
        this.protocol = p.protocol;
        this.credentials = p.credentials;
        this.status = p.status;
        this.maxConcurrency = p.maxConcurrency;
        this.currentLeases = requireLeases(currentLeases);
        this.country = p.country;
        this.city = p.city;
        this.source = p.source;
        this.isp = p.isp;
        this.asn = p.asn;
        this.location = p.location;
        this.lastCheckedAt = p.lastCheckedAt;
        this.lastLatency = p.lastLatency;
        this.minGrantInterval = p.minGrantInterval;
    }

    private static int requireLeases(int leases) {
        if (leases < 0) {
            throw new IllegalArgumentException("currentLeases must be >= 0, was " + leases);
        }
        return leases;
    }

    private static String requireHost(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank() || !host.strip().equals(host) || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("host must be non-blank without whitespace, was '" + host + "'");
        }
        if (host.length() > 253) {
            throw new IllegalArgumentException("host must be at most 253 characters, was " + host.length());
        }
        return Storable.text("host", host);
    }

    private static String requireTag(String field, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank when set, was '" + value + "'");
        }
        return Storable.text(field, value.strip());
    }

    /** A builder with defaults: a new {@link Ids#next()} id, HTTP, ACTIVE, exclusive (max 1). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding every value of this proxy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Unique id. */
    public UUID id() {
        return id;
    }

    /** Id of the pool this proxy belongs to. */
    public UUID poolId() {
        return poolId;
    }

    /** Host name or IP address. */
    public String host() {
        return host;
    }

    /** TCP port, 1..65535. */
    public int port() {
        return port;
    }

    /** Protocol spoken by the proxy. */
    public ProxyProtocol protocol() {
        return protocol;
    }

    /** Credentials, if the proxy requires authentication. */
    public Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    /** Operational status; only {@link ProxyStatus#ACTIVE} proxies are leased. */
    public ProxyStatus status() {
        return status;
    }

    /** Most leases the proxy may carry at once: 1 (exclusive), N (shared) or {@link #UNLIMITED}. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Whether {@link #maxConcurrency()} is {@link #UNLIMITED}. */
    public boolean isUnlimited() {
        return maxConcurrency == UNLIMITED;
    }

    /** Stored count of lease records in state ACTIVE (see the class comment). */
    public int currentLeases() {
        return currentLeases;
    }

    /** ISO country code tag, upper case. */
    public Optional<String> country() {
        return Optional.ofNullable(country);
    }

    /** City tag. */
    public Optional<String> city() {
        return Optional.ofNullable(city);
    }

    /** Source tag: where the proxy came from (a provider, a list). */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    /** ISP tag: the internet service provider whose network the proxy's address belongs to. */
    public Optional<String> isp() {
        return Optional.ofNullable(isp);
    }

    /** Autonomous system number of the proxy's network. */
    public OptionalLong asn() {
        return asn == null ? OptionalLong.empty() : OptionalLong.of(asn);
    }

    /** Geographic location. */
    public Optional<GeoPoint> location() {
        return Optional.ofNullable(location);
    }

    /** When the proxy was last health-checked. */
    public Optional<Instant> lastCheckedAt() {
        return Optional.ofNullable(lastCheckedAt);
    }

    /** Latency measured by the last successful health check. */
    public Optional<Duration> lastLatency() {
        return Optional.ofNullable(lastLatency);
    }

    /**
     * The proxy's own minimum interval between two grants (see {@link Pacing}), if it has one;
     * without one, its pool's default applies.
     */
    public Optional<Duration> minGrantInterval() {
        return Optional.ofNullable(minGrantInterval);
    }

    /** A copy with another status. */
    public Proxy withStatus(ProxyStatus newStatus) {
        return toBuilder().status(newStatus).build();
    }

    /**
     * A copy with another lease counter. Every other value is taken over as it is: it was
     * checked when this proxy was built, and storages call this on every acquire.
     *
     * @throws IllegalArgumentException if {@code leases} is negative
     */
    public Proxy withCurrentLeases(int leases) {
        return leases == currentLeases ? this : new Proxy(this, leases);
    }

    /**
     * A copy updated by a health check: the status follows {@link HealthStatus#proxyStatus()}
     * except that a {@link ProxyStatus#BANNED} proxy stays banned; the check time and the
     * latency (absent when the check measured none) are replaced.
     *
     * @throws IllegalArgumentException if the result is for another proxy
     */
    public Proxy withHealthCheck(HealthCheckResult result) {
        if (!result.proxyId().equals(id)) {
            throw new IllegalArgumentException("health check result is for proxy " + result.proxyId() + ", not " + id);
        }
        return toBuilder()
                .status(
                        status == ProxyStatus.BANNED
                                ? ProxyStatus.BANNED
                                : result.status().proxyStatus())
                .lastCheckedAt(result.checkedAt())
                .lastLatency(result.latency().orElse(null))
                .build();
    }

    /** Whether a lease may be taken on this proxy given {@code activeLeases} live leases. */
    public boolean hasCapacityFor(int activeLeases) {
        return status.isLeasable() && (maxConcurrency == UNLIMITED || activeLeases < maxConcurrency);
    }

    /** {@code host:port}, the address a client connects to. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Proxy)) {
            return false;
        }
        Proxy p = (Proxy) o;
        return port == p.port
                && maxConcurrency == p.maxConcurrency
                && currentLeases == p.currentLeases
                && id.equals(p.id)
                && poolId.equals(p.poolId)
                && host.equals(p.host)
                && protocol == p.protocol
                && Objects.equals(credentials, p.credentials)
                && status == p.status
                && Objects.equals(country, p.country)
                && Objects.equals(city, p.city)
                && Objects.equals(source, p.source)
                && Objects.equals(isp, p.isp)
                && Objects.equals(asn, p.asn)
                && Objects.equals(location, p.location)
                && Objects.equals(lastCheckedAt, p.lastCheckedAt)
                && Objects.equals(lastLatency, p.lastLatency)
                && Objects.equals(minGrantInterval, p.minGrantInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, poolId, host, port, protocol, status, maxConcurrency, currentLeases);
    }

    /** A readable description without the password. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Proxy[")
                .append(protocol.name().toLowerCase(Locale.ROOT))
                .append("://");
        if (credentials != null) {
            sb.append(credentials.username()).append(":****@");
        }
        sb.append(address())
                .append(", id=")
                .append(id)
                .append(", status=")
                .append(status)
                .append(", leases=")
                .append(currentLeases)
                .append('/')
                .append(maxConcurrency == UNLIMITED ? "unlimited" : String.valueOf(maxConcurrency));
        if (country != null) {
            sb.append(", country=").append(country);
        }
        if (city != null) {
            sb.append(", city=").append(city);
        }
        if (source != null) {
            sb.append(", source=").append(source);
        }
        if (isp != null) {
            sb.append(", isp=").append(isp);
        }
        if (asn != null) {
            sb.append(", asn=").append(asn);
        }
        if (location != null) {
            sb.append(", location=").append(location.latitude()).append(',').append(location.longitude());
        }
        if (minGrantInterval != null) {
            sb.append(", minGrantInterval=").append(minGrantInterval);
        }
        return sb.append(']').toString();
    }

    /** Builder for {@link Proxy}; {@link #build()} validates every value. Not thread-safe. */
    public static final class Builder {
        private UUID id = Ids.next();
        private @Nullable UUID poolId;
        private @Nullable String host;
        private int port;
        private ProxyProtocol protocol = ProxyProtocol.HTTP;
        private @Nullable Credentials credentials;
        private ProxyStatus status = ProxyStatus.ACTIVE;
        private int maxConcurrency = 1;
        private int currentLeases;
        private @Nullable String country;
        private @Nullable String city;
        private @Nullable String source;
        private @Nullable String isp;
        private @Nullable Long asn;
        private @Nullable GeoPoint location;
        private @Nullable Instant lastCheckedAt;
        private @Nullable Duration lastLatency;
        private @Nullable Duration minGrantInterval;

        private Builder() {}

        private Builder(Proxy p) {
            id = p.id;
            poolId = p.poolId;
            host = p.host;
            port = p.port;
            protocol = p.protocol;
            credentials = p.credentials;
            status = p.status;
            maxConcurrency = p.maxConcurrency;
            currentLeases = p.currentLeases;
            country = p.country;
            city = p.city;
            source = p.source;
            isp = p.isp;
            asn = p.asn;
            location = p.location;
            lastCheckedAt = p.lastCheckedAt;
            lastLatency = p.lastLatency;
            minGrantInterval = p.minGrantInterval;
        }

        /** Sets the id (default: a new {@link Ids#next()}). */
        public Builder id(UUID id) {
            this.id = id;
            return this;
        }

        /** Sets the pool the proxy belongs to (required). */
        public Builder poolId(UUID poolId) {
            this.poolId = poolId;
            return this;
        }

        /** Sets host and port (required). */
        public Builder address(String host, int port) {
            this.host = host;
            this.port = port;
            return this;
        }

        /** Sets the host (required). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Sets the port, 1..65535 (required). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Sets the protocol (default HTTP). */
        public Builder protocol(ProxyProtocol protocol) {
            this.protocol = protocol;
            return this;
        }

        /** Sets credentials; {@code null} for none. */
        public Builder credentials(@Nullable Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Sets username and password. */
        public Builder credentials(String username, String password) {
            return credentials(new Credentials(username, password));
        }

        /** Sets the status (default ACTIVE). */
        public Builder status(ProxyStatus status) {
            this.status = status;
            return this;
        }

        /** Sets the most concurrent leases: ≥ 1, or {@link Proxy#UNLIMITED}. */
        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /** One lease at a time (the default). */
        public Builder exclusive() {
            return maxConcurrency(1);
        }

        /** Up to {@code leases} leases at a time. */
        public Builder shared(int leases) {
            return maxConcurrency(leases);
        }

        /** No limit on concurrent leases. */
        public Builder unlimited() {
            return maxConcurrency(UNLIMITED);
        }

        /** Sets the stored lease counter (storage adapters only; default 0). */
        public Builder currentLeases(int currentLeases) {
            this.currentLeases = currentLeases;
            return this;
        }

        /** Sets the country code tag (stored upper case); {@code null} for none. */
        public Builder country(@Nullable String country) {
            this.country = country;
            return this;
        }

        /** Sets the city tag; {@code null} for none. */
        public Builder city(@Nullable String city) {
            this.city = city;
            return this;
        }

        /** Sets the source tag; {@code null} for none. */
        public Builder source(@Nullable String source) {
            this.source = source;
            return this;
        }

        /** Sets the ISP tag; {@code null} for none. Stripped, like the other tags. */
        public Builder isp(@Nullable String isp) {
            this.isp = isp;
            return this;
        }

        /** Sets the autonomous system number; {@code null} for none. */
        public Builder asn(@Nullable Long asn) {
            this.asn = asn;
            return this;
        }

        /** Sets the autonomous system number. */
        public Builder asn(long asn) {
            this.asn = asn;
            return this;
        }

        /** Sets the location; {@code null} for none. */
        public Builder location(@Nullable GeoPoint location) {
            this.location = location;
            return this;
        }

        /** Sets the location from latitude and longitude. */
        public Builder location(double latitude, double longitude) {
            return location(new GeoPoint(latitude, longitude));
        }

        /** Sets the time of the last health check, kept to the microsecond; {@code null} for never. */
        public Builder lastCheckedAt(@Nullable Instant lastCheckedAt) {
            this.lastCheckedAt = lastCheckedAt;
            return this;
        }

        /** Sets the latency of the last health check, kept to the microsecond; {@code null} for unknown. */
        public Builder lastLatency(@Nullable Duration lastLatency) {
            this.lastLatency = lastLatency;
            return this;
        }

        /**
         * Sets the proxy's own minimum interval between two grants: positive, at most
         * {@link Pacing#MAX_MIN_GRANT_INTERVAL}, whole milliseconds; {@code null} for none (the
         * pool's default then applies).
         */
        public Builder minGrantInterval(@Nullable Duration minGrantInterval) {
            this.minGrantInterval = minGrantInterval;
            return this;
        }

        /**
         * Builds the proxy.
         *
         * @throws NullPointerException if the pool id or host is missing
         * @throws IllegalArgumentException if a value is invalid; the message names it
         */
        public Proxy build() {
            return new Proxy(this);
        }
    }
}
