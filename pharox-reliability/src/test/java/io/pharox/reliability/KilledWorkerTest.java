package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.jdbc.JdbcStorage;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A worker JVM that holds every slot of a pool is killed (SIGKILL: nothing released): its
 * leases block the pool until their ttl passes, then they give their capacity back without
 * any cleanup, and a cleanup leaves counters equal to the active lease rows.
 */
class KilledWorkerTest {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final int SLOTS = 4;

    @Test
    void leases_of_a_killed_jvm_expire_and_their_slots_return() throws Exception {
        try (SoakDatabase db = SoakDatabase.onTestPostgres("pharox_killjvm");
                InvariantChecker checker = new InvariantChecker(db)) {
            JdbcStorage storage = new JdbcStorage(db.dataSource(2), db.schema());
            ProxyPool pool = storage.createPool("killed-jvm", "every slot held by a JVM that dies");
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.79.0.1", 3128)
                    .exclusive()
                    .build());
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.79.0.2", 3128)
                    .exclusive()
                    .build());
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.79.0.3", 3128)
                    .shared(2)
                    .build());
            AcquireRequest request = AcquireRequest.forPool(pool.name())
                    .consumer("survivor")
                    .ttl(Duration.ofMinutes(1))
                    .build();

            List<UUID> dead = new ArrayList<>();
            try (WorkerProcess holder = WorkerProcess.start(
                    "holder",
                    LeaseHolder.class,
                    List.of(),
                    WorkerArgs.of(db, "pool=" + pool.name(), "leases=" + SLOTS, "ttl=" + TTL))) {
                String line = holder.awaitLine("holding ", Duration.ofSeconds(60));
                for (String id : line.substring("holding ".length()).split(",")) {
                    dead.add(UUID.fromString(id));
                }
                holder.kill();
            }
            assertThat(dead).hasSize(SLOTS);
            assertThat(storage.acquire(request))
                    .as("a pool whose every slot a dead JVM holds")
                    .isEmpty();
            checker.sample();
            assertThat(checker.violations()).isEmpty();

            // no cleanup: lapsed leases stop blocking capacity on their own
            List<LeasedProxy> mine = new ArrayList<>();
            long deadline = System.nanoTime() + TTL.plusSeconds(30).toNanos();
            while (mine.size() < SLOTS && System.nanoTime() < deadline) {
                Optional<LeasedProxy> leased = storage.acquire(request);
                if (leased.isPresent()) {
                    mine.add(leased.get());
                } else {
                    Thread.sleep(100);
                }
            }
            assertThat(mine)
                    .as("slots taken back after the dead JVM's leases lapsed")
                    .hasSize(SLOTS);
            assertThat(dead)
                    .allSatisfy(
                            id -> assertThat(storage.findLease(id).orElseThrow().status())
                                    .isEqualTo(LeaseStatus.EXPIRED));
            checker.sample();
            assertThat(checker.violations()).isEmpty();

            mine.forEach(l -> assertThat(storage.release(l.lease().id())).isTrue());
            OffsetDateTime beforeCleanup = checker.databaseNow();
            storage.cleanupExpiredLeases();
            checker.sample();
            assertThat(checker.violations()).isEmpty();
            assertThat(checker.lapsedButActive(beforeCleanup)).isZero();
            assertThat(storage.listProxies(pool.name()))
                    .allSatisfy(p -> assertThat(p.currentLeases()).isZero());
        }
    }
}
