package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.FailureReason;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.model.SessionBinding;
import io.pharox.model.SessionBinding.State;
import io.pharox.model.SessionInfo;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.StickySession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sticky sessions ({@code docs/sessions.md}): every acquire with a session's key gets its proxy
 * while the session lives, whatever the strategy would pick; NEW, KEPT and REBOUND reported; a
 * proxy that cannot be leased (full, not ACTIVE, circuit open, banned for the target, filtered
 * out, removed) rebinds the session, or, waiting, leaves the acquire empty until it frees (a
 * removed one is rebound all the same); the idle deadline, which renewals do not move; the
 * maximum of uses; sessions per pool, holding no slot; cleanup; concurrent creation.
 */
abstract class SessionsContract extends ContractGroup {

    private static final String TARGET = "shop.example";

    SessionsContract(ProxyStorageContract kit) {
        super(kit);
    }

    /** Why a session's proxy cannot be leased. */
    enum Unavailable {
        FULL,
        INACTIVE,
        CIRCUIT_OPEN,
        BANNED_FOR_TARGET,
        FILTERED_OUT,
        REMOVED
    }

    private String key() {
        return uniqueName("session");
    }

    private AcquireRequest.Builder through(ProxyPool pool, StickySession session) {
        return request(pool).session(session);
    }

    private LeasedProxy acquireThrough(ProxyPool pool, StickySession session) {
        return storage()
                .acquire(through(pool, session).build())
                .orElseThrow(() -> new AssertionError("nothing leased through session " + session.key()));
    }

    /** Acquires through {@code session} and releases the lease at once; returns the grant. */
    private LeasedProxy useOnce(AcquireRequest request) {
        LeasedProxy leased =
                storage().acquire(request).orElseThrow(() -> new AssertionError("nothing leased for " + request));
        storage().release(leased.lease().id());
        return leased;
    }

    private static SessionBinding binding(LeasedProxy leased) {
        return leased.session().orElseThrow(() -> new AssertionError("no session binding on " + leased));
    }

    private SessionInfo session(ProxyPool pool, String key) {
        return storage()
                .findSession(pool.name(), key)
                .orElseThrow(() -> new AssertionError("no live session " + key + " in " + pool.name()));
    }

    /** Binds a new session to {@code proxy} (a filter that matches only it) with one grant, released. */
    private LeasedProxy bindTo(ProxyPool pool, Proxy proxy, StickySession session) {
        LeasedProxy first = useOnce(through(pool, session).filter(only(proxy)).build());
        assertThat(first.proxy().id()).isEqualTo(proxy.id());
        assertThat(binding(first).state()).isEqualTo(State.NEW);
        return first;
    }

    /** Makes {@code proxy} unleasable for the requests of {@link #request(ProxyPool, Unavailable, StickySession)}. */
    private void makeUnavailable(ProxyPool pool, Proxy proxy, Unavailable why) {
        switch (why) {
            case FULL:
                leaseOf(pool, proxy);
                break;
            case INACTIVE:
                storage()
                        .updateProxy(storage().findProxy(proxy.id()).orElseThrow().toBuilder()
                                .status(ProxyStatus.INACTIVE)
                                .build());
                break;
            case CIRCUIT_OPEN: {
                OutcomePolicy policy = OutcomePolicy.defaults()
                        .withFailureThreshold(1)
                        .withCooldown(Duration.ofMinutes(10), Duration.ofMinutes(10));
                LeasedProxy leased = leaseOf(pool, proxy);
                report(leased, Outcome.failure(FailureReason.CONNECT_FAILED), policy);
                storage().release(leased.lease().id());
                break;
            }
            case BANNED_FOR_TARGET: {
                OutcomePolicy policy = OutcomePolicy.defaults().withBanCooldown(Duration.ofMinutes(10));
                LeasedProxy leased = leaseOf(pool, proxy);
                report(leased, Outcome.targetBlocked(TARGET), policy);
                storage().release(leased.lease().id());
                break;
            }
            case FILTERED_OUT:
                // the request filters it out: see request(...)
                break;
            case REMOVED:
                assertThat(storage().removeProxy(proxy.id())).isTrue();
                break;
            default:
                throw new IllegalStateException("unknown reason " + why);
        }
    }

    /** The request through {@code session} after {@link #makeUnavailable}: with the target, or the filter, that applies. */
    private AcquireRequest request(ProxyPool pool, Unavailable why, StickySession session) {
        AcquireRequest.Builder request = through(pool, session).forTarget(TARGET);
        if (why == Unavailable.FILTERED_OUT) {
            request.filter(ProxyFilters.noneOf(ProxyFilters.country("DE")));
        }
        return request.build();
    }

