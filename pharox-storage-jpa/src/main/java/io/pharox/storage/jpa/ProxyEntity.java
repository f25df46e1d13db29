package io.pharox.storage.jpa;

import io.pharox.model.Credentials;
import io.pharox.model.GeoPoint;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@code proxy}. Updates write only the changed columns, so that changing a proxy's
 * description never writes back a stale lease counter.
 */
@Entity(name = "PharoxProxy")
@Table(name = "proxy")
@DynamicUpdate
class ProxyEntity {

    @Id
    @Column(name = "id", nullable = false)
    UUID id;

    @Column(name = "pool_id", nullable = false, updatable = false)
    UUID poolId;

    @Column(name = "host", nullable = false, length = 253)
    String host;

    @Column(name = "port", nullable = false)
    int port;

    @Column(name = "protocol", nullable = false, length = 8)
    String protocol;

    @Column(name = "username")
    @Nullable
    String username;

    @Column(name = "password")
    @Nullable
    String password;

    @Column(name = "status", nullable = false, length = 16)
    String status;

    @Column(name = "max_concurrency", nullable = false)
    int maxConcurrency;

    @Column(name = "current_leases", nullable = false)
    int currentLeases;

    @Column(name = "country")
    @Nullable
    String country;

    @Column(name = "city")
    @Nullable
    String city;

    @Column(name = "source")
    @Nullable
    String source;

    @Column(name = "asn")
    @Nullable
    Long asn;

    @Column(name = "latitude")
    @Nullable
    Double latitude;

    @Column(name = "longitude")
    @Nullable
    Double longitude;

    @Column(name = "last_checked_at")
    @Nullable
    Instant lastCheckedAt;

    @Column(name = "last_latency_micros")
    @Nullable
    Long lastLatencyMicros;

    protected ProxyEntity() {}

    /** A new row for {@code proxy}, with no leases. */
    static ProxyEntity of(Proxy proxy) {
        ProxyEntity e = new ProxyEntity();
        e.id = proxy.id();
        e.poolId = proxy.poolId();
        e.currentLeases = 0;
        e.describe(proxy);
        return e;
    }

    /** Copies every descriptive value of {@code proxy}; the pool and the counter stay. */
    void describe(Proxy proxy) {
        Credentials credentials = proxy.credentials().orElse(null);
        GeoPoint location = proxy.location().orElse(null);
        host = proxy.host();
        port = proxy.port();
        protocol = proxy.protocol().name();
        username = credentials == null ? null : credentials.username();
        password = credentials == null ? null : credentials.password();
        status = proxy.status().name();
        maxConcurrency = proxy.maxConcurrency();
        country = proxy.country().orElse(null);
        city = proxy.city().orElse(null);
        source = proxy.source().orElse(null);
        asn = proxy.asn().isPresent() ? proxy.asn().getAsLong() : null;
        latitude = location == null ? null : location.latitude();
        longitude = location == null ? null : location.longitude();
        lastCheckedAt = proxy.lastCheckedAt().orElse(null);
        lastLatencyMicros =
                proxy.lastLatency().map(io.pharox.storage.sql.Rows::micros).orElse(null);
    }

    Proxy toProxy() {
        Proxy.Builder b = Proxy.builder()
                .id(id)
                .poolId(poolId)
                .address(host, port)
                .protocol(ProxyProtocol.valueOf(protocol))
                .status(ProxyStatus.valueOf(status))
                .maxConcurrency(maxConcurrency)
                .currentLeases(currentLeases)
                .country(country)
                .city(city)
                .source(source)
                .asn(asn);
        if (username != null) {
            b.credentials(username, Objects.requireNonNull(password, "password column of a proxy with a username"));
        }
        if (latitude != null && longitude != null) {
            b.location(new GeoPoint(latitude, longitude));
        }
        b.lastCheckedAt(lastCheckedAt);
        b.lastLatency(lastLatencyMicros == null ? null : Duration.ofNanos(lastLatencyMicros * 1000));
        return b.build();
    }
}
