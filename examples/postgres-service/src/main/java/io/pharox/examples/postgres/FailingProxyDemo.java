package io.pharox.examples.postgres;

import io.pharox.LeaseHandle;
import io.pharox.ProxyManager;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.FailureReason;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStanding;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;

/**
 * After the load: one proxy fails every request; the workers' reports open its circuit in the
 * store, so no process leases it, until its cooldown ends and one probe brings it back.
 */
final class FailingProxyDemo {

    /** Failures in a row that open a circuit. */
    static final int THRESHOLD = 3;
    /** How long an opened circuit keeps the proxy out of rotation. */
    static final Duration COOLDOWN = Duration.ofSeconds(1);
    /** The service's outcome policy. */
    static final OutcomePolicy POLICY =
            OutcomePolicy.defaults().withFailureThreshold(THRESHOLD).withCooldown(COOLDOWN, Duration.ofSeconds(30));

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final ProxyManager manager;
    private final ProxyStorage storage;

    @Inject
    FailingProxyDemo(ProxyManager manager, ProxyStorage storage) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /** Runs the demo on the first proxy of {@code pool}, printing to {@code out}. */
    void run(String pool, PrintStream out) throws InterruptedException {
        Proxy flaky = storage.listProxies(pool).get(0);
        AcquireRequest onlyFlaky = manager.request(pool)
                .filter(ProxyFilters.matching("proxy " + flaky.address(), p -> p.id().equals(flaky.id())))
                .build();
        out.println();
        out.println("A failing proxy: " + flaky.address() + " of pool " + pool + " times out on every request");
        for (int i = 1; i <= THRESHOLD; i++) {
            // waits: a lease the load forgot may still hold it for up to a second
            try (LeaseHandle lease = manager.lease(onlyFlaky, WAIT)) {
                ProxyStanding standing = lease.failed(FailureReason.TIMEOUT);
                out.println("  report " + i + ": TIMEOUT -> circuit " + standing.circuit());
            }
        }
        out.println("  acquire while open -> " + (grantable(onlyFlaky) ? "granted" : "no proxy (out of rotation)"));
        Thread.sleep(COOLDOWN.toMillis() + 100);
        out.println("  after the " + COOLDOWN.toSeconds() + " s cooldown -> circuit "
                + storage.standing(flaky.id()).orElseThrow().circuit());
        try (LeaseHandle probe = manager.lease(onlyFlaky, WAIT)) {
            out.println("  one probe leased; another acquire meanwhile -> "
                    + (grantable(onlyFlaky) ? "granted" : "no proxy (one probe at a time, in every process)"));
            out.println("  the probe succeeded -> circuit "
                    + probe.succeeded(Duration.ofMillis(120)).circuit());
        }
        out.println("  acquire now -> " + (grantable(onlyFlaky) ? "granted (back in rotation)" : "no proxy"));
    }

    private boolean grantable(AcquireRequest request) {
        return manager.withLease(request, leased -> Boolean.TRUE).orElse(Boolean.FALSE);
    }
}