    // ------------------------------------------------------------------ stickiness

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void every_acquire_with_the_key_gets_the_sessions_proxy_while_others_are_free(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        for (int i = 0; i < 4; i++) {
            seedProxy(pool, b -> b.shared(4));
        }
        String key = key();
        AcquireRequest request = request(pool).strategy(strategy).session(key).build();

        LeasedProxy first = useOnce(request);
        assertThat(binding(first)).isEqualTo(new SessionBinding(key, State.NEW, 1));
        for (int i = 2; i <= 8; i++) {
            // a lease without the session in between moves round robin on, and takes a slot somewhere
            LeasedProxy other = acquire(pool, strategy).orElseThrow();
            LeasedProxy again = useOnce(request);
            storage().release(other.lease().id());

            assertThat(again.proxy().id())
                    .as("grant %d", i)
                    .isEqualTo(first.proxy().id());
            assertThat(binding(again)).isEqualTo(new SessionBinding(key, State.KEPT, i));
        }
        assertThat(session(pool, key).proxyId()).isEqualTo(first.proxy().id());
        assertThat(session(pool, key).uses()).isEqualTo(8);
        assertInvariant(pool);
    }

    @Test
    void round_robin_without_the_session_moves_on_while_the_session_stays() {
        ProxyPool pool = seedPool();
        for (int i = 0; i < 3; i++) {
            seedProxy(pool);
        }
        AcquireRequest sticky = request(pool)
                .strategy(SelectorStrategy.ROUND_ROBIN)
                .session(key())
                .build();
        Set<UUID> withSession = new HashSet<>();
        Set<UUID> without = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            withSession.add(useOnce(sticky).proxy().id());
            for (int j = 0; j < 2; j++) {
                without.add(useOnce(request(pool)
                                .strategy(SelectorStrategy.ROUND_ROBIN)
                                .build())
                        .proxy()
                        .id());
            }
        }

