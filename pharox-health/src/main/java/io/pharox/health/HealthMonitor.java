package io.pharox.health;

import io.pharox.ProxyManager;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.ProxyStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps pools healthy: checks every proxy of a pool with a {@link HealthChecker} (at most
 * {@link HealthCheckOptions#concurrency()} at once) and records each result through
 * {@link ProxyStorage#applyHealthCheckResult} (or through a {@link ProxyManager}, whose listeners
 * then hear each result), so a proxy that fails stops being leased and one
 * that passes again is returned to rotation. BANNED proxies are not checked: a health check
 * never lifts a ban. Leases held on a proxy that fails are not ended.
 *
 * <p>Run a pass yourself with {@link #checkPool}, or let the monitor repeat passes with
 * {@link #start}; {@link #close} stops it. Thread-safe.
 *
 * <pre>{@code
 * HealthChecker checker = new HealthChecker(HealthCheckOptions.builder("https://example.com/").build());
 * try (HealthMonitor monitor = new HealthMonitor(storage, checker)) {
 *     monitor.start(Duration.ofMinutes(1), List.of("residential"));
 *     ...
 * }
 * }</pre>
 */
public final class HealthMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final ProxyStorage storage;
    private final HealthChecker checker;
    /** Records one result: in the storage under a policy, or through a manager. */
    private final Function<HealthCheckResult, Proxy> apply;

    private final AtomicReference<@Nullable ScheduledExecutorService> scheduler = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * A monitor recording {@code checker}'s results in {@code storage}.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public HealthMonitor(ProxyStorage storage, HealthChecker checker) {
        this(storage, checker, OutcomePolicy.defaults());
    }

    /**
     * A monitor recording {@code checker}'s results in {@code storage} and feeding them to each
     * proxy's circuit breaker and scores under {@code policy} (see
     * {@link ProxyStorage#applyHealthCheckResult(io.pharox.model.HealthCheckResult, OutcomePolicy)});
     * give it the policy of your {@link io.pharox.ProxyManager}.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public HealthMonitor(ProxyStorage storage, HealthChecker checker, OutcomePolicy policy) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.checker = Objects.requireNonNull(checker, "checker");
        Objects.requireNonNull(policy, "policy");
        this.apply = result -> storage.applyHealthCheckResult(result, policy);
    }

    /**
     * A monitor recording {@code checker}'s results through {@code manager}
     * ({@link ProxyManager#applyHealthCheckResult}): in its storage, under its outcome policy, and
     * announced to its listeners as health results and circuit transitions
     * ({@code docs/events.md}).
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public HealthMonitor(ProxyManager manager, HealthChecker checker) {
        Objects.requireNonNull(manager, "manager");
        this.storage = manager.storage();
        this.checker = Objects.requireNonNull(checker, "checker");
        this.apply = manager::applyHealthCheckResult;
    }

    /**
     * Checks every proxy of the pool that is not BANNED, each with the checker's probe for its
     * protocol (built-in or {@link HealthChecker#withProbe registered}), and applies each result
     * to storage.
     *
     * @return what was found and what changed
     * @throws io.pharox.exception.PoolNotFoundException if the pool does not exist
     * @throws CancellationException if the thread is interrupted
     */
    public PoolHealthReport checkPool(String poolName) {
        Objects.requireNonNull(poolName, "poolName");
        List<Proxy> toCheck = new ArrayList<>();
        List<UUID> skipped = new ArrayList<>();
        for (Proxy proxy : storage.listProxies(poolName)) {
            if (proxy.status() == ProxyStatus.BANNED) {
                skipped.add(proxy.id());
            } else {
                toCheck.add(proxy);
            }
        }
        List<HealthCheckResult> results = checker.checkAll(toCheck);
        List<HealthCheckResult> applied = new ArrayList<>(results.size());
        List<UUID> removed = new ArrayList<>();
        List<UUID> returned = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            Proxy before = toCheck.get(i);
            HealthCheckResult result = results.get(i);
            Proxy after;
            try {
                after = apply.apply(result);
            } catch (ProxyNotFoundException e) {
                LOG.debug("proxy {} was removed from pool {} during its health check", before.id(), poolName);
                continue;
            }
            applied.add(result);
            boolean wasLeasable = before.status().isLeasable();
            boolean isLeasable = after.status().isLeasable();
            if (wasLeasable && !isLeasable) {
                removed.add(after.id());
                LOG.warn(
                        "proxy {} taken out of rotation in pool {}: {}{}",
                        after,
                        poolName,
                        result.status(),
                        result.error().map(e -> " (" + e + ")").orElse(""));
            } else if (!wasLeasable && isLeasable) {
                returned.add(after.id());
                LOG.info("proxy {} returned to rotation in pool {}", after, poolName);
            }
        }
        PoolHealthReport report = new PoolHealthReport(poolName, applied, removed, returned, skipped);
        LOG.info(
                "health check of pool {}: {} checked, {} out of rotation, {} returned, {} skipped",
                poolName,
                applied.size(),
                removed.size(),
                returned.size(),
                skipped.size());
        return report;
    }

    /**
     * Checks the pools now and then again {@code interval} after each pass ends, on one daemon
     * thread, until {@link #close}. A pass that fails (an unknown pool, a storage error) is
     * logged and the schedule goes on.
     *
     * @throws IllegalArgumentException if the interval is not positive or no pool is named
     * @throws IllegalStateException if the monitor is already started or closed
     */
    public void start(Duration interval, Collection<String> poolNames) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        List<String> pools = List.copyOf(Objects.requireNonNull(poolNames, "poolNames"));
        if (pools.isEmpty()) {
            throw new IllegalArgumentException("name at least one pool to monitor, was " + pools);
        }
        if (closed) {
            throw new IllegalStateException("health monitor is closed");
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pharox-health-monitor");
            thread.setDaemon(true);
            return thread;
        });
        if (!scheduler.compareAndSet(null, executor)) {
            executor.shutdown();
            throw new IllegalStateException("health monitor is already started");
        }
        if (closed && scheduler.compareAndSet(executor, null)) {
            executor.shutdown();
            throw new IllegalStateException("health monitor is closed");
        }
        executor.scheduleWithFixedDelay(
                () -> pools.forEach(this::passQuietly), 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void passQuietly(String poolName) {
        try {
            checkPool(poolName);
        } catch (CancellationException e) {
            // close() interrupted this pass: not a failure
            LOG.debug("health check of pool {} stopped: {}", poolName, e.getMessage());
        } catch (RuntimeException e) {
            // A thrown exception would cancel every later run of the schedule.
            LOG.error("health check of pool {} failed", poolName, e);
        }
    }

    /** Stops scheduled passes, interrupting one in progress. Idempotent. */
    @Override
    public void close() {
        closed = true;
        ScheduledExecutorService executor = scheduler.getAndSet(null);
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
