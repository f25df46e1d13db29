package io.pharox.health;

import io.pharox.model.Credentials;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes proxies by requesting {@link HealthCheckOptions#target()} through them, and reports
 * each as a {@link HealthCheckResult}. Its built-in probe uses JDK sockets only, no HTTP client
 * library:
 * <ul>
 *   <li>{@code HTTP} proxies: an absolute-form {@code GET} for an http target, a
 *       {@code CONNECT} tunnel and then TLS for an https target; credentials go in a
 *       {@code Proxy-Authorization: Basic} header.</li>
 *   <li>{@code HTTPS} proxies: the same, inside a TLS connection to the proxy.</li>
 *   <li>{@code SOCKS5} proxies: the RFC 1928 handshake with RFC 1929 username/password when
 *       the proxy has credentials, then the request (TLS first for an https target).</li>
 *   <li>{@code SOCKS4} proxies: a SOCKS4 {@code CONNECT} to an IPv4 target, SOCKS4a for a host
 *       name (unless {@link HealthCheckOptions#resolveTargetLocally()}), then the request. The
 *       user id sent is the credentials' username; SOCKS4 has no password, and the password is
 *       never sent.</li>
 * </ul>
 *
 * <h2>Outcomes</h2>
 * <ul>
 *   <li>HEALTHY: the target answered with an expected status within the slow threshold;
 *       SLOW: the same, slower. Both carry the latency and the HTTP status.</li>
 *   <li>AUTH_FAILED: the proxy rejected the credentials or demanded some (HTTP 407, or 401
 *       from a proxy with credentials; a SOCKS5 login refused or no acceptable method; a SOCKS4
 *       user id that identd did not confirm).</li>
 *   <li>UNEXPECTED_RESPONSE: the proxy or target answered, but not as expected (another
 *       HTTP status, a refused tunnel, a SOCKS connect failure, an untrusted certificate).</li>
 *   <li>UNREACHABLE: connection refused, timed out, closed mid-exchange or broken. Only these
 *       are retried, up to {@link HealthCheckOptions#retries()} more times.</li>
 * </ul>
 * Details are written from what was observed; a proxy's password is never put in a result,
 * a log line or an exception message.
 *
 * <h2>Probes of your own</h2>
 * {@link #withProbe} gives a copy of the checker that probes one protocol with a
 * {@link ProxyProbe} of yours instead of the built-in one; latency, SLOW, retries, time stamps
 * and password masking stay the checker's (see {@link ProxyProbe}). Immutable and thread-safe.
 */
public final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HealthCheckOptions options;
    private final Clock clock;
    private final Map<ProxyProtocol, ProxyProbe> probes;

    /** A checker with these options, timestamping results with the system UTC clock. */
    public HealthChecker(HealthCheckOptions options) {
        this(options, Clock.systemUTC());
    }

    /**
     * A checker with these options, timestamping results with {@code clock}, probing every
     * protocol with the built-in probe.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public HealthChecker(HealthCheckOptions options, Clock clock) {
        this(options, clock, builtInProbes());
    }

    private HealthChecker(HealthCheckOptions options, Clock clock, Map<ProxyProtocol, ProxyProbe> probes) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.probes = probes;
    }

    private static Map<ProxyProtocol, ProxyProbe> builtInProbes() {
        Map<ProxyProtocol, ProxyProbe> probes = new EnumMap<>(ProxyProtocol.class);
        for (ProxyProtocol protocol : ProxyProtocol.values()) {
            probes.put(protocol, BuiltInProbe.INSTANCE);
        }
        return Collections.unmodifiableMap(probes);
    }

    /**
     * A copy of this checker (same options and clock) that probes proxies speaking
     * {@code protocol} with {@code probe}, in place of the probe this one uses for it; the other
     * protocols keep theirs. This checker is unchanged.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public HealthChecker withProbe(ProxyProtocol protocol, ProxyProbe probe) {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(probe, "probe");
        Map<ProxyProtocol, ProxyProbe> copy = new EnumMap<>(probes);
        copy.put(protocol, probe);
        return new HealthChecker(options, clock, Collections.unmodifiableMap(copy));
    }

    /**
     * The probe this checker uses for proxies speaking {@code protocol}: the built-in one unless
     * {@link #withProbe} replaced it. A probe of yours may call it to add to the built-in check.
     */
    public ProxyProbe probe(ProxyProtocol protocol) {
        // every protocol has a probe: the built-in one unless withProbe replaced it
        return Objects.requireNonNull(probes.get(Objects.requireNonNull(protocol, "protocol")));
    }

    /** The options this checker probes with, and hands to every probe. */
    public HealthCheckOptions options() {
        return options;
    }

    /**
     * Probes one proxy with the probe for its protocol, retrying an unreachable one as the
     * options say. Never throws for what happens on the network: every failure is a result.
     *
     * @throws NullPointerException if {@code proxy} is {@code null}, or a registered probe returned {@code null}
     * @throws RuntimeException whatever a registered probe threw: a bug in that probe
     */
    public HealthCheckResult check(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        HealthCheckResult result = probeOnce(proxy);
        for (int attempt = 1; attempt <= options.retries() && result.status() == HealthStatus.UNREACHABLE; attempt++) {
            LOG.debug(
                    "health check of {} attempt {} failed, retrying: {}",
                    proxy,
                    attempt,
                    result.error().orElse(""));
            result = probeOnce(proxy);
        }
        LOG.debug("health check of {}: {}", proxy, result);
        return result;
    }

    /**
     * Probes many proxies, at most {@link HealthCheckOptions#concurrency()} at once (on
     * virtual threads where the JDK has them, else on as many platform threads).
     *
     * @return one result per proxy, in the order given; unmodifiable
     * @throws NullPointerException if the collection or a proxy in it is {@code null} (before any probe)
     * @throws CancellationException if the calling thread is interrupted (its flag stays set)
     */
    public List<HealthCheckResult> checkAll(Collection<Proxy> proxies) {
        // List.copyOf refuses null elements too
        List<Proxy> list = List.copyOf(Objects.requireNonNull(proxies, "proxies"));
        if (list.isEmpty()) {
            return List.of();
        }
        int parallelism = Math.min(options.concurrency(), list.size());
        Semaphore permits = new Semaphore(parallelism);
        ExecutorService executor = executor(parallelism);
        try {
            List<Future<HealthCheckResult>> futures = new ArrayList<>(list.size());
            for (Proxy proxy : list) {
                futures.add(executor.submit(() -> {
                    permits.acquire();
                    try {
                        return check(proxy);
                    } finally {
                        permits.release();
                    }
                }));
            }
            List<HealthCheckResult> results = new ArrayList<>(list.size());
            for (Future<HealthCheckResult> future : futures) {
                results.add(future.get());
            }
            return List.copyOf(results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while checking " + list.size() + " proxies");
        } catch (ExecutionException e) {
            // check() turns every network failure into a result; anything else is a bug worth surfacing.
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException("health check failed unexpectedly", cause);
        } finally {
            executor.shutdownNow();
        }
    }

    private HealthCheckResult probeOnce(Proxy proxy) {
        ProxyProbe probe = probe(proxy.protocol());
        long start = System.nanoTime();
        ProbeResult outcome = probe.probe(proxy, options);
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (outcome == null) {
            throw new NullPointerException(probe + " returned no result for proxy " + proxy.id());
        }
        HealthCheckResult result;
        if (outcome.isPassed()) {
            HealthStatus status =
                    latency.compareTo(options.slowThreshold()) > 0 ? HealthStatus.SLOW : HealthStatus.HEALTHY;
            result = HealthCheckResult.passed(proxy.id(), status, latency, clock.instant());
        } else {
            result = HealthCheckResult.failed(
                    proxy.id(), outcome.status(), redact(outcome.detail().orElseThrow(), proxy), clock.instant());
        }
        return outcome.httpStatus().isPresent()
                ? result.withHttpStatus(outcome.httpStatus().getAsInt())
                : result;
    }

    /**
     * Details are written without the password; this is the second line of defence for text
     * that came from elsewhere (a JDK exception message). Passwords shorter than four characters
     * are left alone: masking every "a" in a message would only garble it.
     */
    static String redact(String detail, Proxy proxy) {
        String password = proxy.credentials().map(Credentials::password).orElse("");
        return password.length() >= 4 ? detail.replace(password, "****") : detail;
    }

    /**
     * Virtual threads where the JDK has them (21+), found reflectively so that the core still
     * compiles for and runs on Java 17, where daemon platform threads do the work.
     */
    private static ExecutorService executor(int parallelism) {
        try {
            Object executor =
                    Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            return (ExecutorService) executor;
        } catch (ReflectiveOperationException | RuntimeException e) {
            ThreadFactory factory = runnable -> {
                Thread thread = new Thread(runnable, "pharox-health-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            return Executors.newFixedThreadPool(parallelism, factory);
        }
    }
}