        assertThat(withSession).hasSize(1);
        assertThat(without).as("round robin without a session").hasSizeGreaterThan(1);
    }

    @Test
    void an_acquire_without_a_session_reports_no_binding() {
        ProxyPool pool = seedPool();
        seedProxy(pool);

        assertThat(acquire(pool).orElseThrow().session()).isEmpty();
    }

    @Test
    void a_new_session_is_read_back_with_its_proxy_uses_and_idle_deadline() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        StickySession session = StickySession.of(key()).withIdleTimeout(Duration.ofMinutes(3));

        assertThat(storage().findSession(pool.name(), session.key())).isEmpty();
        LeasedProxy leased = acquireThrough(pool, session);

        SessionInfo info = session(pool, session.key());
        assertThat(info.key()).isEqualTo(session.key());
        assertThat(info.proxyId()).isEqualTo(leased.proxy().id());
        assertThat(info.uses()).isEqualTo(1);
        assertIdleUntil(info, leased, session.idleTimeout());
    }

    private static void assertIdleUntil(SessionInfo info, LeasedProxy leased, Duration idleTimeout) {
        Instant expected = leased.lease().expiresAt().plus(idleTimeout);
        assertThat(info.idleUntil())
                .as("idle deadline: lease expiry %s + %s", leased.lease().expiresAt(), idleTimeout)
                .isBetween(expected.minusNanos(1_000), expected.plusNanos(1_000));
    }

    @Test
    void sessions_are_per_pool() {
        ProxyPool one = seedPool();
        ProxyPool two = seedPool();
        Proxy inOne = seedProxy(one);
        Proxy inTwo = seedProxy(two);
        String key = key();

        LeasedProxy first = acquireThrough(one, StickySession.of(key));
        assertThat(storage().findSession(two.name(), key)).isEmpty();
        LeasedProxy second = acquireThrough(two, StickySession.of(key));

        assertThat(first.proxy().id()).isEqualTo(inOne.id());
        assertThat(second.proxy().id()).isEqualTo(inTwo.id());
        assertThat(binding(second).state()).isEqualTo(State.NEW);
        assertThat(session(one, key).proxyId()).isEqualTo(inOne.id());
        assertThat(session(two, key).proxyId()).isEqualTo(inTwo.id());
    }

    @Test
    void a_session_holds_no_slot() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        String key = key();
        useOnce(request(pool).session(key).build());

        LeasedProxy other = acquire(pool).orElseThrow();

        assertThat(other.proxy().id())
                .as("the session's proxy, free for anyone")
                .isEqualTo(proxy.id());
        assertThat(counter(proxy)).isEqualTo(1);
        assertThat(session(pool, key).proxyId()).isEqualTo(proxy.id());
        assertInvariant(pool);
    }

    // ------------------------------------------------------------------ rebind and wait

    @ParameterizedTest
    @EnumSource(Unavailable.class)
    void a_proxy_that_cannot_be_leased_rebinds_the_session(Unavailable why) {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool, b -> b.country("DE"));
        Proxy other = seedProxy(pool, b -> b.country("FR"));
        StickySession session = StickySession.of(key());
        bindTo(pool, bound, session);
        makeUnavailable(pool, bound, why);

        LeasedProxy rebound = storage().acquire(request(pool, why, session)).orElseThrow();

        assertThat(rebound.proxy().id()).isEqualTo(other.id());
        assertThat(binding(rebound)).isEqualTo(new SessionBinding(session.key(), State.REBOUND, 2));
        assertThat(binding(rebound).rebound()).isTrue();
        assertThat(session(pool, session.key()).proxyId()).isEqualTo(other.id());
        storage().release(rebound.lease().id());
        LeasedProxy kept = storage().acquire(request(pool, why, session)).orElseThrow();
        assertThat(kept.proxy().id()).isEqualTo(other.id());
        assertThat(binding(kept)).isEqualTo(new SessionBinding(session.key(), State.KEPT, 3));
        assertInvariant(pool);
    }

    @Test
    void rebinding_with_no_other_proxy_leaves_the_acquire_empty_and_the_session_where_it_was() {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool);
        String key = key();
        useOnce(request(pool).session(key).build());
        LeasedProxy holder = acquire(pool).orElseThrow();

        assertThat(storage().acquire(request(pool).session(key).build())).isEmpty();
        assertThat(session(pool, key).proxyId()).isEqualTo(bound.id());
        assertThat(session(pool, key).uses()).isEqualTo(1);
        storage().release(holder.lease().id());
        assertThat(binding(useOnce(request(pool).session(key).build())))
                .isEqualTo(new SessionBinding(key, State.KEPT, 2));
    }

    @ParameterizedTest
    @EnumSource(value = Unavailable.class, names = "REMOVED", mode = EnumSource.Mode.EXCLUDE)
    void a_waiting_session_leaves_the_acquire_empty_while_its_proxy_cannot_be_leased(Unavailable why) {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool, b -> b.country("DE"));
        seedProxy(pool, b -> b.country("FR"));
        StickySession session = StickySession.of(key()).waitForProxy();
        bindTo(pool, bound, session);
        SessionInfo before = session(pool, session.key());
        makeUnavailable(pool, bound, why);

        assertThat(storage().acquire(request(pool, why, session))).isEmpty();
        assertThat(storage().acquire(request(pool, why, session))).isEmpty();

        SessionInfo after = session(pool, session.key());
        assertThat(after.proxyId()).isEqualTo(bound.id());
        assertThat(after.uses()).isEqualTo(1);
        assertThat(after.idleUntil()).isEqualTo(before.idleUntil());
    }

    @Test
    void a_waiting_session_whose_proxy_was_removed_is_rebound() {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool);
        Proxy other = seedProxy(pool);
        StickySession session = StickySession.of(key()).waitForProxy();
        bindTo(pool, bound, session);
        storage().removeProxy(bound.id());

        LeasedProxy rebound = acquireThrough(pool, session);

        assertThat(rebound.proxy().id()).isEqualTo(other.id());
        assertThat(binding(rebound).state()).isEqualTo(State.REBOUND);
        assertThat(session(pool, session.key()).proxyId()).isEqualTo(other.id());
    }

    @Test
    void a_manager_waiting_through_a_session_gets_its_proxy_once_it_frees() throws Exception {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool);
        seedProxy(pool);
        StickySession session = StickySession.of(key()).waitForProxy();
        bindTo(pool, bound, session);
        ProxyManager manager = ProxyManager.builder(storage())
                .clock(kit.clock())
                .waitPollInterval(Duration.ofMillis(5))
                .build();
        LeasedProxy holder =
                manager.acquire(request(pool).filter(only(bound)).build()).orElseThrow();
        AcquireRequest waiting = through(pool, session).build();
        assertThat(storage().acquire(waiting))
                .as("while another lease holds the proxy")
                .isEmpty();

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<LeasedProxy>> waited =
                    executor.submit(() -> manager.acquire(waiting, Duration.ofMinutes(1)));
            manager.release(holder);
            LeasedProxy leased = waited.get(1, TimeUnit.MINUTES).orElseThrow();

            assertThat(leased.proxy().id()).isEqualTo(bound.id());
            assertThat(binding(leased)).isEqualTo(new SessionBinding(session.key(), State.KEPT, 2));
        } finally {
            executor.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ idle deadline and uses

    @Test
    void a_session_outlives_its_lease_by_its_idle_timeout_then_lapses() {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool);
        Proxy other = seedProxy(pool);
        StickySession session =
                StickySession.of(key()).withIdleTimeout(shortTtl().multipliedBy(2));
        LeasedProxy first = useOnce(
                through(pool, session).filter(only(bound)).ttl(shortTtl()).build());

        advancePast(first.lease().expiresAt());
        LeasedProxy kept = useOnce(through(pool, session).ttl(shortTtl()).build());
        assertThat(kept.proxy().id())
                .as("after the lease's expiry, within the idle timeout")
                .isEqualTo(bound.id());
        assertThat(binding(kept).state()).isEqualTo(State.KEPT);
        SessionInfo info = session(pool, session.key());
        assertIdleUntil(info, kept, session.idleTimeout());

        advancePast(info.idleUntil());
        assertThat(storage().findSession(pool.name(), session.key()))
                .as("past its idle deadline")
                .isEmpty();
        LeasedProxy fresh = useOnce(through(pool, session).filter(only(other)).build());
        assertThat(binding(fresh))
                .as("a lapsed session is no session")
                .isEqualTo(new SessionBinding(session.key(), State.NEW, 1));
    }

    @Test
    void renewing_a_lease_does_not_move_the_idle_deadline() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        StickySession session = StickySession.of(key()).withIdleTimeout(Duration.ofMinutes(1));
        LeasedProxy leased = acquireThrough(pool, session);
        Instant before = session(pool, session.key()).idleUntil();

        storage().renew(leased.lease().id(), Duration.ofHours(1)).orElseThrow();

        assertThat(session(pool, session.key()).idleUntil()).isEqualTo(before);
    }

    @Test
    void the_idle_deadline_never_moves_earlier() {
        ProxyPool pool = seedPool();
        seedProxy(pool, b -> b.shared(3));
        String key = key();
        acquireThrough(pool, StickySession.of(key).withIdleTimeout(Duration.ofHours(1)));
        Instant far = session(pool, key).idleUntil();

        LeasedProxy kept = acquireThrough(pool, StickySession.of(key).withIdleTimeout(Duration.ofMillis(1)));

        assertThat(binding(kept).state()).isEqualTo(State.KEPT);
        assertThat(session(pool, key).idleUntil()).isEqualTo(far);
    }

    @Test
    void the_grant_that_reaches_max_uses_ends_the_session() {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool);
        Proxy other = seedProxy(pool);
        StickySession session = StickySession.of(key()).withMaxUses(3);
        bindTo(pool, bound, session);

        assertThat(binding(useOnce(through(pool, session).build())))
                .isEqualTo(new SessionBinding(session.key(), State.KEPT, 2));
        assertThat(binding(useOnce(through(pool, session).build())))
                .isEqualTo(new SessionBinding(session.key(), State.KEPT, 3));

        assertThat(storage().findSession(pool.name(), session.key())).isEmpty();
        LeasedProxy next = useOnce(through(pool, session).filter(only(other)).build());
        assertThat(binding(next)).isEqualTo(new SessionBinding(session.key(), State.NEW, 1));
    }

    @Test
    void a_session_of_one_use_ends_with_its_first_grant() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        StickySession session = StickySession.of(key()).withMaxUses(1);

        assertThat(binding(useOnce(through(pool, session).build())))
                .isEqualTo(new SessionBinding(session.key(), State.NEW, 1));
        assertThat(storage().findSession(pool.name(), session.key())).isEmpty();
        assertThat(binding(useOnce(through(pool, session).build())).state()).isEqualTo(State.NEW);
    }

    @Test
    void an_ended_session_is_gone_and_the_next_acquire_starts_a_new_one() {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool);
        Proxy other = seedProxy(pool);
        StickySession session = StickySession.of(key());
        LeasedProxy held = acquireThrough(pool, session);
        assertThat(held.proxy().id()).isEqualTo(bound.id());

        assertThat(storage().endSession(pool.name(), session.key())).isTrue();
        assertThat(storage().endSession(pool.name(), session.key())).isFalse();
        assertThat(storage().findSession(pool.name(), session.key())).isEmpty();
        assertThat(storage().findLease(held.lease().id()).orElseThrow().status())
                .as("the lease granted through it")
                .isEqualTo(io.pharox.model.LeaseStatus.ACTIVE);
        LeasedProxy next = acquireThrough(pool, session);
        assertThat(next.proxy().id()).isEqualTo(other.id());
        assertThat(binding(next).state()).isEqualTo(State.NEW);
    }

    @Test
    void cleanup_keeps_live_sessions_and_forgets_lapsed_ones() {
        ProxyPool pool = seedPool();
        Proxy bound = seedProxy(pool, b -> b.shared(2));
        Proxy other = seedProxy(pool, b -> b.shared(2));
        StickySession lapsing = StickySession.of(key()).withIdleTimeout(shortTtl());
        StickySession lasting = StickySession.of(key()).withIdleTimeout(Duration.ofHours(1));
        LeasedProxy short1 = useOnce(
                through(pool, lapsing).filter(only(bound)).ttl(shortTtl()).build());
        useOnce(through(pool, lasting).filter(only(bound)).ttl(shortTtl()).build());
        advancePast(short1.lease().expiresAt().plus(shortTtl()));

        storage().cleanupExpiredLeases();

        assertThat(storage().findSession(pool.name(), lapsing.key())).isEmpty();
        assertThat(session(pool, lasting.key()).proxyId()).isEqualTo(bound.id());
        LeasedProxy fresh = useOnce(through(pool, lapsing).filter(only(other)).build());
        assertThat(binding(fresh)).isEqualTo(new SessionBinding(lapsing.key(), State.NEW, 1));
    }

    // ------------------------------------------------------------------ concurrent creation

    @Test
    void concurrent_acquires_of_a_new_key_bind_it_to_one_proxy() throws Exception {
        ProxyPool pool = seedPool();
        int threads = kit.concurrentThreads();
        for (int i = 0; i < 4; i++) {
            seedProxy(pool, b -> b.shared(threads));
        }
        AcquireRequest request =
                request(pool).strategy(SelectorStrategy.RANDOM).session(key()).build();

        List<Optional<LeasedProxy>> results = all(threads, request);

        Set<UUID> proxies = new HashSet<>();
        List<State> states = new ArrayList<>();
        Set<Integer> uses = new HashSet<>();
        for (Optional<LeasedProxy> result : results) {
            LeasedProxy leased = result.orElseThrow(() -> new AssertionError("an acquire got nothing"));
            proxies.add(leased.proxy().id());
            states.add(binding(leased).state());
            uses.add(binding(leased).uses());
        }
        assertThat(proxies).as("proxies of the %d leases", threads).hasSize(1);
        assertThat(states).filteredOn(s -> s == State.NEW).hasSize(1);
        assertThat(states).filteredOn(s -> s == State.KEPT).hasSize(threads - 1);
        assertThat(uses).hasSize(threads);
        assertThat(session(pool, request.session().orElseThrow().key()).uses()).isEqualTo(threads);
        assertInvariant(pool);
    }

    @Test
    void concurrent_waiting_acquires_of_a_new_key_on_exclusive_proxies_get_one_lease() throws Exception {
        ProxyPool pool = seedPool();
        for (int i = 0; i < 3; i++) {
            seedProxy(pool);
        }
        AcquireRequest request = request(pool)
                .strategy(SelectorStrategy.RANDOM)
                .session(StickySession.of(key()).waitForProxy())
                .build();

        List<Optional<LeasedProxy>> results = all(kit.concurrentThreads(), request);

        List<LeasedProxy> granted = results.stream().flatMap(Optional::stream).toList();
        assertThat(granted).hasSize(1);
        assertThat(binding(granted.get(0)).state()).isEqualTo(State.NEW);
        assertThat(session(pool, request.session().orElseThrow().key()).proxyId())
                .isEqualTo(granted.get(0).proxy().id());
        assertInvariant(pool);
    }

    /** Runs {@code request} on {@code threads} threads at once; their results. */
    private List<Optional<LeasedProxy>> all(int threads, AcquireRequest request) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Optional<LeasedProxy>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(executor.submit(() -> {
                    start.await(1, TimeUnit.MINUTES);
                    return storage().acquire(request);
                }));
            }
            List<Optional<LeasedProxy>> results = new ArrayList<>();
            for (Future<Optional<LeasedProxy>> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }
}
