package io.pharox.examples.quickstart;

import io.pharox.LeaseHandle;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.ExpiredEvent;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStanding;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.StickySession;
import io.pharox.storage.memory.InMemoryStorage;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * A walk-through of Pharox on the in-memory storage: a pool of tagged proxies, filters,
 * every strategy, shared and exclusive proxies, waiting on a full pool, health checks,
 * expiry, outcome reports (circuit breaker, target bans, fencing tokens), and sticky sessions. Run it with {@code mvn -q -B -pl examples/quickstart -am -DskipTests -Pquickstart verify}
 * (see the README) and read what it prints.
 */
public final class Quickstart {

    private static final Duration COOLDOWN = Duration.ofMillis(200);

    private final PrintStream out;
    private final ProxyStorage storage = new InMemoryStorage();
    private final ProxyManager manager;
    private ProxyPool pool;

    Quickstart(PrintStream out) {
        this.out = out;
        this.manager = ProxyManager.builder(storage)
                .defaultConsumer("quickstart")
                .defaultTtl(Duration.ofMinutes(1))
                // 3 failures in a row open a proxy's circuit for 200 ms (doubling on each re-opening)
                .outcomePolicy(
                        OutcomePolicy.defaults().withFailureThreshold(3).withCooldown(COOLDOWN, Duration.ofSeconds(2)))
                .listener(new LeaseListener() {
                    @Override
                    public void onExpired(ExpiredEvent event) {
                        out.println("   listener: lease " + shortId(event.lease()) + " of pool " + event.poolName()
                                + " expired without a release");
                    }
                })
                .build();
    }

    /** Runs the walk-through, printing to standard output. */
    public static void main(String[] args) throws InterruptedException {
        new Quickstart(System.out).run();
    }

    void run() throws InterruptedException {
        seed();
        filters();
        strategies();
        sharedAndExclusive();
        waitingOnAFullPool();
        healthChecks();
        expiry();
        outcomes();
        stickySessions();
        out.println();
        out.println("Done: every lease was released or expired; "
                + storage.activeLeasesInPool("demo").size() + " leases are active.");
    }

    private void seed() {
        section("1. A pool of proxies");
        pool = storage.createPool("demo", "proxies for the quickstart");
        add(b -> b.address("10.0.0.1", 8080)
                .country("US")
                .city("New York")
                .asn(7922)
                .location(40.71, -74.00));
        add(b -> b.address("10.0.0.2", 8080)
                .country("US")
                .city("Chicago")
                .asn(7018)
                .location(41.88, -87.63));
        add(b -> b.address("10.0.0.3", 3128)
                .country("DE")
                .city("Berlin")
                .asn(3320)
                .location(52.52, 13.40)
                .shared(3));
        add(b -> b.address("10.0.0.4", 1080)
                .protocol(ProxyProtocol.SOCKS5)
                .credentials("alice", "s3cret")
                .country("FR")
                .city("Paris")
                .asn(3215)
                .location(48.86, 2.35));
        add(b -> b.address("10.0.0.5", 8080)
                .country("CA")
                .city("Toronto")
                .asn(812)
                .location(43.65, -79.38)
                .unlimited());
        storage.listProxies("demo").forEach(p -> out.println("   " + describe(p)));
        out.println("   (the SOCKS5 proxy has a password: toString never shows it)");
    }

    private void filters() {
        section("2. Filters choose which proxies qualify");
        show("country US", ProxyFilters.country("US"));
        show("any of DE, FR", ProxyFilters.countryIn("DE", "FR"));
        show("within 1000 km of Paris", ProxyFilters.within(48.86, 2.35, 1000));
        show(
                "US or CA, but not ASN 7922",
                ProxyFilters.allOf(ProxyFilters.countryIn("US", "CA"), ProxyFilters.noneOf(ProxyFilters.asn(7922))));
        show("a Java predicate: port 1080", ProxyFilters.matching("port 1080", p -> p.port() == 1080));
        show("country JP (nothing matches: an empty result, not an error)", ProxyFilters.country("JP"));
    }

    private void show(String label, ProxyFilter filter) {
        Optional<LeasedProxy> leased =
                manager.acquire(manager.request("demo").filter(filter).build());
        out.println(
                "   " + label + " -> " + leased.map(l -> describe(l.proxy())).orElse("no proxy"));
        leased.ifPresent(manager::release);
    }

