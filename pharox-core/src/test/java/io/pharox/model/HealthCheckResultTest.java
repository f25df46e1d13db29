package io.pharox.model;

import static io.pharox.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HealthCheckResultTest {

    private static final UUID PROXY = Ids.next();

    @Test
    void a_null_proxy_id_is_rejected_naming_it() {
        assertThatNullPointerException()
                .isThrownBy(() -> new HealthCheckResult(null, HealthStatus.HEALTHY, Duration.ZERO, T0, null))
                .withMessage("proxyId");
    }

    @Test
    void a_null_status_is_rejected_naming_it() {
        assertThatNullPointerException()
                .isThrownBy(() -> new HealthCheckResult(PROXY, null, Duration.ZERO, T0, null))
                .withMessage("status");
    }

    @Test
    void a_null_check_time_is_rejected_naming_it() {
        assertThatNullPointerException()
                .isThrownBy(() -> new HealthCheckResult(PROXY, HealthStatus.HEALTHY, Duration.ZERO, null, null))
                .withMessage("checkedAt");
    }

    @Test
    void a_negative_latency_is_rejected_naming_it() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckResult.healthy(PROXY, Duration.ofMillis(-1), T0))
                .withMessage("latency must not be negative, was PT-0.001S");
    }

    @Test
    void a_passed_check_needs_a_latency() {
        assertThatNullPointerException()
                .isThrownBy(() -> HealthCheckResult.passed(PROXY, HealthStatus.SLOW, null, T0))
                .withMessage("latency");
        assertThatNullPointerException()
                .isThrownBy(() -> HealthCheckResult.healthy(PROXY, null, T0))
                .withMessage("latency");
    }

    @Test
    void a_failed_check_needs_an_error() {
        assertThatNullPointerException()
                .isThrownBy(() -> HealthCheckResult.failed(PROXY, HealthStatus.UNREACHABLE, null, T0))
                .withMessage("error");
    }

    @Test
    void the_factories_check_the_required_values_too() {
        assertThatNullPointerException()
                .isThrownBy(() -> HealthCheckResult.healthy(null, Duration.ZERO, T0))
                .withMessage("proxyId");
        assertThatNullPointerException()
                .isThrownBy(() -> HealthCheckResult.healthy(PROXY, Duration.ZERO, null))
                .withMessage("checkedAt");
        assertThatNullPointerException()
                .isThrownBy(() -> HealthCheckResult.failed(PROXY, null, "e", T0))
                .withMessage("status");
    }

    @Test
    void a_healthy_check_has_a_latency_and_no_error() {
        HealthCheckResult result = HealthCheckResult.healthy(PROXY, Duration.ofMillis(12), T0);

        assertThat(result.proxyId()).isEqualTo(PROXY);
        assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(result.latency()).contains(Duration.ofMillis(12));
        assertThat(result.checkedAt()).isEqualTo(T0);
        assertThat(result.error()).isEmpty();
    }

    @Test
    void a_slow_passed_check_keeps_its_status() {
        HealthCheckResult result = HealthCheckResult.passed(PROXY, HealthStatus.SLOW, Duration.ofSeconds(3), T0);

        assertThat(result.status()).isEqualTo(HealthStatus.SLOW);
        assertThat(result.latency()).contains(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @EnumSource(
            value = HealthStatus.class,
            names = {"UNREACHABLE", "AUTH_FAILED", "UNEXPECTED_RESPONSE"})
    void a_failed_check_has_an_error_and_no_latency(HealthStatus status) {
        HealthCheckResult result = HealthCheckResult.failed(PROXY, status, "went wrong", T0);

        assertThat(result.status()).isEqualTo(status);
        assertThat(result.latency()).isEmpty();
        assertThat(result.error()).contains("went wrong");
    }

    @Test
    void a_zero_latency_is_accepted() {
        assertThat(HealthCheckResult.healthy(PROXY, Duration.ZERO, T0).latency())
                .contains(Duration.ZERO);
    }

    @Test
    void results_with_the_same_values_are_equal() {
        assertThat(HealthCheckResult.healthy(PROXY, Duration.ofMillis(5), T0))
                .isEqualTo(HealthCheckResult.healthy(PROXY, Duration.ofMillis(5), T0))
                .hasSameHashCodeAs(HealthCheckResult.healthy(PROXY, Duration.ofMillis(5), T0))
                .isNotEqualTo(HealthCheckResult.healthy(PROXY, Duration.ofMillis(6), T0))
                .isNotEqualTo(HealthCheckResult.healthy(PROXY, Duration.ofMillis(5), T0.plusMillis(1)))
                .isNotEqualTo(HealthCheckResult.passed(PROXY, HealthStatus.SLOW, Duration.ofMillis(5), T0))
                .isNotEqualTo(HealthCheckResult.healthy(Ids.next(), Duration.ofMillis(5), T0))
                .isNotEqualTo(new HealthCheckResult(PROXY, HealthStatus.HEALTHY, Duration.ofMillis(5), T0, "e"));
    }

    @Test
    void to_string_shows_status_latency_and_error() {
        assertThat(HealthCheckResult.healthy(PROXY, Duration.ofMillis(250), T0).toString())
                .contains(PROXY.toString(), "HEALTHY", "latency=250ms")
                .doesNotContain("error=");
        assertThat(HealthCheckResult.failed(PROXY, HealthStatus.AUTH_FAILED, "HTTP 407", T0)
                        .toString())
                .contains("AUTH_FAILED", "error=HTTP 407")
                .doesNotContain("latency=");
    }

    @ParameterizedTest
    @EnumSource(
            value = HealthStatus.class,
            names = {"UNREACHABLE", "AUTH_FAILED", "UNEXPECTED_RESPONSE"})
    void a_passed_check_cannot_carry_a_failing_status(HealthStatus status) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckResult.passed(PROXY, status, Duration.ofMillis(5), T0))
                .withMessageContaining(status.name());
    }

    @ParameterizedTest
    @EnumSource(
            value = HealthStatus.class,
            names = {"HEALTHY", "SLOW"})
    void a_failed_check_cannot_carry_a_passing_status(HealthStatus status) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckResult.failed(PROXY, status, "oops", T0))
                .withMessageContaining(status.name());
    }

    @Test
    void an_http_status_is_optional_and_kept_by_its_copy() {
        HealthCheckResult result = HealthCheckResult.healthy(PROXY, Duration.ofMillis(9), T0);
        HealthCheckResult withStatus = result.withHttpStatus(204);

        assertThat(result.httpStatus()).isEmpty();
        assertThat(withStatus.httpStatus()).hasValue(204);
        assertThat(withStatus.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(withStatus.latency()).contains(Duration.ofMillis(9));
        assertThat(withStatus)
                .isNotEqualTo(result)
                .isEqualTo(result.withHttpStatus(204))
                .hasSameHashCodeAs(result.withHttpStatus(204));
        assertThat(withStatus.toString()).contains("http=204");
        assertThat(HealthCheckResult.failed(PROXY, HealthStatus.AUTH_FAILED, "HTTP 407", T0)
                        .withHttpStatus(407)
                        .httpStatus())
                .hasValue(407);
    }

    @Test
    void an_http_status_outside_100_to_599_is_rejected_naming_it() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HealthCheckResult(PROXY, HealthStatus.HEALTHY, Duration.ZERO, T0, null, 99))
                .withMessage("httpStatus must be 100..599, was 99");
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        HealthCheckResult.healthy(PROXY, Duration.ZERO, T0).withHttpStatus(600))
                .withMessage("httpStatus must be 100..599, was 600");
    }
}
