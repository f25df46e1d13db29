package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilter;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The storage contract: every rule of {@link ProxyStorage}'s Javadoc (and of the design's
 * "leasing semantics") as JUnit Jupiter tests, grouped by concept so that a failing test's
 * name says what broke. An adapter proves itself with one test class that extends this one
 * and supplies fixtures:
 *
 * <pre>{@code
 * class RedisStorageContractTest extends ProxyStorageContract {
 *     protected ProxyStorage createStorage() { return new RedisStorage(client); }
 *     protected void disposeStorage(ProxyStorage storage) { client.flushAll(); }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh storage from {@link #createStorage()} and gives it back to
 * {@link #disposeStorage(ProxyStorage)}. Tests that need time to pass call
 * {@link #advancePast(Instant)}: storages on an injectable clock move it (see
 * {@link MutableClock}); the default waits for the real clock, which suits storages that read
 * the database's clock, with the short leases of {@link #shortTtl()}.
 *
 * <p>The groups: Pools, Proxies, Consumers, Capacity, Strategies, Filters, Expiry, Release,
 * Renewal, Idempotency, Outcomes, Fencing, Breaker, Bans, Scores, Sessions, Pacing, PoolStatistics,
 * Health, BadInput, Concurrency, Manager, Events and Retries. Outcomes, Fencing, Breaker, Bans and Scores check {@code docs/outcomes.md}:
 * reports and the standing they change, stale reports, fencing tokens, the circuit breaker and
 * its probe, target bans, and the LOWEST_LATENCY and HEALTHIEST strategies. Their cooldowns are
 * {@link #shortTtl()}, so a storage on a real clock waits a few of those at most. Sessions checks
 * {@code docs/sessions.md}: sticky sessions, their rebinding and waiting, idle deadline, maximum
 * of uses, cleanup and concurrent creation. Pacing checks {@code docs/pacing.md}: a proxy's
 * minimum interval between grants (its own or its pool's default), against the storage's
 * clock, with intervals of {@link #shortTtl()} too. PoolStatistics checks
 * {@link ProxyStorage#poolStats}: each number of {@link io.pharox.model.PoolStats} after known
 * changes, and snapshots taken while threads acquire and release.
 *
 * <p>The concurrent groups run {@link #concurrentThreads()} threads for a fixed number of
 * operations each and check the invariant (active leases ≤ capacity, stored counter =
 * active lease records) at every acquire and at the end.
 */
public abstract class ProxyStorageContract {

    private final AtomicInteger sequence = new AtomicInteger();
    private final String runId = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private @Nullable ProxyStorage storage;

    /** A new, empty storage for one test. */
    protected abstract ProxyStorage createStorage();

    /** Gives back a storage after its test, e.g. to close connections or drop data. Default: nothing. */
    protected void disposeStorage(ProxyStorage storage) {}

    /**
     * Makes the storage's "now" later than {@code instant}. The default waits (polling the
     * system clock) until it is; storages on an injectable clock override this to move it.
     */
    protected void advancePast(Instant instant) {
        while (!Clock.systemUTC().instant().isAfter(instant)) {
            try {
                Thread.sleep(Math.max(
                        1,
                        Math.min(
                                50,
                                Duration.between(Clock.systemUTC().instant(), instant)
                                                .toMillis()
                                        + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the clock to pass " + instant, e);
            }
        }
    }

    /**
     * The clock a {@link io.pharox.ProxyManager} on this storage should read; the storage's own
     * clock where it has one. Default: the system UTC clock.
     */
    protected Clock clock() {
        return Clock.systemUTC();
    }

    /** Lease duration of the tests that let leases expire. Default: 300 ms. */
    protected Duration shortTtl() {
        return Duration.ofMillis(300);
    }

    /** Threads of the concurrent tests; at least 16. Default: 16. */
    protected int concurrentThreads() {
        return 16;
    }

    /** Operations each thread of the concurrent tests performs. Default: 150. */
    protected int operationsPerThread() {
        return 150;
    }

    /**
     * A value that changes whenever anything the storage holds changes; the bad-input catalogue
     * compares it before and after every rejected call. The default is what the port can see:
     * every pool, its proxies with their lease counters, standings and bans, and its active
     * leases. Adapters that can
     * look deeper should: SQL adapters return
     * {@link io.pharox.testkit.postgres.TestPostgres#fingerprint TestPostgres.fingerprint} of their
     * schema, which also covers consumers, finished leases and selector cursors.
     */
    protected Object storeFingerprint() {
        List<Object> snapshot = new ArrayList<>();
        for (ProxyPool pool : storage().listPools()) {
            snapshot.add(pool);
            List<Proxy> proxies = storage().listProxies(pool.name());
            snapshot.add(proxies);
            snapshot.add(storage().activeLeasesInPool(pool.name()));
            for (Proxy proxy : proxies) {
                snapshot.add(storage().standing(proxy.id()));
                snapshot.add(storage().bans(proxy.id()));
            }
        }
        return snapshot;
    }

    @BeforeEach
    final void createFreshStorage() {
        storage = createStorage();
        assertThat(storage).as("createStorage()").isNotNull();
    }

    @AfterEach
    final void disposeFreshStorage() {
        if (storage != null) {
            disposeStorage(storage);
            storage = null;
        }
    }

    /** The storage of the running test. */
    protected final ProxyStorage storage() {
        return Objects.requireNonNull(storage, "no storage: storage() is for the tests of this suite, while one runs");
    }

    /** A unique name with a readable prefix, so tests never collide in a shared store. */
    protected final String uniqueName(String prefix) {
        return prefix + "-" + runId + "-" + sequence.incrementAndGet();
    }

    /** Creates a pool with a unique name. */
    protected ProxyPool seedPool() {
        return storage().createPool(uniqueName("pool"), "seeded by the contract suite");
    }

    /** Adds an active, exclusive HTTP proxy with a unique address to {@code pool}. */
    protected Proxy seedProxy(ProxyPool pool) {
        return seedProxy(pool, UnaryOperator.identity());
    }

    /**
     * Adds a proxy to {@code pool}: an active, exclusive HTTP proxy with a unique address,
     * changed by {@code customize}.
     */
    protected Proxy seedProxy(ProxyPool pool, UnaryOperator<Proxy.Builder> customize) {
        return storage().addProxy(customize.apply(proxyIn(pool)).build());
    }

    /** A builder for a proxy in {@code pool} with a unique loopback-free address. */
    protected final Proxy.Builder proxyIn(ProxyPool pool) {
        int n = sequence.incrementAndGet();
        return Proxy.builder()
                .poolId(pool.id())
                .address("10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255), 3128);
    }

    /** A request on {@code pool} with every default. */
    protected final AcquireRequest.Builder request(ProxyPool pool) {
        return AcquireRequest.forPool(pool.name());
    }

    /** Acquires on {@code pool} with every default. */
    protected final Optional<LeasedProxy> acquire(ProxyPool pool) {
        return storage().acquire(request(pool).build());
    }

    /** Acquires on {@code pool} with a strategy. */
    protected final Optional<LeasedProxy> acquire(ProxyPool pool, SelectorStrategy strategy) {
        return storage().acquire(request(pool).strategy(strategy).build());
    }

    /** Acquires on {@code pool} with a filter. */
    protected final Optional<LeasedProxy> acquire(ProxyPool pool, ProxyFilter filter) {
        return storage().acquire(request(pool).filter(filter).build());
    }

    /** Acquires on {@code pool} with a lease of {@link #shortTtl()}. */
    protected final LeasedProxy acquireShort(ProxyPool pool) {
        return storage().acquire(request(pool).ttl(shortTtl()).build()).orElseThrow();
    }

    /** Acquires on {@code pool} and returns the leased proxy's id. */
    protected final UUID leaseOne(ProxyPool pool, SelectorStrategy strategy) {
        return acquire(pool, strategy)
                .orElseThrow(() -> new AssertionError("nothing available in " + pool.name()))
                .proxy()
                .id();
    }

    /** The stored lease counter of a proxy. */
    protected final int counter(Proxy proxy) {
        return storage().findProxy(proxy.id()).orElseThrow().currentLeases();
    }

    /**
     * Asserts the invariant on every proxy of {@code pool}: the stored counter equals the
     * proxy's active lease records, which do not exceed its capacity. Valid when no lease of
     * the pool is past its expiry without having been cleaned up.
     */
    protected final void assertInvariant(ProxyPool pool) {
        for (Proxy proxy : storage().listProxies(pool.name())) {
            List<Lease> active = storage().activeLeases(proxy.id());
            assertThat(proxy.currentLeases()).as("stored counter of %s", proxy).isEqualTo(active.size());
            if (!proxy.isUnlimited()) {
                assertThat(active.size()).as("active leases of %s", proxy).isLessThanOrEqualTo(proxy.maxConcurrency());
            }
        }
    }

    /** Pools: creation, lookup, listing. */
    @Nested
    class Pools extends PoolsContract {
        Pools() {
            super(ProxyStorageContract.this);
        }
    }

    /** Proxies: adding, reading, updating, removing. */
    @Nested
    class Proxies extends ProxiesContract {
        Proxies() {
            super(ProxyStorageContract.this);
        }
    }

    /** Consumers: created once, on first use. */
    @Nested
    class Consumers extends ConsumersContract {
        Consumers() {
            super(ProxyStorageContract.this);
        }
    }

    /** Capacity: exclusive, shared, unlimited; status; what an acquire records. */
    @Nested
    class Capacity extends CapacityContract {
        Capacity() {
            super(ProxyStorageContract.this);
        }
    }

    /** Selector strategies. */
    @Nested
    class Strategies extends StrategiesContract {
        Strategies() {
            super(ProxyStorageContract.this);
        }
    }

    /** Filters: every clause kind, nesting, predicates, hostile values. */
    @Nested
    class Filters extends FiltersContract {
        Filters() {
            super(ProxyStorageContract.this);
        }
    }

    /** Expiry and cleanup. */
    @Nested
    class Expiry extends ExpiryContract {
        Expiry() {
            super(ProxyStorageContract.this);
        }
    }

    /** Release and its idempotency. */
    @Nested
    class Release extends ReleaseContract {
        Release() {
            super(ProxyStorageContract.this);
        }
    }

    /** Renewal of active leases. */
    @Nested
    class Renewal extends RenewalContract {
        Renewal() {
            super(ProxyStorageContract.this);
        }
    }

    /** Idempotency keys: an acquire repeated with its key gets the one lease the key names. */
    @Nested
    class Idempotency extends IdempotencyContract {
        Idempotency() {
            super(ProxyStorageContract.this);
        }
    }

    /** Outcome reports: what they change in a proxy's standing, and the stale ones refused. */
    @Nested
    class Outcomes extends OutcomesContract {
        Outcomes() {
            super(ProxyStorageContract.this);
        }
    }

    /** Fencing tokens: 1, then increasing per proxy, across strategies and threads. */
    @Nested
    class Fencing extends FencingContract {
        Fencing() {
            super(ProxyStorageContract.this);
        }
    }

    /** The circuit breaker: open, half-open with one probe, closed; cooldowns doubling and capped. */
    @Nested
    class Breaker extends BreakerContract {
        Breaker() {
            super(ProxyStorageContract.this);
        }
    }

    /** Target bans: skipped for their target only, until they end; extended, never shortened. */
    @Nested
    class Bans extends BansContract {
        Bans() {
            super(ProxyStorageContract.this);
        }
    }

    /** The strategies that read scores: LOWEST_LATENCY and HEALTHIEST. */
    @Nested
    class Scores extends ScoresContract {
        Scores() {
            super(ProxyStorageContract.this);
        }
    }

    /** Sticky sessions: the same proxy per key while the session lives; rebind, wait, expiry, uses. */
    @Nested
    class Sessions extends SessionsContract {
        Sessions() {
            super(ProxyStorageContract.this);
        }
    }

    /** Pacing: a minimum interval between two grants of one proxy, its own or its pool's. */
    @Nested
    class Pacing extends PacingContract {
        Pacing() {
            super(ProxyStorageContract.this);
        }
    }

    /** Pool statistics: proxies by status, leasable proxies, capacity, active leases, free slots. */
    @Nested
    class PoolStatistics extends PoolStatsContract {
        PoolStatistics() {
            super(ProxyStorageContract.this);
        }
    }

    /** Pool administration: batches of proxies, pool deletion, leases by consumer, findAvailable, the ISP tag. */
    @Nested
    class Administration extends AdministrationContract {
        Administration() {
            super(ProxyStorageContract.this);
        }
    }

    /** Health results. */
    @Nested
    class Health extends HealthContract {
        Health() {
            super(ProxyStorageContract.this);
        }
    }

    /**
     * The bad-input catalogue: every entry point given nulls, blanks, out-of-range values,
     * hostile text, oversized filter trees, unknown and foreign ids; a named error or an empty
     * result, and an unchanged store (see {@link #storeFingerprint()}).
     */
    @Nested
    class BadInput extends BadInputContract {
        BadInput() {
            super(ProxyStorageContract.this);
        }
    }

    /** Many threads at once. */
    @Nested
    class Concurrency extends ConcurrencyContract {
        Concurrency() {
            super(ProxyStorageContract.this);
        }
    }

    /** {@link io.pharox.ProxyManager} on this storage. */
    @Nested
    class Manager extends ManagerContract {
        Manager() {
            super(ProxyStorageContract.this);
        }
    }

    /** The events {@link io.pharox.ProxyManager} announces, and its observer ({@code docs/events.md}). */
    @Nested
    class Events extends EventsContract {
        Events() {
            super(ProxyStorageContract.this);
        }
    }

    /** {@link io.pharox.ProxyManager}'s retrying calls under a {@link io.pharox.RetryPolicy} and its waiting withLease. */
    @Nested
    class Retries extends RetriesContract {
        Retries() {
            super(ProxyStorageContract.this);
        }
    }
}
