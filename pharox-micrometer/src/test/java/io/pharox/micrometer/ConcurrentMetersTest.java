package io.pharox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.ProxyManager;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.memory.InMemoryStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Threads acquiring and releasing at once, through a manager with the metrics: every call is counted once. */
class ConcurrentMetersTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 250;

    @Test
    void every_hit_miss_and_release_of_concurrent_threads_is_counted_once() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        ProxyPool pool = storage.createPool("residential", "");
        for (int i = 0; i < 2; i++) {
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.0.0." + (i + 1), 8080)
                    .exclusive()
                    .build());
        }
        PrometheusMeterRegistry registry = Scrapes.registry(new MockClock());
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();
        ProxyManager manager = ProxyManager.builder(storage)
                .listener(metrics.listener())
                .observer(metrics.observer())
                .build();
        SelectorStrategy[] strategies = {SelectorStrategy.FIRST_AVAILABLE, SelectorStrategy.ROUND_ROBIN};
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<int[]>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            SelectorStrategy strategy = strategies[t % 2];
            Callable<int[]> work = () -> {
                start.await();
                int hits = 0;
                int misses = 0;
                for (int i = 0; i < ROUNDS; i++) {
                    Optional<LeasedProxy> leased = manager.acquire(
                            manager.request("residential").strategy(strategy).build());
                    if (leased.isPresent()) {
                        hits++;
                        assertThat(manager.release(leased.get())).isTrue();
                    } else {
                        misses++;
                    }
                }
                return new int[] {hits, misses};
            };
            results.add(threads.submit(work));
        }
        start.countDown();
        int hits = 0;
        int misses = 0;
        for (Future<int[]> result : results) {
            int[] counts = result.get(60, TimeUnit.SECONDS);
            hits += counts[0];
            misses += counts[1];
        }
        threads.shutdown();

        String scrape = registry.scrape();
        double countedHits = 0;
        double countedMisses = 0;
        for (String strategy : new String[] {"first_available", "round_robin"}) {
            countedHits += sum(scrape, "outcome=\"hit\",pool=\"residential\",strategy=\"" + strategy + "\"");
            countedMisses += sum(scrape, "outcome=\"miss\",pool=\"residential\",strategy=\"" + strategy + "\"");
        }
        assertThat(hits + misses).isEqualTo(THREADS * ROUNDS);
        assertThat(countedHits).isEqualTo(hits);
        assertThat(countedMisses).isEqualTo(misses);
        assertThat(Scrapes.value(scrape, "pharox_release_seconds_count", "pool=\"residential\""))
                .isEqualTo(hits);
    }

    /** The acquire count of these labels, over both values of {@code waited} (absent ones count 0). */
    private static double sum(String scrape, String labels) {
        double total = 0;
        for (String waited : new String[] {"false", "true"}) {
            String series = "pharox_acquire_seconds_count{" + labels + ",waited=\"" + waited + "\"}";
            if (scrape.contains(series)) {
                total += Scrapes.value(scrape, "pharox_acquire_seconds_count", labels + ",waited=\"" + waited + "\"");
            }
        }
        return total;
    }
}
