package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pharox.ProxyManager;
import io.pharox.RetryPolicy;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.exception.StaleLeaseException;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Consumer;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Pacing;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.StickySession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The port rows of the bad-input catalogue: a table of (entry point, input, outcome) rows over
 * every public entry point of {@link ProxyStorage} and the {@link ProxyManager} calls that reach
 * it. Bad values that the core's builders refuse before any storage is reached (the value rows)
 * are tested once, in {@code pharox-core}'s {@code BadValueCatalogueTest}. A rejected row must throw the named exception type with a message that
 * names the bad value or the parameter, and must leave the store exactly as it was
 * ({@link ProxyStorageContract#storeFingerprint()} before = after). An "absent" row must
 * answer with a correct empty result (empty {@code Optional}, empty list, {@code false}) and
 * change nothing either. Hostile but valid values (unicode, SQL metacharacters, very long
 * text) must round-trip exactly and match filters exactly. {@code docs/bad-input.md} is the
 * catalogue in prose.
 */
@SuppressWarnings("NullAway") // its rows pass null on purpose: the catalogue checks that every entry point refuses it
abstract class BadInputContract extends ContractGroup {

    /** Text that is valid everywhere and must come back exactly as it went in. */
    static final List<String> HOSTILE_TEXT = List.of(
            "東京都",
            "🧦🌍",
            "e\u0301",
            "مرحبا",
            "\u202Eevil\u202C",
            "'",
            "\"",
            ";",
            "--",
            "%",
            "_",
            "\\",
            "' OR '1'='1",
            "x'); DROP TABLE proxy; --",
            "$1",
            "?",
            ":name",
            "%_\\'\";--",
            "長".repeat(10_000));

    /** Text every adapter must reject with one named error: PostgreSQL's text cannot hold NUL. */
    static final String NUL = "bad\u0000value";
    /** A lone surrogate: not Unicode, so UTF-8 (and thus every SQL store) cannot hold it. */
    static final String LONE_SURROGATE = "bad\uD800value";

    /** A password that no exception message may show. */
    static final String PASSWORD = "s3cret-pw";

    /** A failure that counts against the proxy, for the report rows. */
    static final Outcome FAILURE = Outcome.failure(FailureReason.OTHER);

    /**
     * A chain of {@code levels} clauses, allOf and anyOf by turns, around a country no proxy
     * has: it matches nothing.
     */
    static ProxyFilter deepTree(int levels) {
        ProxyFilter filter = ProxyFilters.country("ZZ");
        for (int level = 1; level < levels; level++) {
            filter = level % 2 == 0 ? ProxyFilters.allOf(filter) : ProxyFilters.anyOf(filter);
        }
        return filter;
    }

    BadInputContract(ProxyStorageContract kit) {
        super(kit);
    }

    private ProxyManager manager() {
        return ProxyManager.builder(storage()).clock(kit.clock()).build();
    }

    // ------------------------------------------------------------------ the table

    /** What the rows run against: two pools, proxies in every lease state, a manager. */
    final class Fixture {
        final ProxyStorage storage = storage();
        final ProxyManager manager = manager();
        final ProxyPool pool = seedPool();
        final ProxyPool otherPool = seedPool();
        /** Exclusive and held by {@link #held}. */
        final Proxy busy = seedProxy(pool, b -> b.country("DE").city("Berlin").source("list"));

        final LeasedProxy held = storage.acquire(kit.request(pool).build()).orElseThrow();
        /** Shared; its one lease was released. */
        final Proxy free = seedProxy(
                pool,
                b -> b.shared(2).country("DE").city("Berlin").source("list").location(52.52, 13.40));

        final Lease released =
                storage.acquire(kit.request(pool).build()).orElseThrow().lease();
        /** Held by another consumer in the other pool. */
        final Proxy foreignProxy = seedProxy(otherPool, b -> b.country("FR"));

        final LeasedProxy foreign = storage.acquire(
                        kit.request(otherPool).consumer(uniqueName("other")).build())
                .orElseThrow();

        /** The store's fingerprint after the last row (or the fixture). */
        Object fingerprint;

        Fixture() {
            assertThat(storage.release(released.id()))
                    .as("release of the fixture's released lease")
                    .isTrue();
            fingerprint = kit.storeFingerprint();
        }

        /** A valid request on the pool; the row breaks one value. */
        AcquireRequest.Builder request() {
            return AcquireRequest.forPool(pool.name());
        }

        /** A valid new proxy in the pool; the row breaks one value. */
        Proxy.Builder newProxy() {
            return proxyIn(pool);
        }

        /** A lease object for an id no storage knows. */
        Lease unknownLease(UUID id) {
            Instant now = Instant.now();
            return Lease.active(id, pool.id(), busy.id(), UUID.randomUUID(), now, now.plusSeconds(60));
        }

        HealthCheckResult healthy(UUID proxyId) {
            return HealthCheckResult.healthy(proxyId, Duration.ofMillis(5), Instant.now());
        }
    }

    /** An entry point's call on the fixture; returns its result. */
    @FunctionalInterface
    interface Call {
        Object run(Fixture f) throws Exception;
    }

    /**
     * One row: {@code entryPoint} given {@code input} must end as {@code outcome}.
     *
     * @param mentions what the exception message must contain: the bad value or the parameter name
     */
    record Row(
            String entryPoint,
            String input,
            Call call,
            Class<? extends Throwable> outcome,
            Function<Fixture, List<String>> mentions) {
        String name() {
            return entryPoint + " ← " + input + " ⇒ " + (outcome == null ? "empty result" : outcome.getSimpleName());
        }
    }

    private static Row rejects(
            String entryPoint, String input, Class<? extends Throwable> type, Call call, String... mentions) {
        return new Row(entryPoint, input, call, type, f -> List.of(mentions));
    }

    /** A rejection whose message must name a value of the fixture (a pool name, an id). */
    private static Row rejectsNaming(
            String entryPoint,
            String input,
            Class<? extends Throwable> type,
            Call call,
            Function<Fixture, Object> mention) {
        return new Row(entryPoint, input, call, type, f -> List.of(String.valueOf(mention.apply(f))));
    }

    private static Row absent(String entryPoint, String input, Call call) {
        return new Row(entryPoint, input, call, null, f -> List.of());
    }

    /**
     * Runs one row and checks that the store did not change. The fingerprint taken after a
     * row is the next row's "before", which halves the fingerprints a table costs.
     */
    private void check(Fixture f, Row row) throws Exception {
        Object before = f.fingerprint;
        if (row.outcome() == null) {
            Object result = row.call().run(f);
            assertThat(isEmptyResult(result))
                    .as("%s returned %s", row.name(), result)
                    .isTrue();
        } else {
            Throwable thrown = catchThrowable(() -> row.call().run(f));
            assertThat(thrown).as(row.name()).isInstanceOf(row.outcome());
            for (String mention : row.mentions().apply(f)) {
                assertThat(thrown.getMessage()).as("message of %s", row.name()).contains(mention);
            }
            assertThat(String.valueOf(thrown.getMessage()))
                    .as("message of %s", row.name())
                    .doesNotContain(PASSWORD);
        }
        f.fingerprint = kit.storeFingerprint();
        assertThat(f.fingerprint).as("the store after %s", row.name()).isEqualTo(before);
    }

    private static boolean isEmptyResult(Object result) {
        return result instanceof Optional<?> o
                ? o.isEmpty()
                : result instanceof Collection<?> c ? c.isEmpty() : Boolean.FALSE.equals(result);
    }

    private Stream<DynamicTest> run(List<Row> rows) {
        Fixture f = new Fixture();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> check(f, row)));
    }

    // ------------------------------------------------------------------ rows: names and text

    @TestFactory
    Stream<DynamicTest> null_arguments_are_rejected_by_name() {
        List<Row> rows = new ArrayList<>(List.of(
                rejects(
                        "createPool",
                        "name null",
                        NullPointerException.class,
                        f -> f.storage.createPool(null, ""),
                        "name"),
                rejects(
                        "createPool",
                        "description null",
                        NullPointerException.class,
                        f -> f.storage.createPool(uniqueName("p"), null),
                        "description"),
                rejects("findPool", "null", NullPointerException.class, f -> f.storage.findPool(null), "name"),
                rejects("addProxy", "null", NullPointerException.class, f -> f.storage.addProxy(null), "proxy"),
                rejects("updateProxy", "null", NullPointerException.class, f -> f.storage.updateProxy(null), "proxy"),
                rejects("removeProxy", "null", NullPointerException.class, f -> f.storage.removeProxy(null), "proxyId"),
                rejects("findProxy", "null", NullPointerException.class, f -> f.storage.findProxy(null), "proxyId"),
                rejects("listProxies", "null", NullPointerException.class, f -> f.storage.listProxies(null), "name"),
                rejects(
                        "ensureConsumer",
                        "null",
                        NullPointerException.class,
                        f -> f.storage.ensureConsumer(null),
                        "name"),
                rejects("acquire", "null", NullPointerException.class, f -> f.storage.acquire(null), "request"),
                rejects("release", "null", NullPointerException.class, f -> f.storage.release(null), "leaseId"),
                rejects(
                        "renew",
                        "lease id null",
                        NullPointerException.class,
                        f -> f.storage.renew(null, Duration.ofMinutes(1)),
                        "leaseId"),
                rejects(
                        "renew",
                        "ttl null",
                        NullPointerException.class,
                        f -> f.storage.renew(f.held.lease().id(), null),
                        "ttl"),
                rejects(
                        "applyHealthCheckResult",
                        "null",
                        NullPointerException.class,
                        f -> f.storage.applyHealthCheckResult(null),
                        "result"),
                rejects("findLease", "null", NullPointerException.class, f -> f.storage.findLease(null), "leaseId"),
                rejects(
                        "activeLeases",
                        "null",
                        NullPointerException.class,
                        f -> f.storage.activeLeases(null),
                        "proxyId"),
                rejects(
                        "activeLeasesInPool",
                        "null",
                        NullPointerException.class,
                        f -> f.storage.activeLeasesInPool(null),
                        "name"),
                rejects("poolStats", "null", NullPointerException.class, f -> f.storage.poolStats(null), "name"),
                rejects("addProxies", "null", NullPointerException.class, f -> f.storage.addProxies(null), "proxies"),
                rejects(
                        "deletePool",
                        "null",
                        NullPointerException.class,
                        f -> f.storage.deletePool(null, true),
                        "name"),
                rejects(
                        "leasesOfConsumer",
                        "null",
                        NullPointerException.class,
                        f -> f.storage.leasesOfConsumer(null),
                        "name"),
                rejects(
                        "findAvailable",
                        "null",
                        NullPointerException.class,
                        f -> f.storage.findAvailable(null, 1),
                        "request"),
                rejects(
                        "addProxies",
                        "an entry whose address is taken",
                        ProxyBatchException.class,
                        f -> f.storage.addProxies(List.of(
                                kit.proxyIn(f.pool).build(),
                                kit.proxyIn(f.pool)
                                        .address(f.busy.host(), f.busy.port())
                                        .build())),
                        "index 1"),
                rejectsNaming(
                        "deletePool",
                        "a pool with an active lease, not forced",
                        PoolInUseException.class,
                        f -> f.storage.deletePool(f.pool.name(), false),
                        f -> f.pool.name()),
                rejects(
                        "findAvailable",
                        "limit 0",
                        IllegalArgumentException.class,
                        f -> f.storage.findAvailable(kit.request(f.pool).build(), 0),
                        "limit"),
                rejects(
                        "ProxyManager.acquire(String)",
                        "null",
                        NullPointerException.class,
                        f -> f.manager.acquire((String) null),
                        "name"),
                rejects(
                        "ProxyManager.acquire(request)",
                        "null",
                        NullPointerException.class,
                        f -> f.manager.acquire((AcquireRequest) null),
                        "request"),
                rejects(
                        "ProxyManager.acquire(request, wait)",
                        "request null",
                        NullPointerException.class,
                        f -> f.manager.acquire(null, Duration.ZERO),
                        "request"),
                rejects(
                        "ProxyManager.acquire(request, wait)",
                        "maxWait null",
                        NullPointerException.class,
                        f -> f.manager.acquire(f.request().build(), (Duration) null),
                        "maxWait"),
                rejects(
                        "ProxyManager.withLease",
                        "work null",
                        NullPointerException.class,
                        f -> f.manager.withLease(f.request().build(), null),
                        "work"),
                rejects(
                        "ProxyManager.acquire(request, retry)",
                        "request null",
                        NullPointerException.class,
                        f -> f.manager.acquire(null, RetryPolicy.none()),
                        "request"),
                rejects(
                        "ProxyManager.acquire(request, retry)",
                        "retry null",
                        NullPointerException.class,
                        f -> f.manager.acquire(f.request().build(), (RetryPolicy) null),
                        "retry"),
                rejects(
                        "ProxyManager.withLease(request, maxWait, work)",
                        "maxWait null",
                        NullPointerException.class,
                        f -> f.manager.withLease(f.request().build(), (Duration) null, leased -> "work"),
                        "maxWait"),
                rejects(
                        "ProxyManager.withLease(request, maxWait, work)",
                        "work null",
                        NullPointerException.class,
                        f -> f.manager.withLease(f.request().build(), Duration.ZERO, null),
                        "work"),
                rejects(
                        "ProxyManager.withLease(request, retry, work)",
                        "retry null",
                        NullPointerException.class,
                        f -> f.manager.withLease(f.request().build(), (RetryPolicy) null, leased -> "work"),
                        "retry"),
                rejects(
                        "ProxyManager.withLease(request, retry, work)",
                        "work null",
                        NullPointerException.class,
                        f -> f.manager.withLease(f.request().build(), RetryPolicy.none(), null),
                        "work"),
                rejects(
                        "ProxyManager.lease(request, retry)",
                        "retry null",
                        NullPointerException.class,
                        f -> f.manager.lease(f.request().build(), (RetryPolicy) null),
                        "retry"),
                rejects(
                        "ProxyManager.release(Lease)",
                        "null",
                        NullPointerException.class,
                        f -> f.manager.release((Lease) null),
                        "lease"),
                rejects(
                        "ProxyManager.release(LeasedProxy)",
                        "null",
                        NullPointerException.class,
                        f -> f.manager.release((LeasedProxy) null),
                        "leased"),
                rejects(
                        "ProxyManager.renew",
                        "lease null",
                        NullPointerException.class,
                        f -> f.manager.renew(null, Duration.ofMinutes(1)),
                        "lease"),
                rejects(
                        "ProxyManager.renew",
                        "ttl null",
                        NullPointerException.class,
                        f -> f.manager.renew(f.held.lease(), null),
                        "ttl"),
                rejects(
                        "ProxyManager.applyHealthCheckResult",
                        "null",
                        NullPointerException.class,
                        f -> f.manager.applyHealthCheckResult(null),
                        "result"),
                rejects(
                        "applyHealthCheckResult(result, policy)",
                        "policy null",
                        NullPointerException.class,
                        f -> f.storage.applyHealthCheckResult(f.healthy(f.free.id()), null),
                        "policy"),
                rejects(
                        "report",
                        "lease id null",
                        NullPointerException.class,
                        f -> f.storage.report(null, 1, FAILURE, OutcomePolicy.defaults()),
                        "leaseId"),
                rejects(
                        "report",
                        "outcome null",
                        NullPointerException.class,
                        f -> f.storage.report(
                                f.held.lease().id(), f.held.lease().fencingToken(), null, OutcomePolicy.defaults()),
                        "outcome"),
                rejects(
                        "report",
                        "policy null",
                        NullPointerException.class,
                        f -> f.storage.report(
                                f.held.lease().id(), f.held.lease().fencingToken(), FAILURE, null),
                        "policy"),
                rejects("standing", "null", NullPointerException.class, f -> f.storage.standing(null), "proxyId"),
                rejects("bans", "null", NullPointerException.class, f -> f.storage.bans(null), "proxyId"),
                rejects(
                        "ProxyManager.report",
                        "lease null",
                        NullPointerException.class,
                        f -> f.manager.report(null, FAILURE),
                        "lease"),
                rejects(
                        "ProxyManager.report",
                        "outcome null",
                        NullPointerException.class,
                        f -> f.manager.report(f.held.lease(), null),
                        "outcome"),
                rejects(
                        "AcquireRequest.Builder.forTarget",
                        "null",
                        NullPointerException.class,
                        f -> f.request().forTarget(null),
                        "target")));
        return run(rows);
    }

    @TestFactory
    Stream<DynamicTest> bad_names_are_rejected_by_every_entry_point_that_takes_one() {
        List<Row> rows = new ArrayList<>();
        List<String[]> names = List.of(
                new String[] {"empty", "", "blank"},
                new String[] {"a space", " ", "blank"},
                new String[] {"tab and newline", "\t\n", "blank"},
                new String[] {"256 characters", "p".repeat(256), "256"},
                new String[] {"NUL", NUL, "NUL"},
                new String[] {"a lone surrogate", LONE_SURROGATE, "surrogate"});
        for (String[] n : names) {
            String label = n[0];
            String name = n[1];
            String mention = n[2];
            rows.add(rejects(
                    "createPool",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.createPool(name, ""),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "findPool",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.findPool(name),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "listProxies",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.listProxies(name),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "activeLeasesInPool",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.activeLeasesInPool(name),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "poolStats",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.poolStats(name),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "deletePool",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.deletePool(name, true),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "ProxyManager.acquire(String)",
                    "pool name " + label,
                    IllegalArgumentException.class,
                    f -> f.manager.acquire(name),
                    "pool name",
                    mention));
            rows.add(rejects(
                    "ensureConsumer",
                    "consumer name " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.ensureConsumer(name),
                    "consumer name",
                    mention));
        }
        rows.add(rejects(
                "createPool",
                "description with NUL",
                IllegalArgumentException.class,
                f -> f.storage.createPool(uniqueName("p"), NUL),
                "description",
                "NUL"));
        rows.add(rejects(
                "createPool",
                "description with a lone surrogate",
                IllegalArgumentException.class,
                f -> f.storage.createPool(uniqueName("p"), LONE_SURROGATE),
                "description",
                "surrogate"));
        rows.add(rejectsNaming(
                "createPool",
                "a taken name",
                PoolAlreadyExistsException.class,
                f -> f.storage.createPool(f.pool.name(), ""),
                f -> f.pool.name()));
        return run(rows);
    }

    // ------------------------------------------------------------------ rows: proxies and their values

    @TestFactory
    Stream<DynamicTest> proxies_that_clash_or_are_unknown_are_named_errors() {
        List<Row> rows = new ArrayList<>();
        UUID nowhere = UUID.randomUUID();
        rows.add(rejects(
                "addProxy",
                "unknown pool id",
                PoolNotFoundException.class,
                f -> f.storage.addProxy(f.newProxy().poolId(nowhere).build()),
                nowhere.toString()));
        rows.add(rejectsNaming(
                "addProxy",
                "a taken id",
                ProxyAlreadyExistsException.class,
                f -> f.storage.addProxy(f.newProxy().id(f.busy.id()).build()),
                f -> f.busy.id()));
        rows.add(rejectsNaming(
                "addProxy",
                "a taken address",
                ProxyAlreadyExistsException.class,
                f -> f.storage.addProxy(
                        f.newProxy().address(f.busy.host(), f.busy.port()).build()),
                f -> f.busy.address()));
        UUID unknownProxy = UUID.randomUUID();
        rows.add(rejects(
                "updateProxy",
                "unknown id",
                ProxyNotFoundException.class,
                f -> f.storage.updateProxy(f.newProxy().id(unknownProxy).build()),
                unknownProxy.toString()));
        rows.add(rejectsNaming(
                "updateProxy",
                "another pool's id",
                IllegalArgumentException.class,
                f -> f.storage.updateProxy(
                        f.busy.toBuilder().poolId(f.otherPool.id()).build()),
                f -> f.otherPool.id()));
        rows.add(rejectsNaming(
                "updateProxy",
                "the address of another proxy",
                ProxyAlreadyExistsException.class,
                f -> f.storage.updateProxy(
                        f.free.toBuilder().address(f.busy.host(), f.busy.port()).build()),
                f -> f.busy.address()));
        rows.add(absent("removeProxy", "unknown id", f -> f.storage.removeProxy(UUID.randomUUID())));
        rows.add(absent("findProxy", "unknown id", f -> f.storage.findProxy(UUID.randomUUID())));
        rows.add(absent("activeLeases", "unknown proxy id", f -> f.storage.activeLeases(UUID.randomUUID())));
        return run(rows);
    }

    // ------------------------------------------------------------------ rows: durations, times, health

    @TestFactory
    Stream<DynamicTest> bad_ttls_and_unknown_proxies_are_rejected_by_name() {
        List<Row> rows = new ArrayList<>();
        List<Duration> badTtls = List.of(
                Duration.ZERO,
                Duration.ofMillis(-1),
                Duration.ofNanos(999_999),
                AcquireRequest.MAX_TTL.plusNanos(1),
                Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
                Duration.ofSeconds(Long.MIN_VALUE));
        for (Duration ttl : badTtls) {
            String input = "ttl " + ttl;
            rows.add(rejects(
                    "renew",
                    input,
                    IllegalArgumentException.class,
                    f -> f.storage.renew(f.held.lease().id(), ttl),
                    "ttl",
                    ttl.toString()));
            rows.add(rejects(
                    "renew of an unknown lease",
                    input,
                    IllegalArgumentException.class,
                    f -> f.storage.renew(UUID.randomUUID(), ttl),
                    "ttl",
                    ttl.toString()));
            rows.add(rejects(
                    "ProxyManager.renew",
                    input,
                    IllegalArgumentException.class,
                    f -> f.manager.renew(f.held.lease(), ttl),
                    "ttl",
                    ttl.toString()));
        }
        for (Duration wait :
                List.of(Duration.ofNanos(-1), Duration.ofSeconds(-3), Duration.ofSeconds(Long.MIN_VALUE))) {
            rows.add(rejects(
                    "ProxyManager.acquire(request, wait)",
                    "maxWait " + wait,
                    IllegalArgumentException.class,
                    f -> f.manager.acquire(f.request().build(), wait),
                    "maxWait",
                    wait.toString()));
        }
        UUID unknownProxy = UUID.randomUUID();
        rows.add(rejects(
                "applyHealthCheckResult",
                "unknown proxy",
                ProxyNotFoundException.class,
                f -> f.storage.applyHealthCheckResult(f.healthy(unknownProxy)),
                unknownProxy.toString()));
        rows.add(rejects(
                "ProxyManager.applyHealthCheckResult",
                "unknown proxy",
                ProxyNotFoundException.class,
                f -> f.manager.applyHealthCheckResult(f.healthy(unknownProxy)),
                unknownProxy.toString()));
        return run(rows);
    }

    // ------------------------------------------------------------------ rows: filters

    @TestFactory
    Stream<DynamicTest> impossible_filters_lease_nothing() {
        List<Row> rows = new ArrayList<>();
        // impossible but valid filters: an empty result, and nothing changes (the consumer exists)
        for (String value : List.of("%", "_", "D%", "d_", "' OR '1'='1", "\\", "*")) {
            rows.add(absent(
                    "acquire",
                    "country " + value,
                    f -> f.storage.acquire(
                            f.request().filter(ProxyFilters.country(value)).build())));
            rows.add(absent(
                    "acquire",
                    "city " + value,
                    f -> f.storage.acquire(
                            f.request().filter(ProxyFilters.city(value)).build())));
        }
        rows.add(absent(
                "acquire",
                "city 'berlin' (case differs)",
                f -> f.storage.acquire(
                        f.request().filter(ProxyFilters.city("berlin")).build())));
        rows.add(absent(
                "acquire",
                "anyOf() (matches nothing)",
                f -> f.storage.acquire(f.request().filter(ProxyFilters.anyOf()).build())));
        rows.add(absent(
                "acquire",
                "within 1 km of the antipode",
                f -> f.storage.acquire(f.request()
                        .filter(ProxyFilters.within(-52.52, -166.6, 1))
                        .build())));
        rows.add(absent(
                "acquire",
                "1,000 cities and a Java predicate, none matching",
                f -> f.storage.acquire(f.request()
                        .filter(Wide.anyOf(
                                Wide.CITIES_9_999.subList(0, 999), ProxyFilters.matching("never", p -> false)))
                        .build())));
        rows.add(absent(
                "acquire",
                "the widest accepted geo tree (MAX_GEO_CLAUSES radii), matching nothing",
                f -> f.storage.acquire(f.request()
                        .filter(Wide.anyOf(Wide.FAR_RADII, ProxyFilters.within(-52.52, -166.6, 1)))
                        .build())));
        rows.add(rejects(
                "acquire",
                "a geo tree one radius wider than MAX_GEO_CLAUSES (refused while building the filter)",
                IllegalArgumentException.class,
                f -> f.storage.acquire(f.request()
                        .filter(Wide.anyOf(Wide.FAR_RADII, ProxyFilters.noneOf(Wide.FAR_RADII.subList(0, 2))))
                        .build()),
                String.valueOf(ProxyFilter.MAX_GEO_CLAUSES + 1),
                String.valueOf(ProxyFilter.MAX_GEO_CLAUSES)));
        rows.add(absent(
                "acquire",
                "the deepest tree, 64 levels, matching nothing",
                f -> f.storage.acquire(f.request()
                        .filter(deepTree(ProxyFilter.MAX_DEPTH))
                        .strategy(SelectorStrategy.LEAST_USED)
                        .build())));
        return run(rows);
    }

    /**
     * The wide trees, built once per JVM: the catalogue runs for every adapter. The widest
     * accepted tree is built of string leaves, each one bind value in SQL: that is the most bind
     * values a tree can need once numeric leaves are inlined, as the shipped adapters do. Geo
     * leaves are capped lower ({@link ProxyFilter#MAX_GEO_CLAUSES}), because a database tests
     * each of them on every candidate row; the widest accepted geo tree is exercised too.
     */
    static final class Wide {
        /** 9,999 leaves under one anyOf: the most clauses a tree may hold. */
        static final List<ProxyFilter> CITIES_9_999 = IntStream.range(0, ProxyFilter.MAX_CLAUSES - 1)
                .mapToObj(i -> ProxyFilters.city("nowhere-" + i))
                .toList();
        /** One geo radius fewer than the cap, near the south pole, far from every proxy. */
        static final List<ProxyFilter> FAR_RADII = IntStream.range(0, ProxyFilter.MAX_GEO_CLAUSES - 1)
                .mapToObj(i -> ProxyFilters.within(-80 + (i % 100) * 0.001, -170 + (i / 100) * 0.01, 1))
                .toList();

        /** An anyOf of {@code leaves} and {@code last}. */
        static ProxyFilter anyOf(List<ProxyFilter> leaves, ProxyFilter last) {
            return ProxyFilters.anyOf(
                    Stream.concat(leaves.stream(), Stream.of(last)).toList());
        }

        private Wide() {}
    }

    // ------------------------------------------------------------------ rows: pacing

    @TestFactory
    Stream<DynamicTest> bad_pacing_intervals_and_unknown_pools_are_rejected_by_name() {
        List<Row> rows = new ArrayList<>();
        List<Duration> badIntervals = List.of(
                Duration.ZERO,
                Duration.ofMillis(-1),
                Duration.ofNanos(500_000),
                Duration.ofMillis(1).plusNanos(1),
                Pacing.MAX_MIN_GRANT_INTERVAL.plusMillis(1),
                Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
                Duration.ofSeconds(Long.MIN_VALUE));
        for (Duration interval : badIntervals) {
            String input = "interval " + interval;
            rows.add(rejects(
                    "setDefaultMinGrantInterval",
                    input,
                    IllegalArgumentException.class,
                    f -> f.storage.setDefaultMinGrantInterval(f.pool.name(), interval),
                    "interval",
                    interval.toString()));
            rows.add(rejects(
                    "addProxy",
                    "minGrantInterval " + interval,
                    IllegalArgumentException.class,
                    f -> f.storage.addProxy(
                            f.newProxy().minGrantInterval(interval).build()),
                    "minGrantInterval",
                    interval.toString()));
            rows.add(rejects(
                    "updateProxy",
                    "minGrantInterval " + interval,
                    IllegalArgumentException.class,
                    f -> f.storage.updateProxy(
                            f.free.toBuilder().minGrantInterval(interval).build()),
                    "minGrantInterval",
                    interval.toString()));
        }
        rows.add(rejects(
                "setDefaultMinGrantInterval",
                "pool name null",
                NullPointerException.class,
                f -> f.storage.setDefaultMinGrantInterval(null, Duration.ofSeconds(1)),
                "name"));
        List<String[]> badNames = List.of(
                new String[] {"empty", "", "blank"},
                new String[] {"tab and newline", "\t\n", "blank"},
                new String[] {"256 characters", "p".repeat(256), "256"},
                new String[] {"NUL", NUL, "NUL"},
                new String[] {"a lone surrogate", LONE_SURROGATE, "surrogate"});
        for (String[] n : badNames) {
            String name = n[1];
            rows.add(rejects(
                    "setDefaultMinGrantInterval",
                    "pool name " + n[0],
                    IllegalArgumentException.class,
                    f -> f.storage.setDefaultMinGrantInterval(name, Duration.ofSeconds(1)),
                    "pool name",
                    n[2]));
        }
        for (String name : List.of("nowhere", "%", "' OR '1'='1")) {
            rows.add(rejects(
                    "setDefaultMinGrantInterval",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.storage.setDefaultMinGrantInterval(name, Duration.ofSeconds(1)),
                    name));
            rows.add(rejects(
                    "setDefaultMinGrantInterval",
                    "unknown pool " + name + ", clearing",
                    PoolNotFoundException.class,
                    f -> f.storage.setDefaultMinGrantInterval(name, null),
                    name));
        }
        return run(rows);
    }

    // ------------------------------------------------------------------ rows: unknown and foreign things

    @TestFactory
    Stream<DynamicTest> unknown_and_foreign_things_are_named_errors_or_empty_results() {
        List<Row> rows = new ArrayList<>();
        for (String name : List.of("nowhere", "%", "_", "' OR '1'='1", "東京")) {
            rows.add(absent("findPool", "unknown name " + name, f -> f.storage.findPool(name)));
            rows.add(rejects(
                    "listProxies",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.storage.listProxies(name),
                    name));
            rows.add(rejects(
                    "activeLeasesInPool",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.storage.activeLeasesInPool(name),
                    name));
            rows.add(rejects(
                    "poolStats",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.storage.poolStats(name),
                    name));
            rows.add(rejects(
                    "findAvailable",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.storage.findAvailable(AcquireRequest.forPool(name).build(), 1),
                    name));
            rows.add(rejects(
                    "acquire",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.storage.acquire(AcquireRequest.forPool(name).build()),
                    name));
            rows.add(rejects(
                    "ProxyManager.acquire(String)",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.manager.acquire(name),
                    name));
            rows.add(rejects(
                    "ProxyManager.acquire(request, wait)",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.manager.acquire(AcquireRequest.forPool(name).build(), Duration.ofSeconds(Long.MAX_VALUE)),
                    name));
            rows.add(rejects(
                    "ProxyManager.withLease",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.manager.withLease(AcquireRequest.forPool(name).build(), leased -> "work"),
                    name));
            rows.add(rejects(
                    "ProxyManager.acquire(request, retry)",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.manager.acquire(
                            AcquireRequest.forPool(name).build(),
                            RetryPolicy.defaults().withRetryOn(e -> true)),
                    name));
            rows.add(rejects(
                    "ProxyManager.withLease(request, maxWait, work)",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.manager.withLease(
                            AcquireRequest.forPool(name).build(), Duration.ofDays(1), leased -> "work"),
                    name));
            rows.add(rejects(
                    "ProxyManager.lease(request, retry)",
                    "unknown pool " + name,
                    PoolNotFoundException.class,
                    f -> f.manager.lease(AcquireRequest.forPool(name).build(), RetryPolicy.defaults()),
                    name));
        }
        UUID unknownLease = UUID.randomUUID();
        rows.add(absent("findLease", "unknown id", f -> f.storage.findLease(unknownLease)));
        rows.add(rejects(
                "release",
                "unknown id",
                LeaseNotFoundException.class,
                f -> f.storage.release(unknownLease),
                unknownLease.toString()));
        rows.add(rejects(
                "renew",
                "unknown id",
                LeaseNotFoundException.class,
                f -> f.storage.renew(unknownLease, Duration.ofMinutes(1)),
                unknownLease.toString()));
        rows.add(rejects(
                "ProxyManager.release",
                "a lease with an unknown id",
                LeaseNotFoundException.class,
                f -> f.manager.release(f.unknownLease(unknownLease)),
                unknownLease.toString()));
        rows.add(rejects(
                "ProxyManager.renew",
                "a lease with an unknown id",
                LeaseNotFoundException.class,
                f -> f.manager.renew(f.unknownLease(unknownLease), Duration.ofMinutes(1)),
                unknownLease.toString()));
        rows.add(absent("release", "an already released lease", f -> f.storage.release(f.released.id())));
        rows.add(absent("ProxyManager.release", "an already released lease", f -> f.manager.release(f.released)));
        rows.add(absent(
                "renew", "an already released lease", f -> f.storage.renew(f.released.id(), Duration.ofMinutes(1))));
        rows.add(rejectsNaming(
                "ProxyManager.renew",
                "an already released lease",
                LeaseNotActiveException.class,
                f -> f.manager.renew(f.released, Duration.ofMinutes(1)),
                f -> f.released.id() + " is RELEASED"));
        rows.add(rejects(
                "report",
                "unknown lease id",
                LeaseNotFoundException.class,
                f -> f.storage.report(unknownLease, 1, FAILURE, OutcomePolicy.defaults()),
                unknownLease.toString()));
        rows.add(rejects(
                "ProxyManager.report",
                "a lease with an unknown id",
                LeaseNotFoundException.class,
                f -> f.manager.report(f.unknownLease(unknownLease), FAILURE),
                unknownLease.toString()));
        rows.add(rejectsNaming(
                "report",
                "an already released lease",
                StaleLeaseException.class,
                f -> f.storage.report(f.released.id(), f.released.fencingToken(), FAILURE, OutcomePolicy.defaults()),
                f -> f.released.id()));
        rows.add(rejectsNaming(
                "ProxyManager.report",
                "an already released lease",
                StaleLeaseException.class,
                f -> f.manager.report(f.released, Outcome.targetBlocked("shop.example")),
                f -> f.released.id()));
        rows.add(rejectsNaming(
                "report",
                "an active lease with another fencing token",
                StaleLeaseException.class,
                f -> f.storage.report(
                        f.held.lease().id(), f.held.lease().fencingToken() + 1, FAILURE, OutcomePolicy.defaults()),
                f -> f.held.lease().id()));
        rows.add(absent("standing", "unknown proxy id", f -> f.storage.standing(UUID.randomUUID())));
        rows.add(absent("bans", "unknown proxy id", f -> f.storage.bans(UUID.randomUUID())));
        rows.add(rejects(
                "applyHealthCheckResult(result, policy)",
                "unknown proxy id",
                ProxyNotFoundException.class,
                f -> f.storage.applyHealthCheckResult(f.healthy(unknownLease), OutcomePolicy.defaults()),
                unknownLease.toString()));
        for (String[] t : List.of(
                new String[] {"empty", ""},
                new String[] {"blank", " \t "},
                new String[] {"254 characters", "h".repeat(Outcome.MAX_TARGET_LENGTH + 1)},
                new String[] {"with a space inside", "shop example"})) {
            rows.add(rejects(
                    "AcquireRequest.Builder.forTarget",
                    "target " + t[0],
                    IllegalArgumentException.class,
                    f -> f.request().forTarget(t[1]),
                    "target",
                    "'" + t[1] + "'"));
            rows.add(rejects(
                    "Outcome.targetBlocked (so report)",
                    "target " + t[0],
                    IllegalArgumentException.class,
                    f -> Outcome.targetBlocked(t[1]),
                    "target",
                    "'" + t[1] + "'"));
        }
        rows.add(absent(
                "acquire",
                "a predicate that only the full proxy passes",
                f -> f.storage.acquire(f.request()
                        .filter(ProxyFilters.matching("the busy proxy", p -> p.id().equals(f.busy.id())))
                        .build())));
        return run(rows);
    }

    // ------------------------------------------------------------------ hostile but valid values

    // ------------------------------------------------------------------ rows: sticky sessions

    @TestFactory
    Stream<DynamicTest> bad_sessions_are_rejected_naming_the_value() {
        List<Row> rows = new ArrayList<>();
        List<String[]> keys = List.of(
                new String[] {"empty", "", "blank"},
                new String[] {"a space", " ", "blank"},
                new String[] {"256 characters", "k".repeat(256), "256"},
                new String[] {"NUL", NUL, "NUL"},
                new String[] {"a lone surrogate", LONE_SURROGATE, "surrogate"});
        for (String[] k : keys) {
            String label = k[0];
            String key = k[1];
            String mention = k[2];
            rows.add(rejects(
                    "AcquireRequest.Builder.session",
                    "session key " + label,
                    IllegalArgumentException.class,
                    f -> f.request().session(key),
                    "session key",
                    mention));
            rows.add(rejects(
                    "findSession",
                    "session key " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.findSession(f.pool.name(), key),
                    "session key",
                    mention));
            rows.add(rejects(
                    "endSession",
                    "session key " + label,
                    IllegalArgumentException.class,
                    f -> f.storage.endSession(f.pool.name(), key),
                    "session key",
                    mention));
        }
        rows.add(rejects(
                "StickySession.of",
                "key null",
                NullPointerException.class,
                f -> StickySession.of(null),
                "session key"));
        rows.add(rejects(
                "findSession",
                "key null",
                NullPointerException.class,
                f -> f.storage.findSession(f.pool.name(), null),
                "session key"));
        rows.add(rejects(
                "AcquireRequest.Builder.session",
                "session null",
                NullPointerException.class,
                f -> f.request().session((StickySession) null),
                "session"));
        for (Duration idle : List.of(Duration.ZERO, Duration.ofNanos(999), Duration.ofMillis(-1), Duration.ofDays(8))) {
            rows.add(rejects(
                    "StickySession.withIdleTimeout",
                    "idle timeout " + idle,
                    IllegalArgumentException.class,
                    f -> StickySession.of("s").withIdleTimeout(idle),
                    "idleTimeout",
                    idle.truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString()));
        }
        rows.add(rejects(
                "StickySession.withIdleTimeout",
                "idle timeout null",
                NullPointerException.class,
                f -> StickySession.of("s").withIdleTimeout(null),
                "idleTimeout"));
        for (int uses : new int[] {0, -1, Integer.MIN_VALUE}) {
            rows.add(rejects(
                    "StickySession.withMaxUses",
                    "max uses " + uses,
                    IllegalArgumentException.class,
                    f -> StickySession.of("s").withMaxUses(uses),
                    "maxUses",
                    String.valueOf(uses)));
        }
        rows.add(rejects(
                "AcquireRequest.Builder.build",
                "a session and an idempotency key",
                IllegalArgumentException.class,
                f -> f.request()
                        .session("checkout-1")
                        .idempotencyKey(new UUID(7, 7))
                        .build(),
                "checkout-1",
                new UUID(7, 7).toString()));
        rows.add(rejects(
                "findSession",
                "an unknown pool",
                PoolNotFoundException.class,
                f -> f.storage.findSession("no-such-pool-" + uniqueName("p"), "s"),
                "no-such-pool-"));
        rows.add(rejects(
                "endSession",
                "an unknown pool",
                PoolNotFoundException.class,
                f -> f.storage.endSession("no-such-pool-" + uniqueName("p"), "s"),
                "no-such-pool-"));
        rows.add(absent("findSession", "a key never used", f -> f.storage.findSession(f.pool.name(), "never-used")));
        rows.add(absent("endSession", "a key never used", f -> f.storage.endSession(f.pool.name(), "never-used")));
        return run(rows);
    }

    @Test
    void hostile_text_round_trips_exactly_and_matches_only_itself() {
        ProxyPool decoyPool = seedPool();
        Proxy decoy = seedProxy(
                decoyPool, b -> b.unlimited().country("DE").city("Berlin").source("list"));
        for (String text : HOSTILE_TEXT) {
            String name = text.length() > 200 ? text.substring(0, 200) : text;
            String poolName = name + uniqueName("");
            ProxyPool pool = storage().createPool(poolName, text);
            assertThat(pool.name()).isEqualTo(poolName);
            assertThat(pool.description()).isEqualTo(text);
            assertThat(storage().findPool(poolName))
                    .as("pool named %s", poolName)
                    .contains(pool);
            assertThat(storage().findPool(name))
                    .as("the bare %s must not find %s", name, poolName)
                    .isEmpty();
            Consumer consumer = storage().ensureConsumer(poolName);
            assertThat(consumer.name()).isEqualTo(poolName);

            Proxy proxy = storage()
                    .addProxy(proxyIn(pool)
                            .host(name.replaceAll("\\s", "") + "h")
                            .unlimited()
                            .country(text)
                            .city(text)
                            .source(text)
                            .credentials(name, text)
                            .build());
            assertThat(proxy.city()).contains(text);
            assertThat(proxy.country()).contains(text.toUpperCase(Locale.ROOT));
            assertThat(storage().findProxy(proxy.id()))
                    .as("proxy tagged %s", name)
                    .contains(proxy);
            assertThat(storage().listProxies(poolName)).containsExactly(proxy);

            List<ProxyFilter> each =
                    List.of(ProxyFilters.country(text), ProxyFilters.city(text), ProxyFilters.source(text));
            LeasedProxy leased = storage()
                    .acquire(AcquireRequest.forPool(poolName)
                            .consumer(poolName)
                            .filter(ProxyFilters.allOf(each))
                            .build())
                    .orElseThrow(() -> new AssertionError("country, city and source " + name + " found nothing"));
            assertThat(leased.proxy().id()).isEqualTo(proxy.id());
            assertThat(leased.lease().consumerId()).isEqualTo(consumer.id());
            assertThat(storage().release(leased.lease().id())).isTrue();
            assertThat(acquire(decoyPool, ProxyFilters.anyOf(each)))
                    .as("any tag %s in the decoy pool", name)
                    .isEmpty();
        }
        assertThat(counter(decoy)).isZero();
    }

    @Test
    void sub_microsecond_times_and_latencies_read_back_alike_in_every_adapter() {
        ProxyPool pool = seedPool();
        Instant checked = Instant.parse("2026-01-02T03:04:05.123456789Z");
        Proxy proxy = proxyIn(pool)
                .lastCheckedAt(checked)
                .lastLatency(Duration.ofNanos(1_234_567_891))
                .build();

        Proxy stored = storage().addProxy(proxy);
        Proxy afterCheck = storage()
                .applyHealthCheckResult(
                        HealthCheckResult.healthy(proxy.id(), Duration.ofNanos(987_654_321), checked.plusNanos(1)));

        assertThat(stored).isEqualTo(proxy);
        assertThat(afterCheck.lastCheckedAt())
                .contains(HealthCheckResult.healthy(proxy.id(), Duration.ZERO, checked.plusNanos(1))
                        .checkedAt());
        assertThat(afterCheck.lastLatency())
                .contains(HealthCheckResult.healthy(proxy.id(), Duration.ofNanos(987_654_321), checked)
                        .latency()
                        .orElseThrow());
        assertThat(storage().findProxy(proxy.id())).contains(afterCheck);
    }

    @Test
    void the_widest_accepted_tree_and_the_widest_accepted_geo_tree_lease_what_they_match() {
        ProxyPool pool = seedPool();
        Proxy berlin = seedProxy(pool, b -> b.location(52.52, 13.40).city("nowhere-9998"));
        ProxyFilter geo = Wide.anyOf(Wide.FAR_RADII, ProxyFilters.within(52.5, 13.4, 10));
        assertThat(geo.geoClauses()).isEqualTo(ProxyFilter.MAX_GEO_CLAUSES);

        LeasedProxy byCity =
                acquire(pool, ProxyFilters.anyOf(Wide.CITIES_9_999)).orElseThrow();
        assertThat(byCity.proxy().id()).isEqualTo(berlin.id());
        assertThat(storage().release(byCity.lease().id())).isTrue();
        LeasedProxy byRadius = acquire(pool, geo).orElseThrow();
        assertThat(byRadius.proxy().id()).isEqualTo(berlin.id());
        assertInvariant(pool);
    }

    @Test
    void a_wait_of_long_max_seconds_is_no_overflow() throws InterruptedException {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);

        Optional<LeasedProxy> leased =
                manager().acquire(request(pool).build(), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));

        assertThat(leased.map(l -> l.proxy().id())).contains(proxy.id());
    }

    @Test
    void releasing_a_foreign_lease_frees_its_own_slot_and_no_other() {
        ProxyManager manager = manager();
        ProxyPool mine = seedPool();
        ProxyPool theirs = seedPool();
        Proxy myProxy = seedProxy(mine);
        Proxy theirProxy = seedProxy(theirs);
        LeasedProxy myLease = storage()
                .acquire(request(mine).consumer(uniqueName("me")).build())
                .orElseThrow();
        LeasedProxy theirLease = storage()
                .acquire(request(theirs).consumer(uniqueName("them")).build())
                .orElseThrow();
        // a lease object that carries their lease's id but claims my proxy and pool: the id decides
        Lease forged = new Lease(
                theirLease.lease().id(),
                mine.id(),
                myProxy.id(),
                myLease.lease().consumerId(),
                LeaseStatus.ACTIVE,
                myLease.lease().acquiredAt(),
                myLease.lease().expiresAt(),
                null);

        assertThat(manager.release(forged)).isTrue();

        assertThat(counter(theirProxy)).isZero();
        assertThat(counter(myProxy)).isEqualTo(1);
        assertThat(storage().activeLeasesInPool(mine.name())).containsExactly(myLease.lease());
        assertThat(storage().findLease(theirLease.lease().id()).map(Lease::status))
                .contains(LeaseStatus.RELEASED);
        assertThat(manager.release(forged)).isFalse();
        assertThat(manager.release(theirLease)).isFalse();
        assertThat(counter(myProxy)).isEqualTo(1);
        assertInvariant(mine);
        assertInvariant(theirs);
    }
}
