package io.pharox.testkit;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Base of the contract's concept groups: gives each group the fixtures of the
 * {@link ProxyStorageContract} it runs in, so the groups read like plain tests.
 */
abstract class ContractGroup {

    final ProxyStorageContract kit;

    ContractGroup(ProxyStorageContract kit) {
        this.kit = kit;
    }

    ProxyStorage storage() {
        return kit.storage();
    }

    ProxyPool seedPool() {
        return kit.seedPool();
    }

    Proxy seedProxy(ProxyPool pool) {
        return kit.seedProxy(pool);
    }

    Proxy seedProxy(ProxyPool pool, UnaryOperator<Proxy.Builder> customize) {
        return kit.seedProxy(pool, customize);
    }

    Proxy.Builder proxyIn(ProxyPool pool) {
        return kit.proxyIn(pool);
    }

    String uniqueName(String prefix) {
        return kit.uniqueName(prefix);
    }

    AcquireRequest.Builder request(ProxyPool pool) {
        return kit.request(pool);
    }

    Optional<LeasedProxy> acquire(ProxyPool pool) {
        return kit.acquire(pool);
    }

    Optional<LeasedProxy> acquire(ProxyPool pool, SelectorStrategy strategy) {
        return kit.acquire(pool, strategy);
    }

    Optional<LeasedProxy> acquire(ProxyPool pool, ProxyFilter filter) {
        return kit.acquire(pool, filter);
    }

    LeasedProxy acquireShort(ProxyPool pool) {
        return kit.acquireShort(pool);
    }

    UUID leaseOne(ProxyPool pool, SelectorStrategy strategy) {
        return kit.leaseOne(pool, strategy);
    }

    int counter(Proxy proxy) {
        return kit.counter(proxy);
    }

    void assertInvariant(ProxyPool pool) {
        kit.assertInvariant(pool);
    }

    void advancePast(Instant instant) {
        kit.advancePast(instant);
    }

    Duration shortTtl() {
        return kit.shortTtl();
    }

    /** A filter that matches {@code proxy} only (a predicate: adapters evaluate it in Java). */
    static ProxyFilter only(Proxy proxy) {
        UUID id = proxy.id();
        return ProxyFilters.matching("proxy " + id, p -> p.id().equals(id));
    }

    /** Acquires a lease on {@code proxy} of {@code pool}, or fails the test. */
    LeasedProxy leaseOf(ProxyPool pool, Proxy proxy) {
        return storage()
                .acquire(request(pool).filter(only(proxy)).build())
                .orElseThrow(() -> new AssertionError("proxy " + proxy.id() + " could not be leased"));
    }

    /** Reports {@code outcome} on {@code leased}'s lease with its own fencing token. */
    ProxyStanding report(LeasedProxy leased, Outcome outcome, OutcomePolicy policy) {
        return storage().report(leased.lease().id(), leased.lease().fencingToken(), outcome, policy);
    }

    /** The proxy's standing now, or fails the test. */
    ProxyStanding standing(Proxy proxy) {
        return storage()
                .standing(proxy.id())
                .orElseThrow(() -> new AssertionError("no standing for proxy " + proxy.id()));
    }
}
