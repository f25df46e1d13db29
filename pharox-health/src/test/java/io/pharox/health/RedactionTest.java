package io.pharox.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import org.junit.jupiter.api.Test;

/** The second line of defence: text from elsewhere is masked before it becomes a detail. */
class RedactionTest {

    @Test
    void a_password_inside_a_detail_is_masked() {
        Proxy proxy = TestProxies.on(ProxyProtocol.HTTP, 8080)
                .credentials("alice", "pa55word!")
                .build();

        assertThat(HealthChecker.redact("server said pa55word! twice: pa55word!", proxy))
                .isEqualTo("server said **** twice: ****");
    }

    @Test
    void details_of_proxies_without_a_password_or_with_a_very_short_one_are_unchanged() {
        assertThat(HealthChecker.redact(
                        "connection refused",
                        TestProxies.on(ProxyProtocol.HTTP, 8080).build()))
                .isEqualTo("connection refused");
        assertThat(HealthChecker.redact(
                        "connection refused",
                        TestProxies.on(ProxyProtocol.HTTP, 8080)
                                .credentials("bob", "e")
                                .build()))
                .isEqualTo("connection refused");
    }
}
