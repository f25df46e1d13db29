package io.pharox.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import jakarta.persistence.EntityManagerFactory;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Lease acquisition on PostgreSQL: the JDBC and JPA adapters and, in the same run, on the
 * same database, schema, connection pool size and thread count, the peer this project grew
 * from ({@link SeedGuideLeaser}) and the raw-SQL baseline ({@link RawSqlLeaser}). The {@code implementation} parameter picks which one; compare
 * results that differ only in it. The baseline always claims in id order: for another
 * strategy its ratio tells what that strategy costs on top.
 *
 * <p>Each trial starts from a clean lease state on a pool seeded once per (size, capacity)
 * ({@link BenchmarkDatabase}); the connection pool has one connection per benchmark thread.
 */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class PostgresLeaseBenchmark extends LeaseBenchmark {

    /** The adapter, the peer {@code seed-guide} ({@link SeedGuideLeaser}), or the baseline. */
    @Param({"jdbc", "jpa", "seed-guide", "raw-sql"})
    public String implementation;

    private HikariDataSource dataSource;

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
            case "jdbc": {
                JdbcStorage storage = new JdbcStorage(dataSource, schema);
                storage.setDefaultMinGrantInterval(BenchmarkPool.POOL, BenchmarkPool.pacing(pacing));
                return Leasers.forAdapter(storage, BenchmarkPool.request(filter, strategy), metrics, () -> {});
            }
            case "jpa": {
                EntityManagerFactory emf = JpaStorage.entityManagerFactory(dataSource, schema);
                JpaStorage storage = new JpaStorage(emf);
                storage.setDefaultMinGrantInterval(BenchmarkPool.POOL, BenchmarkPool.pacing(pacing));
                return Leasers.forAdapter(storage, BenchmarkPool.request(filter, strategy), metrics, emf::close);
            }
            case "seed-guide":
                return new SeedGuideLeaser(dataSource, schema, !"none".equals(filter));
            case "raw-sql":
                return new RawSqlLeaser(dataSource, schema, !"none".equals(filter));
            default:
                throw new IllegalArgumentException(
                        "implementation must be jdbc, jpa, seed-guide or raw-sql, was '" + implementation + "'");
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
}
