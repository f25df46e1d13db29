package io.pharox.benchmarks;

import io.pharox.model.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The PostgreSQL baseline: the least plain JDBC that leases safely. One statement claims a
 * proxy with room ({@code FOR UPDATE SKIP LOCKED}, id order), counts the lease and inserts
 * it; one ends the lease and uncounts it. The filter tree, when asked for, is written by hand
 * as a DBA would (bounding box, then haversine). No expiry handling, no strategies, no
 * mapping of rows to objects: what an adapter costs on top of this is its overhead.
 */
final class RawSqlLeaser implements Leaser {

    private static final double EARTH_RADIUS_KM = 6371.0088;

    /**
     * {@link BenchmarkPool#filterTree()} by hand, as a DBA would write it (bounding box, then
     * haversine), on the proxy table aliased {@code p}; {@link #bindFilterTree} binds it.
     */
    static final String FILTER_TREE = " AND p.country IN ('DE', 'FR') AND p.asn <> ?"
            + " AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ?"
            + " AND 2 * ? * asin(least(1.0, sqrt(power(sin(radians(p.latitude - ?) / 2), 2)"
            + " + cos(radians(?)) * cos(radians(p.latitude)) * power(sin(radians(p.longitude - ?) / 2), 2))))"
            + " <= ?";

    private final DataSource dataSource;
    private final UUID pool;
    private final UUID consumer;
    private final String claim;
    private final String release;
    private final boolean filtered;

    RawSqlLeaser(DataSource dataSource, String schema, boolean filtered) {
        this.dataSource = dataSource;
        this.filtered = filtered;
        this.pool = queryId(dataSource, "SELECT id FROM " + schema + ".pool WHERE name = '" + BenchmarkPool.POOL + "'");
        this.consumer = queryId(
                dataSource,
                "INSERT INTO " + schema + ".consumer (id, name, created_at) VALUES ('"
                        + Ids.next() + "', '" + BenchmarkPool.CONSUMER + "', now()) ON CONFLICT (name) DO UPDATE"
                        + " SET name = EXCLUDED.name RETURNING id");
        this.claim = "WITH c AS (SELECT p.id FROM " + schema + ".proxy p WHERE p.pool_id = ? AND p.status = 'ACTIVE'"
                + " AND p.current_leases < p.max_concurrency"
                + (filtered ? FILTER_TREE : "")
                + " ORDER BY p.id LIMIT 1 FOR UPDATE SKIP LOCKED),"
                + " u AS (UPDATE " + schema + ".proxy p SET current_leases = p.current_leases + 1 FROM c"
                + " WHERE p.id = c.id RETURNING p.id)"
                + " INSERT INTO " + schema
                + ".lease (id, pool_id, proxy_id, consumer_id, status, acquired_at, expires_at)"
                + " SELECT ?, ?, u.id, ?, 'ACTIVE', now(), now() + interval '5 minutes' FROM u RETURNING id";
        this.release = "WITH l AS (UPDATE " + schema + ".lease SET status = 'RELEASED', released_at = now()"
                + " WHERE id = ? AND status = 'ACTIVE' RETURNING proxy_id)"
                + " UPDATE " + schema
                + ".proxy p SET current_leases = p.current_leases - 1 FROM l WHERE p.id = l.proxy_id";
    }

    /** Binds {@link #FILTER_TREE}'s values from parameter {@code i} on; returns the next parameter's index. */
    static int bindFilterTree(PreparedStatement s, int i) throws SQLException {
        double angular = BenchmarkPool.RADIUS_KM / EARTH_RADIUS_KM;
        double dLat = Math.toDegrees(angular);
        double dLon = Math.toDegrees(
                Math.asin(Math.sin(angular) / Math.cos(Math.toRadians(BenchmarkPool.CENTER.latitude()))));
        s.setLong(i++, BenchmarkPool.FIRST_ASN);
        s.setDouble(i++, BenchmarkPool.CENTER.latitude() - dLat);
        s.setDouble(i++, BenchmarkPool.CENTER.latitude() + dLat);
        s.setDouble(i++, BenchmarkPool.CENTER.longitude() - dLon);
        s.setDouble(i++, BenchmarkPool.CENTER.longitude() + dLon);
        s.setDouble(i++, EARTH_RADIUS_KM);
        s.setDouble(i++, BenchmarkPool.CENTER.latitude());
        s.setDouble(i++, BenchmarkPool.CENTER.latitude());
        s.setDouble(i++, BenchmarkPool.CENTER.longitude());
        s.setDouble(i++, BenchmarkPool.RADIUS_KM);
        return i;
    }

    static UUID queryId(DataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return r.getObject(1, UUID.class);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Object acquire() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(claim)) {
            int i = 1;
            s.setObject(i++, pool);
            if (filtered) {
                i = bindFilterTree(s, i);
            }
            s.setObject(i++, Ids.next());
            s.setObject(i++, pool);
            s.setObject(i, consumer);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getObject(1, UUID.class) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("raw claim failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(Object lease) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(release)) {
            s.setObject(1, lease);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("raw release failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the data source belongs to the benchmark
    }
}
