package io.pharox.reliability;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.ExpiredEvent;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker JVM whose {@link ProxyManager} runs on a clock {@code skew} away from the real one
 * ({@link Clock#offset}). With each adapter it acquires, cleans up, renews and lets a lease
 * lapse, and prints the lease's times next to readings of the database's clock
 * ({@code clock_timestamp()}) taken right before and after each call, so that the test can
 * check which clock decided.
 *
 * <p>Arguments ({@code key=value}): url, user, [password], schema, app, pool, ttl, skew.
 * Prints {@code acquired}, {@code renewed} and {@code lapsed} lines per adapter, then {@code done}.
 */
public final class SkewedClient {

    private SkewedClient() {}

    /** Runs the script with both adapters. */
    public static void main(String[] args) throws Exception {
        WorkerArgs a = WorkerArgs.parse(args);
        Duration ttl = Duration.parse(a.get("ttl"));
        Clock skewed = Clock.offset(Clock.systemUTC(), Duration.parse(a.get("skew")));
        try (HikariDataSource ds = a.dataSource(3)) {
            List<ProxyStorage> storages = List.of(
                    new JdbcStorage(ds, a.get("schema")),
                    new JpaStorage(JpaStorage.entityManagerFactory(ds, a.get("schema"))));
            for (ProxyStorage storage : storages) {
                String adapter = storage instanceof JdbcStorage ? "jdbc" : "jpa";
                AtomicInteger expiredEvents = new AtomicInteger();
                ProxyManager manager = ProxyManager.builder(storage)
                        .clock(skewed)
                        .defaultConsumer(a.get("app"))
                        .listener(new LeaseListener() {
                            @Override
                            public void onExpired(ExpiredEvent event) {
                                expiredEvents.incrementAndGet();
                            }
                        })
                        .build();

                Instant before = dbClock(ds);
                LeasedProxy leased = manager.acquire(
                                manager.request(a.get("pool")).ttl(ttl).build())
                        .orElseThrow();
                Instant after = dbClock(ds);
                Instant jvmNow = skewed.instant();
                // the manager's clock may say the lease has lapsed: it must ask before firing onExpired
                manager.cleanupExpiredLeases();
                Lease lease = leased.lease();
                System.out.println("acquired adapter=" + adapter + " acquiredAt=" + lease.acquiredAt()
                        + " expiresAt=" + lease.expiresAt() + " dbBefore=" + before + " dbAfter=" + after
                        + " jvmNow=" + jvmNow + " expiredEvents=" + expiredEvents.get()
                        + " status="
                        + storage.findLease(lease.id()).orElseThrow().status());

                before = dbClock(ds);
                Lease renewed = manager.renew(lease, ttl);
                after = dbClock(ds);
                System.out.println("renewed adapter=" + adapter + " expiresAt=" + renewed.expiresAt() + " dbBefore="
                        + before + " dbAfter=" + after);

                // poll until the database says it lapsed: the last poll that saw it active
                // started before expiry; the first that saw it expired ended after it
                Instant lastActive = null;
                Instant firstExpired = null;
                while (firstExpired == null) {
                    Instant pollStart = dbClock(ds);
                    LeaseStatus status =
                            storage.findLease(lease.id()).orElseThrow().status();
                    if (status == LeaseStatus.ACTIVE) {
                        lastActive = pollStart;
                        Thread.sleep(20);
                    } else {
                        firstExpired = dbClock(ds);
                    }
                }
                int reclaimed = manager.cleanupExpiredLeases();
                System.out.println("lapsed adapter=" + adapter + " lastActive=" + lastActive + " firstExpired="
                        + firstExpired + " reclaimed=" + reclaimed + " expiredEvents=" + expiredEvents.get()
                        + " released=" + manager.release(lease));
            }
        }
        System.out.println("done");
        System.exit(0);
    }

    private static Instant dbClock(HikariDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }
}
