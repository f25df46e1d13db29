package io.pharox.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.sql.ListenConnections;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wait queue of the SQL adapters: waiters on one storage are woken by what another storage
 * (its own listener, as another process has) does. Every waiting manager here polls once a
 * minute and waits less than that: a waiter that gets its proxy was woken by a notification, or
 * by the listener coming back, never by its poll.
 */
class WaitQueueTest {

    private static final Duration NEVER_POLL = Duration.ofMinutes(1);
    private static final Duration WAIT = Duration.ofSeconds(40);

    private static TestSchema db;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<JdbcStorage> storages = new ArrayList<>();
    private JdbcStorage holder;
    private ProxyPool pool;
    private Proxy proxy;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_waitqueue", 12);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void exclusiveProxy() {
        db.truncate();
        holder = storage(SqlStorageOptions.defaults());
        pool = holder.createPool("queue", "one exclusive proxy");
        proxy = holder.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.9.0.1", 3128)
                .maxConcurrency(1)
                .build());
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        storages.forEach(JdbcStorage::close);
    }

    private JdbcStorage storage(SqlStorageOptions options) {
        JdbcStorage s = new JdbcStorage(db.dataSource(), db.name(), options);
        storages.add(s);
        return s;
    }

    private static ProxyManager waitingManager(JdbcStorage storage, Duration fallbackPoll) {
        return ProxyManager.builder(storage)
                .waitPollInterval(fallbackPoll)
                .wakeUpPollInterval(NEVER_POLL)
                .build();
    }

    private AcquireRequest request(String consumer) {
        return AcquireRequest.forPool(pool.name()).consumer(consumer).build();
    }

    private Future<Optional<LeasedProxy>> waitFor(ProxyManager manager, String consumer) {
        return threads.submit(() -> manager.acquire(request(consumer), WAIT));
    }

    private static int waiters() throws SQLException {
        return count("SELECT count(*) FROM " + db.name() + ".pool_waiter");
    }

    private static int count(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    private static void awaitWaiters(int n) throws Exception {
        for (int i = 0; i < 2_000 && waiters() != n; i++) {
            Thread.sleep(5);
        }
        assertThat(waiters()).as("tickets in pool_waiter").isEqualTo(n);
    }

    @Test
    void a_release_in_another_storage_wakes_the_waiter() throws Exception {
        LeasedProxy held = holder.acquire(request("holder")).orElseThrow();
        Future<Optional<LeasedProxy>> waiting =
                waitFor(waitingManager(storage(SqlStorageOptions.defaults()), NEVER_POLL), "waiter");
        awaitWaiters(1);

        assertThat(holder.release(held.lease().id())).isTrue();

        Optional<LeasedProxy> got = waiting.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS);
        assertThat(got).as("woken before its first poll").isPresent();
        assertThat(got.get().proxy().id()).isEqualTo(proxy.id());
        assertThat(waiters()).as("the woken waiter's ticket is gone").isZero();

        storages.forEach(JdbcStorage::close);
        for (int i = 0; i < 2_000 && listeningBackends() > 0; i++) {
            Thread.sleep(5);
        }
        assertThat(listeningBackends())
                .as("closed storages give their connection back to the pool no longer listening")
                .isZero();
    }

    private static int listeningBackends() throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND query = 'LISTEN pharox_wake'");
    }

    @Test
    void waiters_in_two_storages_are_served_in_the_order_they_queued() throws Exception {
        LeasedProxy held = holder.acquire(request("holder")).orElseThrow();
        ProxyManager first = waitingManager(storage(SqlStorageOptions.defaults()), NEVER_POLL);
        ProxyManager second = waitingManager(storage(SqlStorageOptions.defaults()), NEVER_POLL);
        List<Future<Optional<LeasedProxy>>> queued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queued.add(waitFor(i % 2 == 0 ? first : second, "waiter-" + i));
            awaitWaiters(i + 1);
        }

        for (int i = 0; i < queued.size(); i++) {
            assertThat(holder.release(held.lease().id())).isTrue();
            LeasedProxy next =
                    queued.get(i).get(WAIT.toSeconds() + 10, TimeUnit.SECONDS).orElseThrow();
            assertThat(next.lease().consumerId())
                    .as("hand-off %d goes to the oldest waiter", i)
                    .isEqualTo(holder.ensureConsumer("waiter-" + i).id());
            for (int j = i + 1; j < queued.size(); j++) {
                assertThat(queued.get(j)).as("waiter %d still waits", j).isNotDone();
            }
            held = next;
        }
        assertThat(waiters()).isZero();
    }

    @Test
    void one_release_wakes_one_waiter_and_a_proxy_made_active_wakes_as_many_as_it_takes() throws Exception {
        LeasedProxy held = holder.acquire(request("holder")).orElseThrow();
        ProxyManager manager = waitingManager(storage(SqlStorageOptions.defaults()), NEVER_POLL);
        List<Future<Optional<LeasedProxy>>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(waitFor(manager, "waiter-" + i));
            awaitWaiters(i + 1);
        }
        Proxy spare = holder.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.9.0.2", 3128)
                .maxConcurrency(2)
                .status(ProxyStatus.INACTIVE)
                .build());
        assertThat(waiters()).as("an inactive proxy wakes nobody").isEqualTo(4);

        holder.release(held.lease().id());
        assertThat(queued.get(0).get(WAIT.toSeconds() + 10, TimeUnit.SECONDS)).isPresent();
        assertThat(waiters()).as("one slot freed, one waiter woken").isEqualTo(3);

        holder.updateProxy(spare.toBuilder().status(ProxyStatus.ACTIVE).build());
        assertThat(queued.get(1).get(WAIT.toSeconds() + 10, TimeUnit.SECONDS)).isPresent();
        assertThat(queued.get(2).get(WAIT.toSeconds() + 10, TimeUnit.SECONDS)).isPresent();
        assertThat(queued.get(3)).as("the fourth waiter finds no room").isNotDone();
        assertThat(waiters()).isEqualTo(1);
    }

    @Test
    void an_expiry_cleanup_wakes_a_waiter() throws Exception {
        holder.acquire(AcquireRequest.forPool(pool.name())
                        .consumer("holder")
                        .ttl(Duration.ofSeconds(2))
                        .build())
                .orElseThrow();
        Future<Optional<LeasedProxy>> waiting =
                waitFor(waitingManager(storage(SqlStorageOptions.defaults()), NEVER_POLL), "waiter");
        awaitWaiters(1);
        Thread.sleep(2_100);
        assertThat(waiting).as("a lapsed lease wakes nobody by itself").isNotDone();

        assertThat(holder.cleanupExpiredLeases()).isEqualTo(1);

        assertThat(waiting.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS)).isPresent();
    }

    @Test
    void a_killed_listener_leaves_waiters_polling_then_reconnects_and_wakes_them_again() throws Exception {
        AtomicBoolean refuse = new AtomicBoolean();
        ListenConnections gate = () -> {
            if (refuse.get()) {
                throw new SQLException("refused by the test");
            }
            return db.dataSource().getConnection();
        };
        JdbcStorage waiterStorage =
                storage(SqlStorageOptions.builder().listenConnections(gate).build());
        ProxyManager polling = waitingManager(waiterStorage, Duration.ofMillis(20));
        ProxyManager notified = waitingManager(waiterStorage, NEVER_POLL);

        LeasedProxy held = holder.acquire(request("holder")).orElseThrow();
        Future<Optional<LeasedProxy>> first = waitFor(polling, "first");
        awaitWaiters(1);
        assertThat(waiterStorage.wakeUpsLive()).isTrue();

        refuse.set(true);
        assertThat(terminateListeners()).as("listening backends terminated").isPositive();
        for (int i = 0; i < 2_000 && waiterStorage.wakeUpsLive(); i++) {
            Thread.sleep(5);
        }
        assertThat(waiterStorage.wakeUpsLive()).as("the listener noticed").isFalse();

        holder.release(held.lease().id());
        LeasedProxy polled = first.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS).orElseThrow();
        assertThat(waiterStorage.wakeUpsLive())
                .as("still down: the waiter polled")
                .isFalse();

        refuse.set(false);
        for (int i = 0; i < 2_000 && !waiterStorage.wakeUpsLive(); i++) {
            Thread.sleep(5);
        }
        assertThat(waiterStorage.wakeUpsLive()).as("reconnected").isTrue();
        Future<Optional<LeasedProxy>> second = waitFor(notified, "second");
        awaitWaiters(1);
        waiterStorage.release(polled.lease().id());
        assertThat(second.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS))
                .as("woken through the new connection")
                .isPresent();
    }

    @Test
    void a_circuit_closed_by_its_probe_wakes_a_waiter_for_the_slot_it_frees() throws Exception {
        OutcomePolicy policy = OutcomePolicy.defaults()
                .withFailureThreshold(1)
                .withCooldown(Duration.ofMillis(500), Duration.ofMillis(500));
        Proxy two = holder.updateProxy(proxy.toBuilder().maxConcurrency(2).build());
        LeasedProxy failing = holder.acquire(request("holder")).orElseThrow();
        holder.report(
                failing.lease().id(), failing.lease().fencingToken(), Outcome.failure(FailureReason.TIMEOUT), policy);
        holder.release(failing.lease().id());
        assertThat(holder.standing(two.id()).orElseThrow().circuit()).isEqualTo(CircuitState.OPEN);

        Future<Optional<LeasedProxy>> waiting =
                waitFor(waitingManager(storage(SqlStorageOptions.defaults()), NEVER_POLL), "waiter");
        awaitWaiters(1);
        Thread.sleep(600);
        LeasedProxy probe = holder.acquire(request("prober")).orElseThrow();
        assertThat(holder.standing(two.id()).orElseThrow().circuit()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(waiting).as("a half-open circuit takes only its probe").isNotDone();

        holder.report(probe.lease().id(), probe.lease().fencingToken(), Outcome.success(Duration.ofMillis(5)), policy);

        LeasedProxy woken = waiting.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS).orElseThrow();
        assertThat(woken.proxy().id()).isEqualTo(two.id());
        assertThat(holder.findLease(probe.lease().id()).orElseThrow().status())
                .as("the probe still holds its slot")
                .isEqualTo(LeaseStatus.ACTIVE);
    }

    @Test
    void a_woken_waiter_that_cannot_use_the_slot_passes_the_wake_up_on() throws Exception {
        Proxy german = holder.updateProxy(proxy.toBuilder().country("DE").build());
        Proxy american = holder.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.9.0.3", 3128)
                .country("US")
                .maxConcurrency(1)
                .build());
        LeasedProxy heldGerman = holder.acquire(AcquireRequest.forPool(pool.name())
                        .consumer("holder")
                        .filter(ProxyFilters.country("DE"))
                        .build())
                .orElseThrow();
        LeasedProxy heldAmerican = holder.acquire(request("holder")).orElseThrow();
        assertThat(heldAmerican.proxy().id()).isEqualTo(american.id());
        ProxyManager manager = waitingManager(storage(SqlStorageOptions.defaults()), NEVER_POLL);
        Future<Optional<LeasedProxy>> wantsGerman = threads.submit(() -> manager.acquire(
                AcquireRequest.forPool(pool.name())
                        .consumer("older")
                        .filter(ProxyFilters.country("DE"))
                        .build(),
                WAIT));
        awaitWaiters(1);
        Future<Optional<LeasedProxy>> wantsAny = waitFor(manager, "younger");
        awaitWaiters(2);

        holder.release(heldAmerican.lease().id());

        LeasedProxy got = wantsAny.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS).orElseThrow();
        assertThat(got.proxy().id()).isEqualTo(american.id());
        assertThat(wantsGerman)
                .as("the older waiter keeps waiting for its proxy")
                .isNotDone();
        assertThat(waiters()).as("it kept its ticket").isEqualTo(1);

        holder.release(heldGerman.lease().id());
        assertThat(wantsGerman
                        .get(WAIT.toSeconds() + 10, TimeUnit.SECONDS)
                        .orElseThrow()
                        .proxy()
                        .id())
                .isEqualTo(german.id());
    }

    /** Terminates every backend of this database listening for wake-ups. */
    private static int terminateListeners() throws SQLException {
        return count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND query = 'LISTEN pharox_wake'"
                + " AND pid <> pg_backend_pid()");
    }
}
