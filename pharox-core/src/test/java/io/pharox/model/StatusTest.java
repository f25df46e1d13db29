package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusTest {

    @ParameterizedTest
    @CsvSource({"ACTIVE, true", "SLOW, false", "INACTIVE, false", "BANNED, false"})
    void only_an_active_proxy_is_leasable(ProxyStatus status, boolean leasable) {
        assertThat(status.isLeasable()).isEqualTo(leasable);
    }

    @ParameterizedTest
    @CsvSource({
        "HEALTHY, ACTIVE",
        "SLOW, SLOW",
        "UNREACHABLE, INACTIVE",
        "AUTH_FAILED, INACTIVE",
        "UNEXPECTED_RESPONSE, INACTIVE",
    })
    void each_health_outcome_maps_to_a_proxy_status(HealthStatus outcome, ProxyStatus status) {
        assertThat(outcome.proxyStatus()).isEqualTo(status);
    }

    @Test
    void only_a_healthy_outcome_makes_a_proxy_leasable() {
        for (HealthStatus outcome : HealthStatus.values()) {
            assertThat(outcome.proxyStatus().isLeasable()).as("%s", outcome).isEqualTo(outcome == HealthStatus.HEALTHY);
        }
    }

    @Test
    void no_health_outcome_bans_a_proxy() {
        for (HealthStatus outcome : HealthStatus.values()) {
            assertThat(outcome.proxyStatus()).as("%s", outcome).isNotEqualTo(ProxyStatus.BANNED);
        }
    }

    @Test
    void the_domain_enums_have_the_documented_constants() {
        assertThat(ProxyStatus.values())
                .containsExactly(ProxyStatus.ACTIVE, ProxyStatus.SLOW, ProxyStatus.INACTIVE, ProxyStatus.BANNED);
        assertThat(LeaseStatus.values()).containsExactly(LeaseStatus.ACTIVE, LeaseStatus.RELEASED, LeaseStatus.EXPIRED);
        assertThat(ProxyProtocol.values())
                .containsExactly(ProxyProtocol.HTTP, ProxyProtocol.HTTPS, ProxyProtocol.SOCKS4, ProxyProtocol.SOCKS5);
    }
}
