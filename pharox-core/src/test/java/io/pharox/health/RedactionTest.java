package io.pharox.health;

import io.pharox.Fixtures;
import io.pharox.model.Proxy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The second line of defence: text from elsewhere is masked before it becomes a detail. */
class RedactionTest {

    @Test
    void a_password_inside_a_detail_is_masked() {
        Proxy proxy = Fixtures.proxy().credentials("alice", "pa55word!").build();

        assertThat(HealthChecker.redact("server said pa55word! twice: pa55word!", proxy))
                .isEqualTo("server said **** twice: ****");
    }

    @Test
    void details_of_proxies_without_a_password_or_with_a_very_short_one_are_unchanged() {
        assertThat(HealthChecker.redact("connection refused", Fixtures.proxy().build())).isEqualTo("connection refused");
        assertThat(HealthChecker.redact("connection refused", Fixtures.proxy().credentials("bob", "e").build()))
                .isEqualTo("connection refused");
    }
}
