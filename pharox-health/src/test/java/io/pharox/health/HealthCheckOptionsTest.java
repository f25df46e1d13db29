package io.pharox.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class HealthCheckOptionsTest {

    @Test
    void the_defaults_are_documented_ones() {
        HealthCheckOptions options =
                HealthCheckOptions.builder("https://example.com/health").build();

        assertThat(options.target()).isEqualTo(URI.create("https://example.com/health"));
        assertThat(options.targetIsHttps()).isTrue();
        assertThat(options.targetPort()).isEqualTo(443);
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.expectedStatuses())
                .hasSize(100)
                .contains(200, 204, 299)
                .doesNotContain(301);
        assertThat(options.slowThreshold()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.retries()).isZero();
        assertThat(options.concurrency()).isEqualTo(16);
        assertThat(options.sslContext()).isEmpty();
        assertThat(options.resolveTargetLocally()).isFalse();
        assertThat(options.redirects()).isEqualTo(RedirectPolicy.NEVER);
        assertThat(options.headers()).isEmpty();
    }

    @Test
    void every_value_can_be_set() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        HealthCheckOptions options = HealthCheckOptions.builder(URI.create("http://10.0.0.9:8081/ping"))
                .connectTimeout(Duration.ofMillis(300))
                .readTimeout(Duration.ofMillis(700))
                .expectedStatuses(200, 204)
                .slowThreshold(Duration.ofMillis(900))
                .retries(2)
                .concurrency(3)
                .sslContext(context)
                .resolveTargetLocally(true)
                .followRedirects(3)
                .build();

        assertThat(options.targetIsHttps()).isFalse();
        assertThat(options.targetPort()).isEqualTo(8081);
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(options.readTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(options.expectedStatuses()).containsExactlyInAnyOrder(200, 204);
        assertThat(options.slowThreshold()).isEqualTo(Duration.ofMillis(900));
        assertThat(options.retries()).isEqualTo(2);
        assertThat(options.concurrency()).isEqualTo(3);
        assertThat(options.sslContext()).containsSame(context);
        assertThat(options.resolveTargetLocally()).isTrue();
        assertThat(options.redirects()).isEqualTo(RedirectPolicy.follow(3));
        assertThat(options.toString())
                .contains(
                        "http://10.0.0.9:8081/ping",
                        "expectedStatuses=200, 204",
                        "retries=2",
                        "resolveTargetLocally",
                        "redirects=FOLLOW(3)");
    }

    @Test
    void the_default_port_of_a_plain_http_target_is_80() {
        assertThat(HealthCheckOptions.builder("http://example.com").build().targetPort())
                .isEqualTo(80);
    }

    @Test
    void a_target_that_is_not_an_http_url_is_rejected_naming_it() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckOptions.builder("ftp://example.com/"))
                .withMessage("target must be an http or https URL, was 'ftp://example.com/'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckOptions.builder("/relative"))
                .withMessage("target must be an http or https URL, was '/relative'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckOptions.builder("http:///nohost"))
                .withMessage("target must name a host, was 'http:///nohost'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckOptions.builder("http://exa mple.com"))
                .withMessageStartingWith("target must be a valid URL, was 'http://exa mple.com'");
        assertThatNullPointerException()
                .isThrownBy(() -> HealthCheckOptions.builder((URI) null))
                .withMessage("target");
    }

    @Test
    void a_target_carrying_credentials_is_rejected_without_repeating_them() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HealthCheckOptions.builder("https://bob:hunter22@example.com/"))
                .withMessageContaining("example.com")
                .withMessageNotContaining("hunter22");
    }

    @Test
    void timeouts_and_thresholds_must_be_positive() {
        HealthCheckOptions.Builder builder = HealthCheckOptions.builder("http://example.com");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.connectTimeout(Duration.ZERO))
                .withMessage("connectTimeout must be positive, was PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.readTimeout(Duration.ofMillis(-5)))
                .withMessage("readTimeout must be positive, was PT-0.005S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.slowThreshold(Duration.ZERO))
                .withMessage("slowThreshold must be positive, was PT0S");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.readTimeout(Duration.ofDays(30)))
                .withMessageStartingWith("readTimeout must be at most");
        assertThatNullPointerException()
                .isThrownBy(() -> builder.connectTimeout(null))
                .withMessage("connectTimeout");
    }

    @Test
    void retries_concurrency_and_statuses_are_bounded() {
        HealthCheckOptions.Builder builder = HealthCheckOptions.builder("http://example.com");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.retries(-1))
                .withMessage("retries must be 0..10, was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.retries(11))
                .withMessage("retries must be 0..10, was 11");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.concurrency(0))
                .withMessage("concurrency must be 1..10000, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.expectedStatuses(Set.of()))
                .withMessage("expectedStatuses must not be empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.expectedStatuses(200, 600))
                .withMessage("expected statuses must be 100..599, was 600");
    }

    @Test
    void headers_keep_their_order_replace_one_of_the_same_name_and_show_no_value() {
        HealthCheckOptions options = HealthCheckOptions.builder("https://example.com/")
                .header("X-Probe", "one")
                .header("Authorization", "Bearer s3cret-token")
                .header("x-probe", "two")
                .build();

        assertThat(options.headers())
                .containsExactly(entry("Authorization", "Bearer s3cret-token"), entry("x-probe", "two"));
        assertThat(options.toString())
                .contains("headers=[Authorization, x-probe]")
                .doesNotContain("s3cret-token");
        assertThatThrownBy(() -> options.headers().put("X-Other", "v"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(HealthCheckOptions.builder("https://example.com/").build().headers())
                .isEmpty();
    }

    @Test
    void a_header_name_that_is_not_a_token_is_rejected_without_what_follows_the_bad_character() {
        HealthCheckOptions.Builder builder = HealthCheckOptions.builder("http://example.com");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.header("Authorization: Bearer s3cret", "x"))
                .withMessageStartingWith("header name must be an HTTP token")
                .withMessageEndingWith("'Authorization' is followed by ':' at index 13")
                .withMessageNotContaining("s3cret");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.header("X-Bad\r\nInjected: yes", "x"))
                .withMessageEndingWith("'X-Bad' is followed by U+000D at index 5");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.header(" X", "x"))
                .withMessageEndingWith("it starts with U+0020 at index 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.header("", "x"))
                .withMessage("header name must not be empty");
        assertThatNullPointerException()
                .isThrownBy(() -> builder.header(null, "x"))
                .withMessage("header name");
        assertThatNullPointerException()
                .isThrownBy(() -> builder.header("X-Probe", null))
                .withMessage("header value");
    }

    @Test
    void a_header_value_with_a_line_break_or_a_control_character_is_rejected_naming_the_header_only() {
        HealthCheckOptions.Builder builder = HealthCheckOptions.builder("http://example.com");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.header("X-Token", "s3cret\r\nX-Injected: yes"))
                .withMessage("value of header 'X-Token' must be one line of ISO-8859-1 text without control"
                        + " characters; found U+000D at index 6");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.header("X-Token", "s3cret\u0000"))
                .withMessageContaining("'X-Token'")
                .withMessageNotContaining("s3cret");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.header("X-Token", "price \u20ac"))
                .withMessageContaining("found U+20AC");
        assertThat(builder.header("X-Tabbed", "a\tb").build().headers()).containsEntry("X-Tabbed", "a\tb");
    }

    @Test
    void headers_the_checker_writes_itself_cannot_be_set() {
        HealthCheckOptions.Builder builder = HealthCheckOptions.builder("http://example.com");

        for (String name :
                List.of("Host", "connection", "Content-Length", "Transfer-Encoding", "Proxy-Authorization")) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> builder.header(name, "x"))
                    .withMessageStartingWith(
                            "header '" + name + "' is written by the health checker and cannot be set");
        }
    }

    @Test
    void a_redirect_policy_follows_1_to_20_hops_and_only_follow_has_hops() {
        assertThat(RedirectPolicy.follow(20).maxHops()).isEqualTo(20);
        assertThat(RedirectPolicy.ACCEPT).hasToString("ACCEPT");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RedirectPolicy.follow(0))
                .withMessage("maxHops must be 1..20 to follow redirects, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> HealthCheckOptions.builder("http://example.com").followRedirects(21))
                .withMessage("maxHops must be 1..20 to follow redirects, was 21");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RedirectPolicy(RedirectPolicy.Mode.NEVER, 2))
                .withMessage("maxHops must be 0 when redirects are not followed (NEVER), was 2");
        assertThatNullPointerException()
                .isThrownBy(
                        () -> HealthCheckOptions.builder("http://example.com").redirects(null))
                .withMessage("redirects");
        assertThat(List.of(300, 301, 302, 303, 304, 307, 308))
                .filteredOn(RedirectPolicy::isRedirect)
                .containsExactly(301, 302, 303, 307, 308);
    }

    @Test
    void expected_statuses_are_described_as_ranges() {
        assertThat(Probe.describeStatuses(HealthCheckOptions.SUCCESS_STATUSES)).isEqualTo("200-299");
        assertThat(Probe.describeStatuses(Set.of(204, 200, 301, 302))).isEqualTo("200, 204, 301-302");
    }
}
