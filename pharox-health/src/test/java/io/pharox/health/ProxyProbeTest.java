package io.pharox.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.memory.InMemoryStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probes of one's own, registered per protocol: the checker and the monitor use them in place of
 * the built-in probe, and keep doing around them what they do around the built-in one. The
 * built-in probe still runs against real servers (tinyproxy, microsocks) where a test needs it.
 */
class ProxyProbeTest {

    private static final String PASSWORD = "Probe-9c3e51";
    private static final Clock CLOCK = Clock.fixed(TestProxies.T0, ZoneOffset.UTC);

    @TempDir
    static Path dir;

    static TargetServer target;
    static RealProxyServer tinyproxy;
    static RealProxyServer microsocks;

    @BeforeAll
    static void startServers() throws Exception {
        target = TargetServer.start(dir);
        tinyproxy = RealProxyServer.tinyproxy(dir, null, null);
        microsocks = RealProxyServer.microsocks(dir, null, null);
    }

    @AfterAll
    static void stopServers() {
        RealProxyServer.stopAll(tinyproxy, microsocks, target);
    }

    static HealthChecker checker() {
        return new HealthChecker(
                HealthCheckOptions.builder(target.httpUrl("/ok")).build(), CLOCK);
    }

    @Test
    void a_registered_probe_replaces_the_built_in_one_for_its_protocol_only() {
        List<Proxy> probed = new CopyOnWriteArrayList<>();
        List<HealthCheckOptions> given = new CopyOnWriteArrayList<>();
        ProxyProbe providerSaysDown = (proxy, options) -> {
            probed.add(proxy);
            given.add(options);
            return ProbeResult.failed(
                    HealthStatus.UNEXPECTED_RESPONSE, "provider reports " + proxy.address() + " down");
        };
        HealthChecker builtIn = checker();
        HealthChecker custom = builtIn.withProbe(ProxyProtocol.SOCKS5, providerSaysDown);
        Proxy socks = TestProxies.on(ProxyProtocol.SOCKS5, microsocks.port()).build();
        Proxy http = TestProxies.on(ProxyProtocol.HTTP, tinyproxy.port()).build();

        HealthCheckResult socksResult = custom.check(socks);

        assertThat(socksResult.status()).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
        assertThat(socksResult.error()).hasValue("provider reports 127.0.0.1:" + microsocks.port() + " down");
        assertThat(probed).containsExactly(socks);
        assertThat(given).containsExactly(custom.options());
        assertThat(custom.probe(ProxyProtocol.SOCKS5)).isSameAs(providerSaysDown);
        assertThat(custom.check(http).status())
                .as("HTTP keeps the built-in probe")
                .isEqualTo(HealthStatus.HEALTHY);
        assertThat(builtIn.check(socks).status())
                .as("the original checker is unchanged")
                .isEqualTo(HealthStatus.HEALTHY);
        assertThat(builtIn.probe(ProxyProtocol.SOCKS5)).isSameAs(builtIn.probe(ProxyProtocol.HTTP));
    }

    @Test
    void the_checker_measures_retries_stamps_and_masks_around_a_registered_probe() {
        HealthCheckOptions options = HealthCheckOptions.builder(target.httpUrl("/ok"))
                .slowThreshold(Duration.ofMillis(50))
                .retries(2)
                .build();
        AtomicInteger calls = new AtomicInteger();
        HealthChecker checker = new HealthChecker(options, CLOCK)
                .withProbe(ProxyProtocol.HTTP, (proxy, o) -> {
                    pause(Duration.ofMillis(120));
                    return ProbeResult.passed(204);
                })
                .withProbe(ProxyProtocol.SOCKS4, (proxy, o) -> {
                    calls.incrementAndGet();
                    return ProbeResult.failed(HealthStatus.UNREACHABLE, "login " + PASSWORD + " timed out");
                });

        HealthCheckResult slow =
                checker.check(TestProxies.on(ProxyProtocol.HTTP, 8080).build());
        HealthCheckResult unreachable = checker.check(TestProxies.on(ProxyProtocol.SOCKS4, 1080)
                .credentials("dave", PASSWORD)
                .build());

        assertThat(slow.status()).isEqualTo(HealthStatus.SLOW);
        assertThat(slow.latency())
                .hasValueSatisfying(l -> assertThat(l).isGreaterThanOrEqualTo(Duration.ofMillis(120)));
        assertThat(slow.httpStatus()).hasValue(204);
        assertThat(slow.checkedAt()).isEqualTo(TestProxies.T0);
        assertThat(unreachable.status()).isEqualTo(HealthStatus.UNREACHABLE);
        assertThat(calls).as("one probe and two retries").hasValue(3);
        assertThat(unreachable.error()).hasValue("login **** timed out");
    }

