package io.pharox.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.FailureReason;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Ids;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The indexes of {@code LOWEST_LATENCY} and {@code HEALTHIEST} follow the scores: after any
 * sequence of reports and health checks, the proxy an acquire chooses is the one a brute-force
 * choice over every proxy's standing names.
 */
class ScoreIndexTest {

    /** Smoothing 0.5, and a circuit that never opens: the brute force need not model the breaker. */
    private static final OutcomePolicy POLICY =
            OutcomePolicy.defaults().withSmoothing(0.5).withFailureThreshold(1000);

    private static final Comparator<ProxyStanding> BY_LATENCY = Comparator.comparing(
                    (ProxyStanding s) -> s.latency().orElse(null), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ProxyStanding::proxyId, Ids.ORDER);

    private static final Comparator<ProxyStanding> BY_HEALTH =
            Comparator.comparingDouble(ProxyStanding::successRate).reversed().thenComparing(BY_LATENCY);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryStorage storage = new InMemoryStorage(clock);
    private final ProxyPool pool = storage.createPool("p", "");

    private int added;

    private List<Proxy> seed(int count, Random random) {
        List<Proxy> seeded = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeded.add(add(random));
        }
        return seeded;
    }

    private Proxy add(Random random) {
        int i = added++;
        // some exclusive, some shared, so that full proxies are skipped as well
        return storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.0." + (i / 250) + "." + (i % 250), 8080)
                .shared(random.nextInt(3) + 1)
                .build());
    }

    /** The proxy a brute-force walk over every proxy's standing would choose, if any has room. */
    private Optional<UUID> bruteForce(SelectorStrategy strategy) {
        return storage.listProxies("p").stream()
                .filter(p -> p.hasCapacityFor(p.currentLeases()))
                .map(p -> storage.standing(p.id()).orElseThrow())
                .min(strategy == SelectorStrategy.HEALTHIEST ? BY_HEALTH : BY_LATENCY)
                .map(ProxyStanding::proxyId);
    }

    private Optional<LeasedProxy> acquire(SelectorStrategy strategy) {
        return storage.acquire(AcquireRequest.forPool("p")
                .strategy(strategy)
                .ttl(Duration.ofHours(1))
                .build());
    }

    /** Latencies from a few values, so that ties between proxies happen. */
    private static Duration latency(Random random) {
        return Duration.ofMillis(50L * (random.nextInt(8) + 1));
    }

    private void healthCheck(Proxy proxy, Random random) {
        HealthCheckResult result = random.nextInt(4) == 0
                ? HealthCheckResult.failed(proxy.id(), HealthStatus.UNREACHABLE, "refused", clock.instant())
                : HealthCheckResult.healthy(proxy.id(), latency(random), clock.instant());
        storage.applyHealthCheckResult(result, POLICY);
    }

    private void report(LeasedProxy leased, Random random) {
        Outcome outcome = switch (random.nextInt(4)) {
            case 0 -> Outcome.failure(FailureReason.TIMEOUT);
            case 1 -> Outcome.targetBlocked("example.com");
            default -> Outcome.success(latency(random));
        };
        storage.report(leased.lease().id(), leased.lease().fencingToken(), outcome, POLICY);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void every_acquire_chooses_what_a_brute_force_over_all_standings_chooses(long seed) {
        Random random = new Random(seed);
        List<Proxy> proxies = seed(40, random);
        List<LeasedProxy> held = new ArrayList<>();

        for (int step = 0; step < 2000; step++) {
            int op = random.nextInt(10);
            if (op < 3) {
                healthCheck(proxies.get(random.nextInt(proxies.size())), random);
            } else if (op == 3 && random.nextInt(4) == 0) {
                // a proxy leaves (ending its leases) and another comes: both indexes follow
                Proxy gone = proxies.remove(random.nextInt(proxies.size()));
                storage.removeProxy(gone.id());
                held.removeIf(l -> l.proxy().id().equals(gone.id()));
                proxies.add(add(random));
            } else if (op < 5 && !held.isEmpty()) {
                LeasedProxy leased = held.remove(random.nextInt(held.size()));
                storage.release(leased.lease().id());
            } else {
                SelectorStrategy strategy =
                        random.nextBoolean() ? SelectorStrategy.LOWEST_LATENCY : SelectorStrategy.HEALTHIEST;
                Optional<UUID> expected = bruteForce(strategy);
                Optional<LeasedProxy> leased = acquire(strategy);
                assertThat(leased.map(l -> l.proxy().id()))
                        .as("step %d, %s", step, strategy)
                        .isEqualTo(expected);
                if (leased.isPresent()) {
                    report(leased.get(), random);
                    if (random.nextInt(3) == 0) {
                        held.add(leased.get());
                    } else {
                        storage.release(leased.get().lease().id());
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void after_concurrent_reports_and_checks_a_drain_takes_the_proxies_in_brute_force_order(long seed)
            throws Exception {
        List<Proxy> proxies = seed(60, new Random(seed));
        // both indexes exist before the concurrent changes begin, so they are moved, not built
        acquire(SelectorStrategy.LOWEST_LATENCY)
                .ifPresent(l -> storage.release(l.lease().id()));
        acquire(SelectorStrategy.HEALTHIEST)
                .ifPresent(l -> storage.release(l.lease().id()));

        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Random random = new Random(seed * 31 + t);
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 3000; i++) {
                        if (random.nextBoolean()) {
                            healthCheck(proxies.get(random.nextInt(proxies.size())), random);
                        } else {
                            SelectorStrategy strategy = random.nextBoolean()
                                    ? SelectorStrategy.LOWEST_LATENCY
                                    : SelectorStrategy.HEALTHIEST;
                            acquire(strategy).ifPresent(leased -> {
                                report(leased, random);
                                storage.release(leased.lease().id());
                            });
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        // every proxy leasable again, with its scores as the concurrent changes left them
        Random random = new Random(seed);
        for (Proxy proxy : proxies) {
            storage.applyHealthCheckResult(
                    HealthCheckResult.healthy(proxy.id(), latency(random), clock.instant()), POLICY);
        }

        for (SelectorStrategy strategy : List.of(SelectorStrategy.LOWEST_LATENCY, SelectorStrategy.HEALTHIEST)) {
            Map<UUID, Integer> capacity =
                    storage.listProxies("p").stream().collect(Collectors.toMap(Proxy::id, Proxy::maxConcurrency));
            List<UUID> expected = new ArrayList<>();
            storage.listProxies("p").stream()
                    .map(p -> storage.standing(p.id()).orElseThrow())
                    .sorted(strategy == SelectorStrategy.HEALTHIEST ? BY_HEALTH : BY_LATENCY)
                    .forEach(s -> {
                        for (int i = 0; i < capacity.get(s.proxyId()); i++) {
                            expected.add(s.proxyId());
                        }
                    });

            List<LeasedProxy> drained = new ArrayList<>();
            for (Optional<LeasedProxy> leased = acquire(strategy); leased.isPresent(); leased = acquire(strategy)) {
                drained.add(leased.get());
            }

            assertThat(drained)
                    .extracting(l -> l.proxy().id())
                    .as("%s", strategy)
                    .containsExactlyElementsOf(expected);
            drained.forEach(l -> storage.release(l.lease().id()));
        }
    }
}
