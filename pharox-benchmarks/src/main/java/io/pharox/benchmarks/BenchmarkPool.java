package io.pharox.benchmarks;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.GeoPoint;
import io.pharox.model.Proxy;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The pool every benchmark leases from, the same in memory and in PostgreSQL: proxy
 * {@code i} (1-based) has id {@code i}, country {@code COUNTRIES[i % 5]}, ASN
 * {@code 64500 + i % 10} and a location on a 7 × 9 grid of whole degrees around central
 * Europe, so that the {@linkplain #filterTree() filter tree} matches about one proxy in
 * seven, spread evenly through the id order.
 */
public final class BenchmarkPool {

    /** The pool's name, in every storage. */
    public static final String POOL = "bench";

    /** The consumer every benchmark thread leases as. */
    public static final String CONSUMER = "bench";

    /** The leases a shared proxy takes. */
    public static final int SHARED_CAPACITY = 4;

    static final List<String> COUNTRIES = List.of("DE", "FR", "US", "GB", "NL");
    static final long FIRST_ASN = 64500;
    static final int ASNS = 10;
    static final int LATITUDES = 7;
    static final int LONGITUDES = 9;
    static final double FIRST_LATITUDE = 47;
    static final double FIRST_LONGITUDE = 6;
    static final GeoPoint CENTER = new GeoPoint(50.0, 10.0);
    static final double RADIUS_KM = 300;

    // scores spread over the pool in an order unrelated to the ids, for LOWEST_LATENCY and HEALTHIEST
    static final long FIRST_LATENCY_MICROS = 1_000;
    static final long LATENCY_STRIDE = 7_919;
    static final long LATENCY_SPREAD = 499_000;
    static final long RATE_STRIDE = 104_729;

    private BenchmarkPool() {}

    /**
     * The latency proxy {@code i} is seeded with: 1 ms to 0.5 s, in an order unrelated to the
     * ids. The SQL seed also spreads the success rates (0.5 to 1); the in-memory pool gets its
     * latencies from one passed health check each, and a success rate of 1 for every proxy.
     */
    static Duration latency(long i) {
        return Duration.ofNanos((FIRST_LATENCY_MICROS + i * LATENCY_STRIDE % LATENCY_SPREAD) * 1000);
    }

    /**
     * The nested filter of the benchmarks: any of two countries, none of one ASN, within a
     * radius — three clause kinds the SQL adapters push into their queries.
     */
    public static ProxyFilter filterTree() {
        return ProxyFilters.allOf(
                ProxyFilters.anyOf(ProxyFilters.country("DE"), ProxyFilters.country("FR")),
                ProxyFilters.noneOf(ProxyFilters.asn(FIRST_ASN)),
                ProxyFilters.within(CENTER, RADIUS_KM));
    }

    /** The filter a benchmark's {@code filter} parameter names: {@code none} or {@code tree}. */
    public static ProxyFilter filter(String name) {
        switch (name) {
            case "none":
                return ProxyFilters.matchAll();
            case "tree":
                return filterTree();
            default:
                throw new IllegalArgumentException("filter must be none or tree, was '" + name + "'");
        }
    }

    /** The leases a proxy takes for a {@code capacity} parameter: {@code exclusive} or {@code shared}. */
    public static int capacity(String name) {
        switch (name) {
            case "exclusive":
                return 1;
            case "shared":
                return SHARED_CAPACITY;
            default:
                throw new IllegalArgumentException("capacity must be exclusive or shared, was '" + name + "'");
        }
    }

    /** The interval between grants of a {@code never-binds} pacing parameter: 1 ms, the shortest there is. */
    public static final Duration NEVER_BINDING_PACE = Duration.ofMillis(1);

    /**
     * The pool's default interval between grants for a {@code pacing} parameter: none for
     * {@code off}, {@link #NEVER_BINDING_PACE} for {@code never-binds}.
     */
    public static @Nullable Duration pacing(String name) {
        switch (name) {
            case "off":
                return null;
            case "never-binds":
                return NEVER_BINDING_PACE;
            default:
                throw new IllegalArgumentException("pacing must be off or never-binds, was '" + name + "'");
        }
    }

    /** The request of every acquire of a benchmark. */
    public static AcquireRequest request(String filter, String strategy) {
        return AcquireRequest.forPool(POOL)
                .consumer(CONSUMER)
                .filter(filter(filter))
                .strategy(SelectorStrategy.valueOf(strategy.toUpperCase(Locale.ROOT)))
                .build();
    }

    /** Proxy {@code i} (1-based) of the pool {@code poolId}. */
    static Proxy proxy(UUID poolId, long i, int capacity) {
        return Proxy.builder()
                .id(id(i))
                .poolId(poolId)
                .address("p" + i + ".bench.invalid", 8080)
                .maxConcurrency(capacity)
                .country(COUNTRIES.get((int) (i % COUNTRIES.size())))
                .source("bench")
                .asn(FIRST_ASN + i % ASNS)
                .location(new GeoPoint(FIRST_LATITUDE + i % LATITUDES, FIRST_LONGITUDE + i % LONGITUDES))
                .build();
    }

    /** The id of proxy {@code i}: ordered as {@code i}, in Java and in PostgreSQL. */
    static UUID id(long i) {
        return new UUID(0, i);
    }

    /**
     * The {@code SELECT} that {@code INSERT INTO proxy (...)} seeds the pool with, set-based:
     * the same proxies as {@link #proxy}, for {@code i} bound to {@code generate_series(1, ?)}.
     * Its three bind values are the pool id, the capacity and the size.
     */
    static String seedSelect() {
        return "SELECT lpad(to_hex(i), 32, '0')::uuid, ?, 'p' || i || '.bench.invalid', 8080, 'HTTP', 'ACTIVE', ?, 0,"
                + " (ARRAY['" + String.join("','", COUNTRIES) + "'])[i % " + COUNTRIES.size() + " + 1], 'bench',"
                + " " + FIRST_ASN + " + i % " + ASNS + ","
                + " " + FIRST_LATITUDE + " + i % " + LATITUDES + ", " + FIRST_LONGITUDE + " + i % " + LONGITUDES + ","
                + " " + FIRST_LATENCY_MICROS + " + i * " + LATENCY_STRIDE + " % " + LATENCY_SPREAD + ","
                + " 0.5 + i * " + RATE_STRIDE + " % 1000 / 2000.0"
                + " FROM generate_series(1::bigint, ?) AS i";
    }

    /** The columns {@link #seedSelect()} fills, in its order. */
    static String seedColumns() {
        return "id, pool_id, host, port, protocol, status, max_concurrency, current_leases, country, source, asn,"
                + " latitude, longitude, latency_micros, success_rate";
    }
}
