package io.pharox.benchmarks;

import io.pharox.model.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The peer this project grew from: the reference algorithm of the Python Pharox's PostgreSQL
 * adapter guide ({@code find_available_proxy}, {@code create_lease}, {@code release_lease}),
 * with the {@code FOR UPDATE SKIP LOCKED} the guide says a full implementation needs. Acquire
 * is one transaction of separate statements: select a candidate (the pool joined by name, the
 * oldest proxy with room first, every column), insert the lease, set the counter to the value
 * read plus one, commit: four round trips. Release is two updates and a commit. The consumer's
 * id is looked up once, as the benchmark's other implementations do; the filter tree is the
 * baseline's hand-written SQL ({@link RawSqlLeaser#FILTER_TREE}).
 */
final class SeedGuideLeaser implements Leaser {

    private final DataSource dataSource;
    private final UUID pool;
    private final UUID consumer;
    private final String find;
    private final String insertLease;
    private final String countLease;
    private final String endLease;
    private final String uncountLease;
    private final boolean filtered;

    /** A leaser on the seeded pool of {@code schema}; {@code filtered} adds the filter tree. */
    SeedGuideLeaser(DataSource dataSource, String schema, boolean filtered) {
        this.dataSource = dataSource;
        this.filtered = filtered;
        this.pool = RawSqlLeaser.queryId(
                dataSource, "SELECT id FROM " + schema + ".pool WHERE name = '" + BenchmarkPool.POOL + "'");
        this.consumer = RawSqlLeaser.queryId(
                dataSource,
                "INSERT INTO " + schema + ".consumer (id, name, created_at) VALUES ('"
                        + Ids.next() + "', '" + BenchmarkPool.CONSUMER + "', now()) ON CONFLICT (name) DO UPDATE"
                        + " SET name = EXCLUDED.name RETURNING id");
        // the guide orders by created_at; the ids are time-ordered (UUIDv7), so id order is creation order
        this.find = "SELECT p.* FROM " + schema + ".proxy p JOIN " + schema + ".pool pl ON p.pool_id = pl.id"
                + " WHERE pl.name = ? AND p.status = 'ACTIVE' AND p.current_leases < p.max_concurrency"
                + (filtered ? RawSqlLeaser.FILTER_TREE : "")
                + " ORDER BY p.id LIMIT 1 FOR UPDATE OF p SKIP LOCKED";
        this.insertLease = "INSERT INTO " + schema
                + ".lease (id, pool_id, proxy_id, consumer_id, status, acquired_at, expires_at)"
                + " VALUES (?, ?, ?, ?, 'ACTIVE', now(), now() + interval '5 minutes')";
        this.countLease = "UPDATE " + schema + ".proxy SET current_leases = ? WHERE id = ?";
        this.endLease = "UPDATE " + schema + ".lease SET status = 'RELEASED', released_at = now() WHERE id = ?";
        this.uncountLease = "UPDATE " + schema + ".proxy SET current_leases = current_leases - 1 WHERE id = ?";
    }

    /** A lease this leaser took: what its release needs. */
    private record Held(UUID lease, UUID proxy) {}

    @Override
    public Object acquire() {
        return inTransaction("acquire", this::claim);
    }

    /** A unit of work on a connection in a transaction. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    private <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("seed-guide " + what + " failed: " + e.getMessage(), e);
        }
    }

    private Held claim(Connection c) throws SQLException {
        UUID proxy;
        int leases;
        try (PreparedStatement s = c.prepareStatement(find)) {
            s.setString(1, BenchmarkPool.POOL);
            if (filtered) {
                RawSqlLeaser.bindFilterTree(s, 2);
            }
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                proxy = r.getObject("id", UUID.class);
                leases = r.getInt("current_leases");
            }
        }
        UUID lease = Ids.next();
        try (PreparedStatement s = c.prepareStatement(insertLease)) {
            s.setObject(1, lease);
            s.setObject(2, pool);
            s.setObject(3, proxy);
            s.setObject(4, consumer);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(countLease)) {
            s.setInt(1, leases + 1);
            s.setObject(2, proxy);
            s.executeUpdate();
        }
        return new Held(lease, proxy);
    }

    @Override
    public void release(Object lease) {
        Held held = (Held) lease;
        inTransaction("release", c -> {
            try (PreparedStatement s = c.prepareStatement(endLease)) {
                s.setObject(1, held.lease());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(uncountLease)) {
                s.setObject(1, held.proxy());
                s.executeUpdate();
            }
            return held;
        });
    }

    @Override
    public void close() {
        // the data source belongs to the benchmark
    }
}
