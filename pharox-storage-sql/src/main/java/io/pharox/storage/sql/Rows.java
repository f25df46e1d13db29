package io.pharox.storage.sql;

import static io.pharox.storage.sql.schema.Tables.LEASE;
import static io.pharox.storage.sql.schema.Tables.PROXY;

import io.pharox.model.Consumer;
import io.pharox.model.GeoPoint;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.sql.schema.tables.records.ConsumerRecord;
import io.pharox.storage.sql.schema.tables.records.LeaseRecord;
import io.pharox.storage.sql.schema.tables.records.PoolRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.types.DayToSecond;
import org.jspecify.annotations.Nullable;

/**
 * Rows of the Pharox tables as domain values, and domain values as rows. The proxy table is
 * aliased {@code p} ({@link #P}) and the lease table {@code l} ({@link #L}) wherever the engine
 * reads them.
 */
public final class Rows {

    /** The proxy table, aliased {@code p}. */
    public static final io.pharox.storage.sql.schema.tables.Proxy P = PROXY.as("p");

    /** The lease table, aliased {@code l}. */
    public static final io.pharox.storage.sql.schema.tables.Lease L = LEASE.as("l");

    /** The proxy columns that make a {@link Proxy}, of {@link #P}. */
    public static final List<Field<?>> PROXY_COLUMNS = List.of(
            P.ID,
            P.POOL_ID,
            P.HOST,
            P.PORT,
            P.PROTOCOL,
            P.USERNAME,
            P.PASSWORD,
            P.PASSWORD_CIPHERTEXT,
            P.CREDENTIAL_KEY_ID,
            P.STATUS,
            P.MAX_CONCURRENCY,
            P.CURRENT_LEASES,
            P.COUNTRY,
            P.CITY,
            P.SOURCE,
            P.ISP,
            P.ASN,
            P.LATITUDE,
            P.LONGITUDE,
            P.LAST_CHECKED_AT,
            P.LAST_LATENCY_MICROS,
            P.MIN_GRANT_INTERVAL_MS);

    private Rows() {}

    /**
     * The proxy in {@code r}, which holds {@link #PROXY_COLUMNS} under their plain names, its
     * credentials opened by {@code credentials}.
     *
     * @throws io.pharox.exception.CredentialDecryptionException if its password is sealed and
     *         {@code credentials} cannot decrypt it
     */
    public static Proxy proxy(Record r, CredentialCipher credentials) {
        UUID id = r.get(PROXY.ID.getName(), UUID.class);
        Proxy.Builder b = Proxy.builder()
                .id(id)
                .poolId(r.get(PROXY.POOL_ID.getName(), UUID.class))
                .address(r.get(PROXY.HOST.getName(), String.class), r.get(PROXY.PORT.getName(), Integer.class))
                .protocol(ProxyProtocol.valueOf(r.get(PROXY.PROTOCOL.getName(), String.class)))
                .status(ProxyStatus.valueOf(r.get(PROXY.STATUS.getName(), String.class)))
                .maxConcurrency(r.get(PROXY.MAX_CONCURRENCY.getName(), Integer.class))
                .currentLeases(r.get(PROXY.CURRENT_LEASES.getName(), Integer.class))
                .country(r.get(PROXY.COUNTRY.getName(), String.class))
                .city(r.get(PROXY.CITY.getName(), String.class))
                .source(r.get(PROXY.SOURCE.getName(), String.class))
                .isp(r.get(PROXY.ISP.getName(), String.class))
                .asn(r.get(PROXY.ASN.getName(), Long.class));
        credentials.open(id, storedCredentials(r)).ifPresent(c -> b.credentials(c.username(), c.password()));
        Double lat = r.get(PROXY.LATITUDE.getName(), Double.class);
        Double lon = r.get(PROXY.LONGITUDE.getName(), Double.class);
        if (lat != null && lon != null) {
            b.location(new GeoPoint(lat, lon));
        }
        b.lastCheckedAt(instant(r.get(PROXY.LAST_CHECKED_AT.getName(), OffsetDateTime.class)));
        Long latency = r.get(PROXY.LAST_LATENCY_MICROS.getName(), Long.class);
        b.lastLatency(latency == null ? null : Duration.ofNanos(latency * 1000));
        b.minGrantInterval(GrantPacing.interval(r.get(PROXY.MIN_GRANT_INTERVAL_MS.getName(), Long.class)));
        return b.build();
    }

