package io.pharox.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.exception.StorageException;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.LeasedProxy;
import io.pharox.schema.PharoxSchema;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.jdbc.JdbcStorage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * How long one acquire takes, planning and running its statement, when its filter holds
 * {@code n} geo radii, on a pool of a million proxies (the benchmark pool, {@link BenchmarkPool}:
 * locations on a grid of whole degrees around central Europe). The figures behind
 * {@link ProxyFilter#MAX_GEO_CLAUSES}; see {@code docs/bad-input.md} for the command and the
 * results. Not a JMH benchmark: each acquire is timed end to end through {@link JdbcStorage},
 * {@value #RUNS} times per shape and width after one untimed run, and the slowest and the
 * median are printed.
 *
 * <p>Shapes, each with {@code n} radii under one {@code anyOf} (or {@code noneOf}):
 * <ul>
 *   <li>{@code far}: 1 km radii near the south pole; nothing matches, so the whole pool is
 *       read and every radius's bounding box is tested on every proxy;</li>
 *   <li>{@code near-miss}: 60 km radii centred between grid points, whose bounding boxes hold
 *       grid points that lie outside the circle; nothing matches and the distance formula runs
 *       for every proxy inside a box: the worst shape found;</li>
 *   <li>{@code last-matches}: {@code n - 1} far radii and one radius around the whole grid, last;
 *       the first proxy in id order matches after every other radius has failed;</li>
 *   <li>{@code none-of-far}: {@code noneOf} the far radii; every proxy matches.</li>
 * </ul>
 *
 * <p>Arguments: the pool size (default 1,000,000) and a comma-separated list of widths (default
 * {@code 1,2,4,8,16,32,64,128}; widths above {@link ProxyFilter#MAX_GEO_CLAUSES} are refused
 * while the filter is built, and printed so), then optionally {@code keep} (the pool is seeded in
 * schema {@code geocost_<size>} of the benchmark database, which is dropped at the end unless
 * this is given) and {@code jit=off} (the session turns PostgreSQL's JIT compiler off, to compare).
 */
public final class GeoFilterCost {

    /** Timed acquires per shape and width. */
    static final int RUNS = 5;

    private GeoFilterCost() {}

    /**
     * Seeds the pool, times the acquires, prints one line per shape and width.
     *
     * @param args the pool size, then the widths
     */
    public static void main(String[] args) throws SQLException {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<Integer> widths = args.length > 1
                ? Arrays.stream(args[1].split(","))
                        .map(String::trim)
                        .map(Integer::valueOf)
                        .toList()
                : List.of(1, 2, 4, 8, 16, 32, 64, 128);
        List<String> flags = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        BenchmarkDatabase db = BenchmarkDatabase.locate();
        String schema = PharoxSchema.requireName("geocost_" + size);
        long seedStart = System.nanoTime();
        db.seed(schema, size, 1);
        System.out.printf(Locale.ROOT, "pool of %,d proxies in %s ready in %.1f s%n", size, schema, seconds(seedStart));
        try (HikariDataSource dataSource = db.dataSource(1)) {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE " + schema + ".proxy");
                // the pool's one connection keeps this session setting: compare with the server's JIT
                if (flags.contains("jit=off")) {
                    s.execute("SET jit = off");
                }
                System.out.println("PostgreSQL " + show(s, "server_version") + "; jit of the session: " + show(s, "jit")
                        + " (the adapter's own statements run with jit off)");
            }
            BenchmarkDatabase.reset(dataSource, schema);
            JdbcStorage storage = new JdbcStorage(dataSource, schema);
            time(storage, "far", widths, n -> ProxyFilters.anyOf(far(n)));
            time(storage, "near-miss", widths, n -> ProxyFilters.anyOf(nearMiss(n)));
            time(storage, "last-matches", widths, n -> {
                List<ProxyFilter> radii = new ArrayList<>(far(n - 1));
                radii.add(ProxyFilters.within(BenchmarkPool.CENTER, 2_000));
                return ProxyFilters.anyOf(radii);
            });
            time(storage, "none-of-far", widths, n -> ProxyFilters.noneOf(far(n)));
            if (!flags.contains("keep")) {
                try (Connection c = dataSource.getConnection();
                        Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
                System.out.println("dropped " + schema);
            }
        }
    }

    private static void time(JdbcStorage storage, String shape, List<Integer> widths, IntFunction<ProxyFilter> filter) {
        for (int n : widths) {
            AcquireRequest request;
            try {
                request = AcquireRequest.forPool(BenchmarkPool.POOL)
                        .consumer(BenchmarkPool.CONSUMER)
                        .strategy(SelectorStrategy.FIRST_AVAILABLE)
                        .filter(filter.apply(n))
                        .build();
            } catch (IllegalArgumentException e) {
                System.out.printf(Locale.ROOT, "%-13s n=%5d  refused: %s%n", shape, n, e.getMessage());
                continue;
            }
            List<Double> millis = new ArrayList<>();
            boolean matched = false;
            try {
                acquireAndRelease(storage, request);
            } catch (StorageException e) {
                System.out.printf(Locale.ROOT, "%-13s n=%5d  %s%n", shape, n, e.getMessage());
                return;
            }
            for (int run = 0; run < RUNS; run++) {
                long start = System.nanoTime();
                Optional<LeasedProxy> leased = storage.acquire(request);
                millis.add((System.nanoTime() - start) / 1e6);
                leased.ifPresent(l -> storage.release(l.lease().id()));
                matched = leased.isPresent();
            }
            Collections.sort(millis);
            System.out.printf(
                    Locale.ROOT,
                    "%-13s n=%5d  %s  median %8.1f ms  slowest %8.1f ms%n",
                    shape,
                    n,
                    matched ? "leased " : "nothing",
                    millis.get(RUNS / 2),
                    millis.get(RUNS - 1));
        }
    }

    private static void acquireAndRelease(JdbcStorage storage, AcquireRequest request) {
        storage.acquire(request).ifPresent(l -> storage.release(l.lease().id()));
    }

    /** {@code n} distinct 1 km radii near the south pole. */
    static List<ProxyFilter> far(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> ProxyFilters.within(-80 + (i % 100) * 0.001, -170 + (i / 100) * 0.01, 1))
                .toList();
    }

    /**
     * {@code n} distinct 60 km radii, each centred in a cell of the grid: its bounding box holds
     * the cell's corners, which lie about 65 km from the centre, outside the circle.
     */
    static List<ProxyFilter> nearMiss(int n) {
        int cells = (BenchmarkPool.LATITUDES - 1) * (BenchmarkPool.LONGITUDES - 1);
        return IntStream.range(0, n)
                .mapToObj(i -> {
                    int cell = i % cells;
                    double jitter = (i / cells) * 1e-4;
                    return ProxyFilters.within(
                            BenchmarkPool.FIRST_LATITUDE + 0.5 + cell % (BenchmarkPool.LATITUDES - 1) + jitter,
                            BenchmarkPool.FIRST_LONGITUDE + 0.5 + cell / (BenchmarkPool.LATITUDES - 1),
                            60);
                })
                .toList();
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet r = s.executeQuery("SHOW " + setting)) {
            r.next();
            return r.getString(1);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
