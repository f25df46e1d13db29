package io.pharox.benchmarks;

import io.pharox.model.HealthCheckResult;
import io.pharox.model.Proxy;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.memory.InMemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lease acquisition in memory: {@link InMemoryStorage} and, in the same run, its peer
 * Apache Commons Pool 2 ({@link CommonsPoolLeaser}) and the {@link SemaphoreQueueLeaser}
 * baseline, each with the same number of slots. The
 * {@code implementation} parameter picks which one; compare results that differ only in it.
 * The baseline has no filters and no strategies: against a filter or another strategy its
 * ratio tells what they cost.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class MemoryLeaseBenchmark extends LeaseBenchmark {

    /**
     * The adapter ({@code memory}), its peer Apache Commons Pool 2 ({@code commons-pool}), or
     * the floor of what is possible ({@code semaphore-queue}).
     */
    @Param({"memory", "commons-pool", "semaphore-queue"})
    public String implementation;

    private InMemoryStorage storage;

    /** Fills the pool and opens the implementation. */
    @Setup(Level.Trial)
    public void open() {
        int slots = BenchmarkPool.capacity(capacity);
        switch (implementation) {
            case "memory": {
                // finished leases are forgotten at each iteration's end, so the heap stays flat
                storage = new InMemoryStorage(Clock.systemUTC(), Duration.ZERO);
                var pool = storage.createPool(BenchmarkPool.POOL, "benchmark pool");
                OutcomePolicy exact = OutcomePolicy.defaults().withSmoothing(1);
                Instant checked = Instant.now();
                for (long i = 1; i <= poolSize; i++) {
                    Proxy proxy = storage.addProxy(BenchmarkPool.proxy(pool.id(), i, slots));
                    storage.applyHealthCheckResult(
                            HealthCheckResult.healthy(proxy.id(), BenchmarkPool.latency(i), checked), exact);
                }
                storage.setDefaultMinGrantInterval(BenchmarkPool.POOL, BenchmarkPool.pacing(pacing));
                leaser = Leasers.forAdapter(storage, BenchmarkPool.request(filter, strategy), metrics, () -> {});
                break;
            }
            case "commons-pool":
                leaser = new CommonsPoolLeaser(poolSize, slots);
                break;
            case "semaphore-queue":
                leaser = new SemaphoreQueueLeaser(poolSize, slots);
                break;
            default:
                throw new IllegalArgumentException(
                        "implementation must be memory, commons-pool or semaphore-queue, was '" + implementation + "'");
        }
    }

    /** Forgets the leases the iteration finished. */
    @TearDown(Level.Iteration)
    public void forgetFinishedLeases() {
        if (storage != null) {
            storage.cleanupExpiredLeases();
        }
    }

    /** Closes the implementation. */
    @TearDown(Level.Trial)
    public void close() {
        if (leaser != null) {
            leaser.close();
        }
    }
}
