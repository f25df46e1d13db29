package io.pharox.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.schema.PharoxSchema;
import io.pharox.storage.jdbc.JdbcStorage;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Importing {@code proxies} proxies into an empty pool of PostgreSQL through {@link JdbcStorage}:
 * one {@code addProxies} call against as many {@code addProxy} calls, in the same run. Single
 * shot: each iteration imports the whole list once, into tables emptied before it (schema
 * {@value #SCHEMA} of the benchmark database). See {@code docs/benchmarks.md}, "Bulk import".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class ImportBenchmark {

    /** The schema the imports run in. */
    static final String SCHEMA = "bench_import";

    /** Proxies imported per iteration. */
    @Param("100000")
    public int proxies;

    private HikariDataSource dataSource;
    private JdbcStorage storage;
    private List<Proxy> batch;

    /** Opens the storage on a migrated schema of the benchmark database. */
    @Setup(Level.Trial)
    public void open() {
        dataSource = BenchmarkDatabase.locate().dataSource(2);
        PharoxSchema.migrate(dataSource, SCHEMA);
        storage = new JdbcStorage(dataSource, SCHEMA);
    }

    /** Empties the tables and makes a fresh pool and list of proxies for the next import. */
    @Setup(Level.Iteration)
    public void freshPool() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + SCHEMA + ".lease, " + SCHEMA + ".pool_selector_state, " + SCHEMA + ".proxy_ban, "
                    + SCHEMA + ".pool_waiter, " + SCHEMA + ".proxy_session, " + SCHEMA + ".proxy, " + SCHEMA
                    + ".pool CASCADE");
            s.execute("VACUUM ANALYZE " + SCHEMA + ".proxy");
        }
        ProxyPool pool = storage.createPool("import", "");
        batch = new ArrayList<>(proxies);
        for (int i = 0; i < proxies; i++) {
            batch.add(Proxy.builder()
                    .poolId(pool.id())
                    .address("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 3128)
                    .country(i % 2 == 0 ? "de" : "fr")
                    .source("import")
                    .build());
        }
    }

    /** The whole list in one call. */
    @Benchmark
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public List<Proxy> addProxies() {
        return storage.addProxies(batch);
    }

    /** The list one proxy at a time: what an import did before {@code addProxies}. */
    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 2)
    public int addProxyEach() {
        for (Proxy proxy : batch) {
            storage.addProxy(proxy);
        }
        return batch.size();
    }

    /** Closes the storage and its connections. */
    @TearDown(Level.Trial)
    public void close() {
        storage.close();
        dataSource.close();
    }
}