    @Test
    void a_registered_probe_can_add_to_the_built_in_one() {
        HealthChecker plain = checker();
        ProxyProbe builtIn = plain.probe(ProxyProtocol.HTTP);
        ProxyProbe onlyTagged = (proxy, options) -> proxy.country().isEmpty()
                ? ProbeResult.failed(HealthStatus.UNEXPECTED_RESPONSE, "proxy " + proxy.address() + " has no country")
                : builtIn.probe(proxy, options);
        HealthChecker checker = plain.withProbe(ProxyProtocol.HTTP, onlyTagged);

        HealthCheckResult tagged = checker.check(TestProxies.on(ProxyProtocol.HTTP, tinyproxy.port())
                .country("NL")
                .build());
        HealthCheckResult untagged = checker.check(
                TestProxies.on(ProxyProtocol.HTTP, tinyproxy.port()).build());

        assertThat(tagged.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(tagged.httpStatus())
                .as("the built-in probe reached the target")
                .hasValue(200);
        assertThat(untagged.status()).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
    }

    @Test
    void a_probe_that_throws_or_returns_nothing_is_a_bug_that_propagates() {
        HealthChecker checker = checker()
                .withProbe(ProxyProtocol.HTTP, (proxy, options) -> {
                    throw new IllegalStateException("probe bug");
                })
                .withProbe(ProxyProtocol.SOCKS5, (proxy, options) -> null);

        assertThatIllegalStateException()
                .isThrownBy(() ->
                        checker.check(TestProxies.on(ProxyProtocol.HTTP, 8080).build()))
                .withMessage("probe bug");
        Proxy socks = TestProxies.on(ProxyProtocol.SOCKS5, 1080).build();
        assertThatNullPointerException()
                .isThrownBy(() -> checker.checkAll(List.of(socks)))
                .withMessageContaining("returned no result for proxy " + socks.id());
        assertThatNullPointerException()
                .isThrownBy(() -> checker.withProbe(null, (proxy, options) -> null))
                .withMessage("protocol");
        assertThatNullPointerException()
                .isThrownBy(() -> checker.withProbe(ProxyProtocol.HTTP, null))
                .withMessage("probe");
    }

    @Test
    void the_monitor_checks_with_the_registered_probe() {
        InMemoryStorage storage = new InMemoryStorage();
        ProxyPool pool = storage.createPool("maintained", "");
        Proxy http = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("127.0.0.1", tinyproxy.port())
                .build());
        Proxy socks = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("127.0.0.1", microsocks.port())
                .protocol(ProxyProtocol.SOCKS5)
                .build());
        HealthChecker checker = checker()
                .withProbe(
                        ProxyProtocol.HTTP,
                        (proxy, options) ->
                                ProbeResult.failed(HealthStatus.UNEXPECTED_RESPONSE, "in a maintenance window"));

        PoolHealthReport report = new HealthMonitor(storage, checker).checkPool("maintained");

        assertThat(report.removedFromRotation()).containsExactly(http.id());
        assertThat(report.results())
                .extracting(HealthCheckResult::error)
                .containsExactly(Optional.of("in a maintenance window"), Optional.empty());
        assertThat(storage.findProxy(http.id()).orElseThrow().status()).isEqualTo(ProxyStatus.INACTIVE);
        assertThat(storage.findProxy(socks.id()).orElseThrow().status()).isEqualTo(ProxyStatus.ACTIVE);
    }

    @Test
    void a_probe_result_is_passed_or_failed_with_a_reason() {
        assertThat(ProbeResult.passed().isPassed()).isTrue();
        assertThat(ProbeResult.passed().httpStatus()).isEmpty();
        assertThat(ProbeResult.passed(204))
                .isEqualTo(ProbeResult.passed(204))
                .hasToString("ProbeResult[passed, http=204]");
        assertThat(ProbeResult.failed(HealthStatus.AUTH_FAILED, "refused", 407))
                .hasToString("ProbeResult[AUTH_FAILED, http=407, detail=refused]")
                .satisfies(r -> assertThat(r.detail()).hasValue("refused"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProbeResult.failed(HealthStatus.SLOW, "slow"))
                .withMessage("a failed probe cannot be SLOW");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProbeResult.failed(HealthStatus.UNREACHABLE, " "))
                .withMessage("a failed probe needs a detail saying why, was ' '");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProbeResult.passed(99))
                .withMessage("httpStatus must be 100..599, was 99");
        assertThatNullPointerException()
                .isThrownBy(() -> ProbeResult.failed(null, "x"))
                .withMessage("status");
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
