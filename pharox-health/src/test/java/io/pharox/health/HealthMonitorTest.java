package io.pharox.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.CircuitChangedEvent;
import io.pharox.event.HealthCheckedEvent;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.model.CircuitState;
import io.pharox.model.HealthStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import io.pharox.storage.memory.InMemoryStorage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health monitor on a real storage (the in-memory adapter, a test dependency), checking real
 * proxy servers (tinyproxy, microsocks and Dante on loopback): failing proxies leave rotation, recovered
 * ones return, banned ones stay banned.
 */
class HealthMonitorTest {

    private static final String USER = "carol";
    private static final String PASSWORD = "Monitor-5e1d07";

    @TempDir
    static Path dir;

    static TargetServer target;
    static RealProxyServer tinyproxy;
    static RealProxyServer microsocksWithAuth;
    static RealProxyServer dante;
    static ClosingProxy closing;

    InMemoryStorage storage;
    ProxyPool pool;

    @BeforeAll
    static void startServers() throws Exception {
        target = TargetServer.start(dir);
        tinyproxy = RealProxyServer.tinyproxy(dir, null, null, target.httpsPort());
        microsocksWithAuth = RealProxyServer.microsocks(dir, USER, PASSWORD);
        dante = RealProxyServer.dante(dir);
        closing = new ClosingProxy();
    }

    @AfterAll
    static void stopServers() {
        RealProxyServer.stopAll(tinyproxy, microsocksWithAuth, dante, closing, target);
    }

    @BeforeEach
    void createPool() {
        storage = new InMemoryStorage();
        pool = storage.createPool("monitored", "checked by the health monitor");
    }

    HealthChecker checker(String path) {
        return new HealthChecker(HealthCheckOptions.builder(target.httpsUrl(path))
                .sslContext(target.trustingContext())
                .readTimeout(Duration.ofSeconds(5))
                .slowThreshold(Duration.ofSeconds(10))
                .concurrency(4)
                .build());
    }

    Proxy add(ProxyProtocol protocol, int port, ProxyStatus status, String password) {
        return add("127.0.0.1", protocol, port, status, password);
    }

    Proxy add(String host, ProxyProtocol protocol, int port, ProxyStatus status, String password) {
        Proxy.Builder builder = Proxy.builder()
                .poolId(pool.id())
                .address(host, port)
                .protocol(protocol)
                .status(status);
        if (password != null) {
            builder.credentials(USER, password);
        }
        return storage.addProxy(builder.build());
    }

    ProxyStatus statusOf(Proxy proxy) {
        return storage.findProxy(proxy.id()).orElseThrow().status();
    }

    /** Every proxy a consumer can lease now, each leased once. */
    List<UUID> leasable() {
        List<UUID> leased = new ArrayList<>();
        while (true) {
            Optional<LeasedProxy> lease = storage.acquire(
                    AcquireRequest.forPool(pool.name()).consumer("probe").build());
            if (lease.isEmpty()) {
                return leased;
            }
            leased.add(lease.get().proxy().id());
        }
    }

    @Test
    void a_pass_takes_failing_proxies_out_of_rotation_and_returns_recovered_ones() throws Exception {
        // a pool holds one proxy per host and port: "localhost" names the same servers a second time
        Proxy http = add(ProxyProtocol.HTTP, tinyproxy.port(), ProxyStatus.ACTIVE, null);
        Proxy socks = add(ProxyProtocol.SOCKS5, microsocksWithAuth.port(), ProxyStatus.ACTIVE, PASSWORD);
        Proxy wrongPassword = add(
                "localhost", ProxyProtocol.SOCKS5, microsocksWithAuth.port(), ProxyStatus.ACTIVE, "not-" + PASSWORD);
        Proxy dead = add(ProxyProtocol.HTTP, closing.port(), ProxyStatus.ACTIVE, null);
        Proxy recovered = add("localhost", ProxyProtocol.HTTP, tinyproxy.port(), ProxyStatus.INACTIVE, null);
        Proxy banned = add(ProxyProtocol.HTTP, RealProxyServer.freePort(), ProxyStatus.BANNED, null);
        Proxy socks4 = add(ProxyProtocol.SOCKS4, dante.port(), ProxyStatus.ACTIVE, null);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        // slf4j-simple writes to whatever System.err is at the time
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        PoolHealthReport report;
        try {
            report = new HealthMonitor(storage, checker("/ok")).checkPool(pool.name());
        } finally {
            System.setErr(originalErr);
        }

        assertThat(report.poolName()).isEqualTo("monitored");
        assertThat(report.results()).hasSize(6);
        assertThat(report.count(HealthStatus.HEALTHY)).isEqualTo(4);
        assertThat(report.count(HealthStatus.AUTH_FAILED)).isEqualTo(1);
        assertThat(report.count(HealthStatus.UNREACHABLE)).isEqualTo(1);
        assertThat(report.removedFromRotation()).containsExactlyInAnyOrder(wrongPassword.id(), dead.id());
        assertThat(report.returnedToRotation()).containsExactly(recovered.id());
        assertThat(report.skipped()).containsExactly(banned.id());

        assertThat(statusOf(http)).isEqualTo(ProxyStatus.ACTIVE);
        assertThat(statusOf(socks)).isEqualTo(ProxyStatus.ACTIVE);
        assertThat(statusOf(recovered)).isEqualTo(ProxyStatus.ACTIVE);
        assertThat(statusOf(wrongPassword)).isEqualTo(ProxyStatus.INACTIVE);
        assertThat(statusOf(dead)).isEqualTo(ProxyStatus.INACTIVE);
        assertThat(statusOf(banned)).isEqualTo(ProxyStatus.BANNED);
        assertThat(storage.findProxy(socks4.id()).orElseThrow().lastCheckedAt())
                .as("SOCKS4 is checked")
                .isPresent();
        assertThat(storage.findProxy(http.id()).orElseThrow().lastLatency()).isPresent();
        assertThat(storage.findProxy(http.id()).orElseThrow().lastCheckedAt()).isPresent();
        assertThat(storage.findProxy(banned.id()).orElseThrow().lastCheckedAt()).isEmpty();
        assertThat(leasable()).containsExactlyInAnyOrder(http.id(), socks.id(), recovered.id(), socks4.id());
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("taken out of rotation", "carol:****@", "returned to rotation")
                .doesNotContain(PASSWORD);
        assertThat(report.results()).noneMatch(r -> r.toString().contains(PASSWORD));
    }

