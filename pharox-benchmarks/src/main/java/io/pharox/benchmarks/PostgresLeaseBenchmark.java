package io.pharox.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import jakarta.persistence.EntityManagerFactory;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.concurrent.TimeUnit;

/**
 * Lease acquisition on PostgreSQL: the JDBC and JPA adapters and, in the same run, on the
 * same database, schema, connection pool size and thread count, the raw-SQL baseline
 * ({@link RawSqlLeaser}). The {@code implementation} parameter picks which one; compare
 * results that differ only in it. The baseline always claims in id order: for another
 * strategy its ratio tells what that strategy costs on top.
 *
 * <p>Each trial starts from a clean lease state on a pool seeded once per (size, capacity)
 * ({@link BenchmarkDatabase}); the connection pool has one connection per benchmark thread.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class PostgresLeaseBenchmark {

    /** The adapter, or the baseline. */
    @Param({"jdbc", "jpa", "raw-sql"})
    public String implementation;

    /** Proxies in the pool. */
    @Param({"10", "1000", "100000", "1000000"})
    public int poolSize;

    /** {@code exclusive} (one lease per proxy) or {@code shared} ({@value BenchmarkPool#SHARED_CAPACITY}). */
    @Param({"exclusive", "shared"})
    public String capacity;

    /** {@code none}, or {@code tree}: {@link BenchmarkPool#filterTree()}. */
    @Param({"none", "tree"})
    public String filter;

    /** The selector strategy of the adapters' acquires. */
    @Param({"FIRST_AVAILABLE", "ROUND_ROBIN", "LEAST_USED", "RANDOM"})
    public String strategy;

    private HikariDataSource dataSource;
    private Leaser leaser;

    /** Seeds (or reuses) the pool, clears its leases and opens the implementation. */
    @Setup(Level.Trial)
    public void open(BenchmarkParams params) {
        BenchmarkDatabase db = BenchmarkDatabase.locate();
        int slots = BenchmarkPool.capacity(capacity);
        String schema = BenchmarkDatabase.schema(poolSize, slots);
        db.seed(schema, poolSize, slots);
        dataSource = db.dataSource(params.getThreads());
        BenchmarkDatabase.reset(dataSource, schema);
        leaser = open(schema);
    }

    private Leaser open(String schema) {
        switch (implementation) {
            case "jdbc":
                return new StorageLeaser(new JdbcStorage(dataSource, schema), BenchmarkPool.request(filter, strategy),
                        () -> { });
            case "jpa": {
                EntityManagerFactory emf = JpaStorage.entityManagerFactory(dataSource, schema);
                return new StorageLeaser(new JpaStorage(emf), BenchmarkPool.request(filter, strategy), emf::close);
            }
            case "raw-sql":
                return new RawSqlLeaser(dataSource, schema, !"none".equals(filter));
            default:
                throw new IllegalArgumentException("implementation must be jdbc, jpa or raw-sql, was '"
                        + implementation + "'");
        }
    }

    /** Closes the implementation and the connection pool. */
    @TearDown(Level.Trial)
    public void close() {
        if (leaser != null) {
            leaser.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
    }

    /** One lease taken and given back: leases per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public boolean acquireRelease() {
        return leaser.acquireRelease();
    }

    /** The acquire alone, its lease given back untimed: the latency distribution. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object acquire(LeaseHolder holder) {
        return holder.hold(leaser, leaser.acquire());
    }
}
