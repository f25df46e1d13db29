package io.pharox.storage.jpa;

import io.pharox.model.GeoPoint;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.sql.CredentialCipher;
import io.pharox.storage.sql.StoredCredentials;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@code proxy}. Updates write only the changed columns, so that changing a proxy's
 * description never writes back a stale lease counter.
 *
 * <p>The entity holds the password as the table stores it: sealed ({@link #passwordCiphertext}
 * with {@link #credentialKeyId}) when a keyring is configured, so that Hibernate never binds,
 * logs or caches the plain password; in {@link #password} only when plain text is allowed.
 * {@link #of}, {@link #describe} and {@link #toProxy} seal and open it with the engine's
 * {@link CredentialCipher}.
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

    @Column(name = "password_ciphertext")
    byte @Nullable [] passwordCiphertext;

    @Column(name = "credential_key_id")
    @Nullable
    String credentialKeyId;

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

    @Column(name = "isp")
    @Nullable
    String isp;

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

    @Column(name = "min_grant_interval_ms")
    @Nullable
    Long minGrantIntervalMs;

    protected ProxyEntity() {}

    /**
     * A new row for {@code proxy}, with no leases, its credentials sealed by {@code credentials}.
     *
     * @throws io.pharox.exception.CredentialEncryptionRequiredException if the proxy has
     *         credentials that {@code credentials} may not store
     */
    static ProxyEntity of(Proxy proxy, CredentialCipher credentials) {
        ProxyEntity e = new ProxyEntity();
        e.id = proxy.id();
        e.poolId = proxy.poolId();
        e.currentLeases = 0;
        e.describe(proxy, credentials);
        return e;
    }

    /**
     * Copies every descriptive value of {@code proxy}, its credentials sealed by
     * {@code credentials}; the pool and the counter stay.
     *
     * @throws io.pharox.exception.CredentialEncryptionRequiredException if the proxy has
     *         credentials that {@code credentials} may not store
     */
    void describe(Proxy proxy, CredentialCipher credentials) {
        StoredCredentials stored =
                credentials.seal(proxy.id(), proxy.credentials().orElse(null));
        GeoPoint location = proxy.location().orElse(null);
        host = proxy.host();
        port = proxy.port();
        protocol = proxy.protocol().name();
        username = stored.username();
        password = stored.password();
        passwordCiphertext = stored.ciphertext();
        credentialKeyId = stored.keyId();
        status = proxy.status().name();
        maxConcurrency = proxy.maxConcurrency();
        country = proxy.country().orElse(null);
        city = proxy.city().orElse(null);
        source = proxy.source().orElse(null);
        isp = proxy.isp().orElse(null);
        asn = proxy.asn().isPresent() ? proxy.asn().getAsLong() : null;
        latitude = location == null ? null : location.latitude();
        longitude = location == null ? null : location.longitude();
        lastCheckedAt = proxy.lastCheckedAt().orElse(null);
        lastLatencyMicros =
                proxy.lastLatency().map(io.pharox.storage.sql.Rows::micros).orElse(null);
        minGrantIntervalMs = proxy.minGrantInterval().map(Duration::toMillis).orElse(null);
    }

    /**
     * The proxy of this row, its credentials opened by {@code credentials}.
     *
     * @throws io.pharox.exception.CredentialDecryptionException if its password is sealed and
     *         {@code credentials} cannot decrypt it
     */
    Proxy toProxy(CredentialCipher credentials) {
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
                .isp(isp)
                .asn(asn);
        credentials
                .open(id, new StoredCredentials(username, password, passwordCiphertext, credentialKeyId))
                .ifPresent(c -> b.credentials(c.username(), c.password()));
        if (latitude != null && longitude != null) {
            b.location(new GeoPoint(latitude, longitude));
        }
        b.lastCheckedAt(lastCheckedAt);
        b.lastLatency(lastLatencyMicros == null ? null : Duration.ofNanos(lastLatencyMicros * 1000));
        b.minGrantInterval(minGrantIntervalMs == null ? null : Duration.ofMillis(minGrantIntervalMs));
        return b.build();
    }
}