    @Test
    void a_slow_proxy_leaves_rotation_and_returns_once_it_is_fast_again() {
        Proxy proxy = add(ProxyProtocol.HTTP, tinyproxy.port(), ProxyStatus.ACTIVE, null);
        // the target waits 200 ms: over a 50 ms threshold, whatever the machine's speed
        HealthChecker slowTarget = new HealthChecker(HealthCheckOptions.builder(target.httpUrl("/slow?ms=200"))
                .slowThreshold(Duration.ofMillis(50))
                .build());

        PoolHealthReport slow = new HealthMonitor(storage, slowTarget).checkPool(pool.name());

        assertThat(slow.count(HealthStatus.SLOW)).isEqualTo(1);
        assertThat(slow.removedFromRotation()).containsExactly(proxy.id());
        assertThat(statusOf(proxy)).isEqualTo(ProxyStatus.SLOW);
        assertThat(leasable()).isEmpty();

        PoolHealthReport fast = new HealthMonitor(storage, checker("/ok")).checkPool(pool.name());

        assertThat(fast.returnedToRotation()).containsExactly(proxy.id());
        assertThat(statusOf(proxy)).isEqualTo(ProxyStatus.ACTIVE);
        assertThat(leasable()).containsExactly(proxy.id());
    }

    @Test
    void a_monitor_on_a_manager_announces_each_result_and_the_circuits_it_opens() {
        Proxy http = add(ProxyProtocol.HTTP, tinyproxy.port(), ProxyStatus.ACTIVE, null);
        Proxy dead = add(ProxyProtocol.HTTP, closing.port(), ProxyStatus.ACTIVE, null);
        List<HealthCheckedEvent> checked = new CopyOnWriteArrayList<>();
        List<CircuitChangedEvent> circuits = new CopyOnWriteArrayList<>();
        ProxyManager manager = ProxyManager.builder(storage)
                .outcomePolicy(OutcomePolicy.defaults().withFailureThreshold(1))
                .listener(new LeaseListener() {
                    @Override
                    public void onHealthChecked(HealthCheckedEvent event) {
                        checked.add(event);
                    }

                    @Override
                    public void onCircuitChanged(CircuitChangedEvent event) {
                        circuits.add(event);
                    }
                })
                .build();

        PoolHealthReport report = new HealthMonitor(manager, checker("/ok")).checkPool(pool.name());

        assertThat(report.removedFromRotation()).containsExactly(dead.id());
        assertThat(checked)
                .extracting(e -> e.result().proxyId(), HealthCheckedEvent::poolName, HealthCheckedEvent::status)
                .containsExactlyInAnyOrder(
                        tuple(http.id(), "monitored", ProxyStatus.ACTIVE),
                        tuple(dead.id(), "monitored", ProxyStatus.INACTIVE));
        assertThat(circuits)
                .extracting(CircuitChangedEvent::proxyId, CircuitChangedEvent::from, CircuitChangedEvent::to)
                .containsExactly(tuple(dead.id(), CircuitState.CLOSED, CircuitState.OPEN));
        assertThat(storage.standing(dead.id()).orElseThrow().circuit())
                .as("the manager's policy: one failure opens")
                .isEqualTo(CircuitState.OPEN);
    }

    @Test
    void started_it_keeps_checking_until_closed() throws Exception {
        Proxy proxy = add(ProxyProtocol.SOCKS5, microsocksWithAuth.port(), ProxyStatus.ACTIVE, "stale-password");

        try (HealthMonitor monitor = new HealthMonitor(storage, checker("/ok"))) {
            monitor.start(Duration.ofMillis(20), List.of(pool.name(), "no-such-pool"));

            awaitTrue(() -> statusOf(proxy) == ProxyStatus.INACTIVE);
            // the operator fixes the credentials; a later pass brings the proxy back
            Proxy stored = storage.findProxy(proxy.id()).orElseThrow();
            storage.updateProxy(stored.toBuilder().credentials(USER, PASSWORD).build());
            awaitTrue(() -> statusOf(proxy) == ProxyStatus.ACTIVE);

            assertThatIllegalStateException()
                    .isThrownBy(() -> monitor.start(Duration.ofSeconds(1), List.of(pool.name())))
                    .withMessage("health monitor is already started");
            monitor.close();
            assertThatIllegalStateException()
                    .isThrownBy(() -> monitor.start(Duration.ofSeconds(1), List.of(pool.name())))
                    .withMessage("health monitor is closed");
        }
    }

    @Test
    void bad_arguments_are_rejected_naming_them() {
        HealthMonitor monitor = new HealthMonitor(storage, checker("/ok"));

        assertThatThrownBy(() -> monitor.checkPool("no-such-pool"))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining("no-such-pool");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> monitor.start(Duration.ZERO, List.of(pool.name())))
                .withMessage("interval must be positive, was PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> monitor.start(Duration.ofSeconds(1), List.of()))
                .withMessage("name at least one pool to monitor, was []");
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
