package io.pharox.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples the database independently of the workers, on a connection of its own, one SQL
 * statement (one snapshot) per sample, and records every breach of the invariants of
 * docs/leasing-semantics.md:
 * <ul>
 *   <li>live leases (status {@code ACTIVE}, {@code expires_at > now()}) ≤ {@code max_concurrency};</li>
 *   <li>{@code current_leases} = the proxy's lease rows in status {@code ACTIVE}.</li>
 * </ul>
 * Samples that fail (the server is down or restarting) are counted, not treated as breaches,
 * and the connection is opened again.
 */
final class InvariantChecker implements AutoCloseable {

    private final SoakDatabase db;
    private final String query;
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger failedSamples = new AtomicInteger();
    private final AtomicInteger mostLive = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread thread;
    private Connection connection;

    InvariantChecker(SoakDatabase db) {
        this.db = db;
        String s = db.schema();
        this.query = "SELECT p.id, p.max_concurrency, p.current_leases,"
                + " (SELECT count(*) FROM " + s
                + ".lease l WHERE l.proxy_id = p.id AND l.status = 'ACTIVE') AS active_rows,"
                + " (SELECT count(*) FROM " + s + ".lease l WHERE l.proxy_id = p.id AND l.status = 'ACTIVE'"
                + "   AND l.expires_at > now()) AS live"
                + " FROM " + s + ".proxy p";
    }

    /** Samples on a background thread, every few milliseconds, until {@link #close()}. */
    InvariantChecker start() {
        running.set(true);
        thread = new Thread(
                () -> {
                    while (running.get()) {
                        try {
                            sample();
                        } catch (SQLException e) {
                            failedSamples.incrementAndGet();
                            closeConnection();
                        }
                        try {
                            Thread.sleep(20); // the sampling period, not a wait for anything
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "invariant-checker");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /**
     * Takes one sample and records its breaches.
     *
     * @return the live leases in the sample
     */
    synchronized int sample() throws SQLException {
        if (connection == null) {
            connection = db.checkerConnection();
        }
        int live = 0;
        int n = samples.get() + 1;
        List<String> breaches = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                int max = rs.getInt("max_concurrency");
                int counter = rs.getInt("current_leases");
                int activeRows = rs.getInt("active_rows");
                int liveHere = rs.getInt("live");
                if (liveHere > max) {
                    breaches.add("sample " + n + ": proxy " + rs.getString("id") + " has " + liveHere
                            + " live leases, max_concurrency " + max);
                }
                if (counter != activeRows) {
                    breaches.add("sample " + n + ": proxy " + rs.getString("id") + " counter " + counter + " but "
                            + activeRows + " ACTIVE lease rows");
                }
                live += liveHere;
            }
        }
        samples.incrementAndGet();
        violations.addAll(breaches);
        mostLive.accumulateAndGet(live, Math::max);
        return live;
    }

    /** The database's clock now: read it before a cleanup, to pass to {@link #lapsedButActive}. */
    synchronized OffsetDateTime databaseNow() throws SQLException {
        try (Connection c = db.checkerConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT now()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class);
        }
    }

    /**
     * Leases recorded {@code ACTIVE} whose time had passed by {@code cutoff}, a
     * {@link #databaseNow} read before a cleanup: after that cleanup, with no worker running,
     * there must be none. (Counting against the time of this query instead would also count
     * leases that lapsed after the cleanup ran, which nothing has had the chance to reclaim.)
     */
    synchronized long lapsedButActive(OffsetDateTime cutoff) throws SQLException {
        try (Connection c = db.checkerConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM " + db.schema() + ".lease WHERE status = 'ACTIVE' AND expires_at <= ?")) {
            s.setObject(1, cutoff);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    int samples() {
        return samples.get();
    }

    int failedSamples() {
        return failedSamples.get();
    }

    /** The most live leases one sample saw. */
    int mostLive() {
        return mostLive.get();
    }

    private synchronized void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a broken connection: a new one is opened for the next sample
            }
            connection = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(10_000);
        }
        closeConnection();
    }
}
