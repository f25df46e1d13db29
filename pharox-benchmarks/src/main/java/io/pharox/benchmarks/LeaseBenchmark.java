package io.pharox.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The two measurements and the pool parameters every lease benchmark shares; a subclass
 * adds its {@code implementation} parameter and opens the {@link #leaser} at trial setup.
 */
@State(Scope.Benchmark)
public abstract class LeaseBenchmark {

    /** Proxies in the pool. */
    @Param({"10", "1000", "100000", "1000000"})
    public int poolSize;

    /** {@code exclusive} (one lease per proxy) or {@code shared} ({@value BenchmarkPool#SHARED_CAPACITY}). */
    @Param({"exclusive", "shared"})
    public String capacity;

    /** {@code none}, or {@code tree}: {@link BenchmarkPool#filterTree()}. */
    @Param({"none", "tree"})
    public String filter;

    /** The selector strategy of the adapters' acquires (the baselines take the first free slot). */
    @Param({"FIRST_AVAILABLE", "ROUND_ROBIN", "LEAST_USED", "RANDOM", "LOWEST_LATENCY", "HEALTHIEST"})
    public String strategy;

    /**
     * {@code off} (no interval between grants), or {@code never-binds}: the pool's default
     * minimum interval between grants of one proxy is {@link BenchmarkPool#NEVER_BINDING_PACE}
     * (1 ms). It never binds where no proxy is leased twice within a millisecond: with
     * {@code ROUND_ROBIN} on a pool whose proxies each come round less often than that. It
     * measures what the pacing check costs when it lets every grant through. The adapters only;
     * the baselines ignore it.
     */
    @Param({"off"})
    public String pacing;

    /**
     * {@code off}: the adapters are driven through the storage port, as without this parameter;
     * {@code on}: through a {@link io.pharox.ProxyManager} carrying the listener and observer of
     * {@code pharox-micrometer} on a Prometheus registry (acquire timer with its percentile
     * histogram, no observation registry). {@code manager} and {@code listener} (not run by default):
     * through a manager without them, and through one with a listener that does nothing, to tell
     * the manager's cost and its events' from the meters'. See {@code Leasers}. The
     * adapters only; the baselines ignore it.
     */
    @Param({"off", "on"})
    public String metrics;

    /** What the benchmark drives: an adapter or a baseline, opened by the subclass. */
    protected Leaser leaser;

    /** One lease taken and given back: leases per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public boolean acquireRelease() {
        return leaser.acquireRelease();
    }

    /** The acquire alone, its lease given back untimed: the latency distribution. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object acquire(LeaseHolder holder) {
        return holder.hold(leaser, leaser.acquire());
    }
}