    /** The credential columns of {@code r}, which holds {@link #PROXY_COLUMNS} under their plain names. */
    public static StoredCredentials storedCredentials(Record r) {
        return new StoredCredentials(
                r.get(PROXY.USERNAME.getName(), String.class),
                r.get(PROXY.PASSWORD.getName(), String.class),
                r.get(PROXY.PASSWORD_CIPHERTEXT.getName(), byte[].class),
                r.get(PROXY.CREDENTIAL_KEY_ID.getName(), String.class));
    }

    /**
     * The columns of {@code proxy} that an administrator sets (everything but the lease
     * counter and the random key), for an insert or an update, its credentials sealed by
     * {@code credentials}.
     *
     * @throws io.pharox.exception.CredentialEncryptionRequiredException if the proxy has
     *         credentials that {@code credentials} may not store
     */
    public static Map<Field<?>, Object> proxyValues(Proxy proxy, CredentialCipher credentials) {
        StoredCredentials stored =
                credentials.seal(proxy.id(), proxy.credentials().orElse(null));
        GeoPoint location = proxy.location().orElse(null);
        LinkedHashMap<Field<?>, Object> values = new LinkedHashMap<>();
        values.put(PROXY.ID, proxy.id());
        values.put(PROXY.POOL_ID, proxy.poolId());
        values.put(PROXY.HOST, proxy.host());
        values.put(PROXY.PORT, proxy.port());
        values.put(PROXY.PROTOCOL, proxy.protocol().name());
        values.put(PROXY.USERNAME, stored.username());
        values.put(PROXY.PASSWORD, stored.password());
        values.put(PROXY.PASSWORD_CIPHERTEXT, stored.ciphertext());
        values.put(PROXY.CREDENTIAL_KEY_ID, stored.keyId());
        values.put(PROXY.STATUS, proxy.status().name());
        values.put(PROXY.MAX_CONCURRENCY, proxy.maxConcurrency());
        values.put(PROXY.COUNTRY, proxy.country().orElse(null));
        values.put(PROXY.CITY, proxy.city().orElse(null));
        values.put(PROXY.SOURCE, proxy.source().orElse(null));
        values.put(PROXY.ISP, proxy.isp().orElse(null));
        values.put(PROXY.ASN, proxy.asn().isPresent() ? proxy.asn().getAsLong() : null);
        values.put(PROXY.LATITUDE, location == null ? null : location.latitude());
        values.put(PROXY.LONGITUDE, location == null ? null : location.longitude());
        values.put(PROXY.LAST_CHECKED_AT, timestamp(proxy.lastCheckedAt().orElse(null)));
        values.put(
                PROXY.LAST_LATENCY_MICROS, proxy.lastLatency().map(Rows::micros).orElse(null));
        values.put(
                PROXY.MIN_GRANT_INTERVAL_MS,
                GrantPacing.millis(proxy.minGrantInterval().orElse(null)));
        return values;
    }

    /** The pool in {@code r}. */
    public static ProxyPool pool(PoolRecord r) {
        return new ProxyPool(
                        r.getId(),
                        r.getName(),
                        r.getDescription(),
                        r.getCreatedAt().toInstant())
                .withMinGrantInterval(GrantPacing.interval(r.getMinGrantIntervalMs()));
    }

    /** The consumer in {@code r}. */
    public static Consumer consumer(ConsumerRecord r) {
        return new Consumer(r.getId(), r.getName(), r.getCreatedAt().toInstant());
    }

    /** The lease in {@code r}, with the status as stored. */
    public static Lease lease(LeaseRecord r) {
        return new Lease(
                r.getId(),
                r.getPoolId(),
                r.getProxyId(),
                r.getConsumerId(),
                LeaseStatus.valueOf(r.getStatus()),
                r.getAcquiredAt().toInstant(),
                r.getExpiresAt().toInstant(),
                instant(r.getReleasedAt()),
                r.getFence());
    }

    /** {@code d} in whole microseconds, PostgreSQL's resolution. */
    public static long micros(Duration d) {
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    /** {@code d}, truncated to whole microseconds, as an interval. */
    public static DayToSecond interval(Duration d) {
        return DayToSecond.valueOf(Duration.ofNanos(micros(d) * 1000));
    }

    /** {@code instant} as a timestamp with time zone, or {@code null}. */
    public static @Nullable OffsetDateTime timestamp(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static @Nullable Instant instant(@Nullable OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
