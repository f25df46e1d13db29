package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.jdbc.JdbcStorage;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two worker JVMs whose managers' clocks are 7 s ahead of and 7 s behind the real one lease
 * through both SQL adapters: every lease time is the database's, a lease of ttl T lives T of
 * database time, renewal counts from the database's now, and the skewed clock neither expires a
 * lease early nor makes the manager report an expiry that has not happened.
 */
class ClockSkewTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration SKEW = Duration.ofSeconds(7);

    @Test
    void expiry_follows_the_database_clock_whatever_the_jvm_clocks_say() throws Exception {
        try (SoakDatabase db = SoakDatabase.onTestPostgres("pharox_skew")) {
            JdbcStorage storage = new JdbcStorage(db.dataSource(2), db.schema());
            ProxyPool pool = storage.createPool("skew", "leased by skewed JVMs");
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.80.0.1", 3128)
                    .shared(4)
                    .build());
            try (WorkerProcess ahead = WorkerProcess.start(
                            "skew-ahead",
                            SkewedClient.class,
                            List.of(),
                            WorkerArgs.of(db, "pool=" + pool.name(), "ttl=" + TTL, "skew=" + SKEW));
                    WorkerProcess behind = WorkerProcess.start(
                            "skew-behind",
                            SkewedClient.class,
                            List.of(),
                            WorkerArgs.of(db, "pool=" + pool.name(), "ttl=" + TTL, "skew=" + SKEW.negated()))) {
                ahead.awaitLine("done", Duration.ofSeconds(90));
                behind.awaitLine("done", Duration.ofSeconds(90));
                for (String adapter : List.of("jdbc", "jpa")) {
                    check(ahead, adapter, true);
                    check(behind, adapter, false);
                }
            }
            try (InvariantChecker checker = new InvariantChecker(db)) {
                OffsetDateTime beforeCleanup = checker.databaseNow();
                storage.cleanupExpiredLeases();
                checker.sample();
                assertThat(checker.violations()).isEmpty();
                assertThat(checker.lapsedButActive(beforeCleanup)).isZero();
            }
        }
    }

    private static void check(WorkerProcess worker, String adapter, boolean jvmAhead) throws InterruptedException {
        String context = worker.name() + " " + adapter + ": " + worker.log();
        Map<String, String> acquired =
                WorkerProcess.fields(worker.awaitLine("acquired adapter=" + adapter, Duration.ZERO));
        Instant acquiredAt = Instant.parse(acquired.get("acquiredAt"));
        Instant expiresAt = Instant.parse(acquired.get("expiresAt"));
        Instant jvmNow = Instant.parse(acquired.get("jvmNow"));
        assertThat(acquiredAt)
                .as("acquiredAt between two database clock readings, %s", context)
                .isBetween(Instant.parse(acquired.get("dbBefore")), Instant.parse(acquired.get("dbAfter")));
        assertThat(Duration.between(acquiredAt, expiresAt))
                .as("lease length, %s", context)
                .isEqualTo(TTL);
        if (jvmAhead) {
            // the manager's clock already says the lease has lapsed, the database says it has not
            assertThat(jvmNow).as("skewed JVM clock, %s", context).isAfter(expiresAt);
            assertThat(acquired.get("status"))
                    .as("status right after acquire, %s", context)
                    .isEqualTo("ACTIVE");
            assertThat(acquired.get("expiredEvents"))
                    .as("onExpired fired early, %s", context)
                    .isEqualTo("0");
        } else {
            assertThat(jvmNow).as("skewed JVM clock, %s", context).isBefore(acquiredAt);
        }

        Map<String, String> renewed =
                WorkerProcess.fields(worker.awaitLine("renewed adapter=" + adapter, Duration.ZERO));
        Instant renewedExpiry = Instant.parse(renewed.get("expiresAt"));
        assertThat(renewedExpiry)
                .as("renewed expiry = database now + ttl, %s", context)
                .isBetween(
                        Instant.parse(renewed.get("dbBefore")).plus(TTL),
                        Instant.parse(renewed.get("dbAfter")).plus(TTL));

        Map<String, String> lapsed = WorkerProcess.fields(worker.awaitLine("lapsed adapter=" + adapter, Duration.ZERO));
        assertThat(Instant.parse(lapsed.get("lastActive")))
                .as("still active when polled, %s", context)
                .isBefore(renewedExpiry);
        assertThat(Instant.parse(lapsed.get("firstExpired")))
                .as("seen expired, %s", context)
                .isAfterOrEqualTo(renewedExpiry);
        if (jvmAhead) {
            // its clock has long passed the expiry, and now the database agrees: the event fires
            assertThat(lapsed.get("expiredEvents"))
                    .as("onExpired after the lapse, %s", context)
                    .isEqualTo("1");
        }
        assertThat(lapsed.get("released"))
                .as("release of the lapsed lease, %s", context)
                .isEqualTo("false");
    }
}
