package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.ProxyNotFoundException;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

abstract class HealthContract extends ContractGroup {

    private static final Instant CHECKED_AT = Instant.parse("2026-03-04T05:06:07.250Z");

    HealthContract(ProxyStorageContract kit) {
        super(kit);
    }

    @ParameterizedTest
    @EnumSource(
            value = HealthStatus.class,
            names = {"UNREACHABLE", "AUTH_FAILED", "UNEXPECTED_RESPONSE"})
    void a_failed_check_takes_the_proxy_out_of_rotation_and_keeps_its_leases(HealthStatus outcome) {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3).lastLatency(Duration.ofMillis(80)));
        Lease held = acquire(pool).orElseThrow().lease();

        Proxy checked =
                storage().applyHealthCheckResult(HealthCheckResult.failed(proxy.id(), outcome, "refused", CHECKED_AT));

        assertThat(checked.status()).isEqualTo(ProxyStatus.INACTIVE);
        assertThat(checked.lastCheckedAt()).contains(CHECKED_AT);
        assertThat(checked.lastLatency()).isEmpty();
        assertThat(storage().findProxy(proxy.id())).contains(checked);
        assertThat(acquire(pool)).isEmpty();
        assertThat(storage().findLease(held.id())).map(Lease::status).contains(LeaseStatus.ACTIVE);
        assertThat(counter(proxy)).isEqualTo(1);
        assertThat(storage().release(held.id())).isTrue();
        assertThat(counter(proxy)).isZero();
    }

    @Test
    void a_slow_check_takes_the_proxy_out_of_rotation_and_records_its_latency() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);

        Proxy checked = storage()
                .applyHealthCheckResult(
                        HealthCheckResult.passed(proxy.id(), HealthStatus.SLOW, Duration.ofMillis(4_500), CHECKED_AT));

        assertThat(checked.status()).isEqualTo(ProxyStatus.SLOW);
        assertThat(checked.lastLatency()).contains(Duration.ofMillis(4_500));
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void a_healthy_check_brings_an_inactive_proxy_back_with_its_latency() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.status(ProxyStatus.INACTIVE));
        assertThat(acquire(pool)).isEmpty();

        Proxy checked = storage()
                .applyHealthCheckResult(HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(42), CHECKED_AT));

        assertThat(checked.status()).isEqualTo(ProxyStatus.ACTIVE);
        assertThat(checked.lastLatency()).contains(Duration.ofMillis(42));
        assertThat(checked.lastCheckedAt()).contains(CHECKED_AT);
        assertThat(acquire(pool)).map(l -> l.proxy().id()).contains(proxy.id());
    }

    @Test
    void a_check_changes_nothing_but_status_latency_and_check_time() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(
                pool,
                b -> b.shared(4)
                        .country("PL")
                        .city("Warsaw")
                        .credentials("u", "p")
                        .asn(5617L));
        acquire(pool).orElseThrow();

        Proxy checked = storage()
                .applyHealthCheckResult(HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(7), CHECKED_AT));

        assertThat(checked)
                .isEqualTo(proxy.toBuilder()
                        .lastCheckedAt(CHECKED_AT)
                        .lastLatency(Duration.ofMillis(7))
                        .currentLeases(1)
                        .build());
    }

    @Test
    void a_banned_proxy_stays_banned_whatever_its_checks_say() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.status(ProxyStatus.BANNED));

        Proxy checked = storage()
                .applyHealthCheckResult(HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(5), CHECKED_AT));

        assertThat(checked.status()).isEqualTo(ProxyStatus.BANNED);
        assertThat(checked.lastCheckedAt()).contains(CHECKED_AT);
        assertThat(acquire(pool)).isEmpty();
    }

    @Test
    void a_later_check_replaces_an_earlier_one() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        storage()
                .applyHealthCheckResult(
                        HealthCheckResult.failed(proxy.id(), HealthStatus.UNREACHABLE, "timeout", CHECKED_AT));

        Proxy checked = storage()
                .applyHealthCheckResult(
                        HealthCheckResult.healthy(proxy.id(), Duration.ofMillis(12), CHECKED_AT.plusSeconds(60)));

        assertThat(checked.status()).isEqualTo(ProxyStatus.ACTIVE);
        assertThat(checked.lastCheckedAt()).contains(CHECKED_AT.plusSeconds(60));
        assertThat(acquire(pool)).isPresent();
    }

    @Test
    void a_check_of_an_unknown_proxy_fails_with_its_id() {
        UUID unknown = UUID.randomUUID();

        assertThatThrownBy(() ->
                        storage().applyHealthCheckResult(HealthCheckResult.healthy(unknown, Duration.ZERO, CHECKED_AT)))
                .isInstanceOf(ProxyNotFoundException.class)
                .hasMessageContaining(unknown.toString());
    }
}