    private void strategies() {
        section("3. Strategies choose among qualifying proxies");
        for (SelectorStrategy strategy : SelectorStrategy.values()) {
            List<String> picks = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                LeasedProxy leased = manager.acquire(
                                manager.request("demo").strategy(strategy).build())
                        .orElseThrow();
                picks.add(leased.proxy().host());
                if (strategy != SelectorStrategy.LEAST_USED) {
                    manager.release(leased);
                }
            }
            out.println("   " + String.format("%-16s", strategy) + String.join(" ", picks));
            storage.activeLeasesInPool("demo").forEach(manager::release);
        }
        out.println("   (LEAST_USED kept its leases, so each pick went to the emptiest proxy)");
    }

    private void sharedAndExclusive() {
        section("4. Exclusive, shared and unlimited proxies");
        ProxyFilter berlin = ProxyFilters.city("Berlin");
        List<LeasedProxy> held = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Optional<LeasedProxy> leased =
                    manager.acquire(manager.request("demo").filter(berlin).build());
            out.println("   Berlin (shared by 3), lease " + i + " -> "
                    + leased.map(l -> "granted, " + l.proxy().currentLeases() + "/3 in use")
                            .orElse("refused: full"));
            leased.ifPresent(held::add);
        }
        ProxyFilter newYork = ProxyFilters.city("New York");
        LeasedProxy first =
                manager.acquire(manager.request("demo").filter(newYork).build()).orElseThrow();
        boolean second =
                manager.acquire(manager.request("demo").filter(newYork).build()).isPresent();
        out.println("   New York (exclusive): first lease granted, second " + (second ? "granted" : "refused"));
        held.add(first);
        for (int i = 0; i < 50; i++) {
            held.add(manager.acquire(manager.request("demo")
                            .filter(ProxyFilters.city("Toronto"))
                            .build())
                    .orElseThrow());
        }
        out.println("   Toronto (unlimited): 50 leases granted, "
                + storage.activeLeases(held.get(held.size() - 1).proxy().id()).size() + " active");
        held.forEach(manager::release);
    }

    private void waitingOnAFullPool() throws InterruptedException {
        section("5. Waiting for a proxy to free up");
        AcquireRequest chicago =
                manager.request("demo").filter(ProxyFilters.city("Chicago")).build();
        LeasedProxy holder = manager.acquire(chicago).orElseThrow();
        Optional<LeasedProxy> none = manager.acquire(chicago, Duration.ofMillis(100));
        out.println("   Chicago is taken; waiting up to 100 ms -> "
                + (none.isPresent() ? "granted" : "nothing, as expected"));

        CountDownLatch waiting = new CountDownLatch(1);
        Thread releaser = new Thread(() -> {
            try {
                waiting.await();
                manager.release(holder);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        releaser.start();
        waiting.countDown();
        Instant start = Instant.now();
        Optional<LeasedProxy> got = manager.acquire(chicago, Duration.ofSeconds(10));
        out.println("   another thread releases it; waiting up to 10 s -> "
                + got.map(l -> "granted " + l.proxy().host()).orElse("nothing")
                + (Duration.between(start, Instant.now()).toSeconds() < 10 ? " (well before the timeout)" : ""));
        releaser.join();
        got.ifPresent(manager::release);
        String result = manager.withLease(
                        chicago, leased -> "used " + leased.proxy().address())
                .orElse("no proxy");
        out.println("   withLease: " + result + ", and released afterwards: "
                + storage.activeLeasesInPool("demo").isEmpty());
    }

    private void healthChecks() {
        section("6. Health checks take failing proxies out of rotation");
        Proxy paris = storage.listProxies("demo").stream()
                .filter(p -> p.city().orElse("").equals("Paris"))
                .findFirst()
                .orElseThrow();
        AcquireRequest socks = manager.request("demo")
                .filter(ProxyFilters.protocol(ProxyProtocol.SOCKS5))
                .build();
        manager.applyHealthCheckResult(
                HealthCheckResult.failed(paris.id(), HealthStatus.UNREACHABLE, "connection refused", Instant.now()));
        out.println("   Paris failed its check -> status "
                + storage.findProxy(paris.id()).orElseThrow().status() + ", SOCKS5 acquire -> "
                + (manager.acquire(socks).isPresent() ? "granted" : "no proxy"));
        manager.applyHealthCheckResult(HealthCheckResult.healthy(paris.id(), Duration.ofMillis(42), Instant.now()));
        Optional<LeasedProxy> back = manager.acquire(socks);
        out.println("   Paris recovered (42 ms) -> status "
                + storage.findProxy(paris.id()).orElseThrow().status() + ", SOCKS5 acquire -> "
                + back.map(l -> "granted").orElse("no proxy"));
        back.ifPresent(manager::release);
    }

    private void expiry() throws InterruptedException {
        section("7. Leases expire when nobody releases them");
        AcquireRequest brief = manager.request("demo")
                .filter(ProxyFilters.city("New York"))
                .ttl(Duration.ofMillis(50))
                .build();
        LeasedProxy forgotten = manager.acquire(brief).orElseThrow();
        out.println("   took New York for 50 ms and never released it");
        Thread.sleep(100);
        out.println("   after 100 ms New York is free again -> "
                + (manager.acquire(manager.request("demo")
                                .filter(ProxyFilters.city("New York"))
                                .build())
                        .map(l -> {
                            manager.release(l);
                            return "granted";
                        })
                        .orElse("still taken")));
        out.println("   the forgotten lease is now "
                + storage.findLease(forgotten.lease().id()).orElseThrow().status());
        int reclaimed = manager.cleanupExpiredLeases();
        out.println(
                "   cleanupExpiredLeases() reclaimed " + reclaimed + " lease(s) not already reclaimed by an acquire");
    }

    private void outcomes() throws InterruptedException {
        section("8. Outcome reports: a failing proxy leaves rotation and comes back after its cooldown");
        AcquireRequest toronto =
                manager.request("demo").filter(ProxyFilters.city("Toronto")).build();
        for (int i = 1; i <= 3; i++) {
            try (LeaseHandle lease = manager.lease(toronto)) {
                ProxyStanding standing = lease.failed(FailureReason.TIMEOUT);
                out.println("   request " + i + " through Toronto timed out (fencing token " + lease.fencingToken()
                        + ") -> circuit " + standing.circuit() + ", " + standing.consecutiveFailures()
                        + " failure(s) in a row");
            }
        }
        out.println("   Toronto acquire while the circuit is open -> "
                + (manager.acquire(toronto).isPresent() ? "granted" : "no proxy"));
        Thread.sleep(COOLDOWN.toMillis() + 50);
        UUID torontoId = storage.listProxies("demo").stream()
                .filter(p -> p.city().orElse("").equals("Toronto"))
                .findFirst()
                .orElseThrow()
                .id();
        out.println("   after the 200 ms cooldown -> circuit "
                + storage.standing(torontoId).orElseThrow().circuit());
        try (LeaseHandle probe = manager.lease(toronto)) {
            out.println("   one probe is leased; a second acquire meanwhile -> "
                    + (manager.acquire(toronto).isPresent() ? "granted" : "no proxy (one probe at a time)"));
            ProxyStanding standing = probe.succeeded(Duration.ofMillis(80));
            out.println("   the probe succeeded in 80 ms -> circuit " + standing.circuit());
        }
        out.println("   Toronto acquire now -> "
                + manager.withLease(toronto, leased -> "granted").orElse("no proxy"));

        try (LeaseHandle lease = manager.lease(toronto)) {
            lease.targetBlocked("shop.example");
        }
        AcquireRequest forShop = manager.request("demo")
                .filter(ProxyFilters.city("Toronto"))
                .forTarget("shop.example")
                .build();
        out.println("   shop.example blocked Toronto -> acquire for shop.example: "
                + manager.withLease(forShop, leased -> "granted").orElse("no proxy")
                + "; acquire for any other target: "
                + manager.withLease(toronto, leased -> "granted").orElse("no proxy"));
    }

    private void stickySessions() {
        section("9. Sticky sessions: one key, one proxy, until that proxy cannot be leased");
        StickySession checkout = StickySession.of("checkout-42").withIdleTimeout(Duration.ofMinutes(5));
        AcquireRequest sticky = manager.request("demo")
                .filter(ProxyFilters.country("US"))
                .strategy(SelectorStrategy.ROUND_ROBIN)
                .session(checkout)
                .build();
        AcquireRequest roundRobin = manager.request("demo")
                .filter(ProxyFilters.country("US"))
                .strategy(SelectorStrategy.ROUND_ROBIN)
                .build();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            kept.add(manager.withLease(sticky, Quickstart::bound).orElse("no proxy"));
        }
        out.println("   checkout-42, round robin: " + String.join(", ", kept));
        out.println("   round robin without a session: "
                + manager.withLease(roundRobin, l -> l.proxy().host()).orElse("no proxy") + ", "
                + manager.withLease(roundRobin, l -> l.proxy().host()).orElse("no proxy"));

        UUID bound = storage.findSession("demo", checkout.key()).orElseThrow().proxyId();
        String host = storage.findProxy(bound).orElseThrow().host();
        manager.applyHealthCheckResult(
                HealthCheckResult.failed(bound, HealthStatus.UNREACHABLE, "connection refused", Instant.now()));
        String rebound = manager.withLease(sticky, Quickstart::bound).orElse("no proxy");
        String after = manager.withLease(sticky, Quickstart::bound).orElse("no proxy");
        out.println("   " + host + " failed its health check -> checkout-42: " + rebound + ", then " + after);
        manager.applyHealthCheckResult(HealthCheckResult.healthy(bound, Duration.ofMillis(30), Instant.now()));
        out.println(
                "   (a session made with .waitForProxy() gets no proxy instead, so that a waiting acquire waits for "
                        + host + "; see docs/sessions.md)");
    }

    /** The leased proxy's host and how the session was bound: {@code 10.0.0.1 (KEPT)}. */
    private static String bound(LeasedProxy leased) {
        return leased.proxy().host() + " ("
                + leased.session().map(s -> s.state().name()).orElse("no session") + ")";
    }

    private void add(UnaryOperator<Proxy.Builder> spec) {
        storage.addProxy(spec.apply(Proxy.builder().poolId(pool.id())).build());
    }

    private void section(String title) {
        out.println();
        out.println(title);
    }

    private static String describe(Proxy p) {
        String capacity = p.isUnlimited()
                ? "unlimited"
                : p.maxConcurrency() == 1 ? "exclusive" : "shared by " + p.maxConcurrency();
        return String.format(
                "%-6s %-15s %-9s %-2s AS%-5d %s",
                p.protocol(),
                p.address(),
                p.city().orElse("-"),
                p.country().orElse("-"),
                p.asn().orElse(0),
                capacity);
    }

    private static String shortId(Lease lease) {
        return lease.id().toString().substring(0, 8);
    }
}
