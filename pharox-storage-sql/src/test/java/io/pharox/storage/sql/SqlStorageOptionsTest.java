package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlStorageOptionsTest {

    @Test
    void defaults_bound_statements_to_30_s_and_lock_waits_to_10_s() {
        assertThat(SqlStorageOptions.defaults().statementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(SqlStorageOptions.defaults().lockTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void timeouts_from_1_ms_to_24_h_in_whole_milliseconds_are_accepted() {
        SqlStorageOptions options = SqlStorageOptions.builder()
                .statementTimeout(Duration.ofHours(24))
                .lockTimeout(Duration.ofMillis(1))
                .build();

        assertThat(options.statementTimeout()).isEqualTo(Duration.ofHours(24));
        assertThat(options.lockTimeout()).isEqualTo(Duration.ofMillis(1));
        assertThat(StatementBounds.of(options).settingStatement())
                .isEqualTo("select set_config('statement_timeout', '86400000', true),"
                        + " set_config('lock_timeout', '1', true), set_config('jit', 'off', true)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S", "PT0.0009S", "PT0.0015S", "PT24H0.001S", "PT2562047788015215H"})
    void a_statement_timeout_outside_1_ms_to_24_h_or_finer_than_a_millisecond_is_named(String text) {
        Duration timeout = Duration.parse(text);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> SqlStorageOptions.builder().statementTimeout(timeout))
                .withMessage("statementTimeout must be whole milliseconds between PT0.001S and PT24H, was " + timeout);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SqlStorageOptions.builder().lockTimeout(timeout))
                .withMessage("lockTimeout must be whole milliseconds between PT0.001S and PT24H, was " + timeout);
    }

    @Test
    void a_lock_timeout_longer_than_the_statement_timeout_is_named() {
        SqlStorageOptions.Builder builder = SqlStorageOptions.builder()
                .statementTimeout(Duration.ofSeconds(1))
                .lockTimeout(Duration.ofSeconds(2));

        assertThatIllegalArgumentException()
                .isThrownBy(builder::build)
                .withMessage("lockTimeout must not exceed statementTimeout (PT1S), was PT2S");
    }

    @Test
    void null_timeouts_are_named() {
        assertThatNullPointerException()
                .isThrownBy(() -> SqlStorageOptions.builder().statementTimeout(null))
                .withMessage("statementTimeout");
        assertThatNullPointerException()
                .isThrownBy(() -> SqlStorageOptions.builder().lockTimeout(null))
                .withMessage("lockTimeout");
    }
}
