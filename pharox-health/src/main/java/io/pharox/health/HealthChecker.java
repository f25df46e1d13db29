package io.pharox.health;

import io.pharox.model.Credentials;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes proxies by requesting {@link HealthCheckOptions#target()} through them, and reports
 * each as a {@link HealthCheckResult}. JDK sockets only, no HTTP client library:
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
 * a log line or an exception message. Thread-safe.
 */
public final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    private static final Set<ProxyProtocol> SUPPORTED = EnumSet.allOf(ProxyProtocol.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HealthCheckOptions options;
    private final Clock clock;

    /** A checker with these options, timestamping results with the system UTC clock. */
    public HealthChecker(HealthCheckOptions options) {
        this(options, Clock.systemUTC());
    }

    /**
     * A checker with these options, timestamping results with {@code clock}.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public HealthChecker(HealthCheckOptions options, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The options this checker probes with. */
    public HealthCheckOptions options() {
        return options;
    }

    /** Whether this checker can probe proxies speaking {@code protocol}: every protocol Pharox knows. */
    public boolean supports(ProxyProtocol protocol) {
        return SUPPORTED.contains(Objects.requireNonNull(protocol, "protocol"));
    }

    /**
     * Probes one proxy, retrying an unreachable one as the options say. Never throws for
     * what happens on the network: every failure is a result.
     *
     * @throws NullPointerException if {@code proxy} is {@code null}
     * @throws IllegalArgumentException if its protocol is not {@link #supports supported}
     */
    public HealthCheckResult check(Proxy proxy) {
        requireSupported(proxy);
        HealthCheckResult result = null;
        for (int attempt = 0; attempt <= options.retries(); attempt++) {
            result = probeOnce(proxy);
            if (result.status() != HealthStatus.UNREACHABLE) {
                break;
            }
            if (attempt < options.retries()) {
                LOG.debug("health check of {} attempt {} failed, retrying: {}", proxy, attempt + 1,
                        result.error().orElse(""));
            }
        }
        LOG.debug("health check of {}: {}", proxy, result);
        return result;
    }

    /**
     * Probes many proxies, at most {@link HealthCheckOptions#concurrency()} at once (on
     * virtual threads where the JDK has them, else on as many platform threads).
     *
     * @return one result per proxy, in the order given; unmodifiable
     * @throws IllegalArgumentException if a proxy's protocol is not supported (before any probe)
     * @throws CancellationException if the calling thread is interrupted (its flag stays set)
     */
    public List<HealthCheckResult> checkAll(Collection<Proxy> proxies) {
        List<Proxy> list = List.copyOf(Objects.requireNonNull(proxies, "proxies"));
        list.forEach(this::requireSupported);
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
        long start = System.nanoTime();
        try {
            int status = BuiltInProbe.run(proxy, options);
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            HealthStatus outcome = latency.compareTo(options.slowThreshold()) > 0 ? HealthStatus.SLOW : HealthStatus.HEALTHY;
            return HealthCheckResult.passed(proxy.id(), outcome, latency, clock.instant()).withHttpStatus(status);
        } catch (ProbeFailure failure) {
            HealthCheckResult result = HealthCheckResult.failed(proxy.id(), failure.status(),
                    redact(failure.getMessage(), proxy), clock.instant());
            return failure.httpStatus() == null ? result : result.withHttpStatus(failure.httpStatus());
        }
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

    private void requireSupported(Proxy proxy) {
        Objects.requireNonNull(proxy, "proxy");
        if (!supports(proxy.protocol())) {
            throw new IllegalArgumentException("health checks support " + SUPPORTED + " proxies; proxy "
                    + proxy.id() + " speaks " + proxy.protocol());
        }
    }

    /**
     * Virtual threads where the JDK has them (21+), found reflectively so that the core still
     * compiles for and runs on Java 17, where daemon platform threads do the work.
     */
    private static ExecutorService executor(int parallelism) {
        try {
            Object executor = Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
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
