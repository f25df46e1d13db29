package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.StorageException;
import io.pharox.model.Proxy;
import io.pharox.storage.StorageListener;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SqlFailuresTest {

    private static final SQLException DRIVER = new SQLException("driver says no");
    private static final Proxy PROXY =
            Proxy.builder().poolId(UUID.randomUUID()).address("10.0.0.1", 3128).build();

    @Test
    void storage_failures_say_in_words_what_the_sql_state_means() {
        assertThat(SqlFailures.messageFor("57P01"))
                .isEqualTo("database connection terminated by the server (SQL state 57P01)");
        assertThat(SqlFailures.messageFor("08006")).isEqualTo("database connection lost (SQL state 08006)");
        assertThat(SqlFailures.messageFor("08003")).isEqualTo("database connection lost (SQL state 08003)");
        assertThat(SqlFailures.messageFor("08001")).isEqualTo("database unreachable: cannot connect (SQL state 08001)");
        assertThat(SqlFailures.messageFor("57P03"))
                .isEqualTo("database server is starting up or shutting down (SQL state 57P03)");
        assertThat(SqlFailures.messageFor("53300")).isEqualTo("database server out of resources (SQL state 53300)");
        assertThat(SqlFailures.messageFor("40P01"))
                .isEqualTo("database operation rolled back as a deadlock victim (SQL state 40P01)");
        assertThat(SqlFailures.messageFor("42P01")).isEqualTo("database operation failed (SQL state 42P01)");
        assertThat(SqlFailures.messageFor(null)).isEqualTo("database operation failed (no SQL state)");
    }

    @Test
    void violated_constraints_of_the_schema_become_domain_exceptions() {
        assertThat(SqlFailures.translate(
                        "23505",
                        "duplicate key value violates unique constraint \"pool_name_key\"",
                        DRIVER,
                        "eu",
                        null))
                .isInstanceOf(PoolAlreadyExistsException.class)
                .hasMessageContaining("eu");
        assertThat(SqlFailures.translate("23505", "violates unique constraint \"proxy_pkey\"", DRIVER, null, PROXY))
                .isInstanceOf(ProxyAlreadyExistsException.class)
                .hasMessageContaining(PROXY.id().toString());
        assertThat(SqlFailures.translate(
                        "23505", "violates unique constraint \"proxy_address_key\"", DRIVER, null, PROXY))
                .isInstanceOf(ProxyAlreadyExistsException.class)
                .hasMessageContaining("10.0.0.1:3128");
        assertThat(SqlFailures.translate(
                        "23503", "violates foreign key constraint \"proxy_pool_fkey\"", DRIVER, null, PROXY))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(PROXY.poolId().toString());
    }

    @Test
    void anything_else_is_a_storage_exception_with_the_driver_error_as_cause() {
        assertThat(SqlFailures.translate("23505", "violates unique constraint \"other_key\"", DRIVER, "eu", PROXY))
                .isExactlyInstanceOf(StorageException.class)
                .hasCause(DRIVER);
        assertThat(SqlFailures.translate("57P01", null, DRIVER, null, null))
                .isInstanceOf(StorageException.class)
                .hasMessage("database connection terminated by the server (SQL state 57P01)")
                .hasCause(DRIVER);
    }

    @Test
    void rolled_back_work_runs_again_until_it_succeeds() {
        AtomicInteger attempts = new AtomicInteger();

        String result = SqlFailures.retrying(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw SqlFailures.translate("40P01", "deadlock detected", DRIVER, null, null);
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void each_retry_is_told_to_the_listener_with_its_operation_and_sql_state() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> heard = new CopyOnWriteArrayList<>();
        StorageListener listener = new StorageListener() {
            @Override
            public void onStatementRetried(String operation, String sqlState) {
                heard.add(operation + " " + sqlState);
                throw new IllegalStateException("listener bug");
            }
        };

        String result = SqlFailures.retrying("report", listener, () -> {
            int attempt = attempts.incrementAndGet();
            if (attempt < 3) {
                throw SqlFailures.translate(attempt == 1 ? "40P01" : "40001", "rolled back", DRIVER, null, null);
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(heard).containsExactly("report 40P01", "report 40001");
    }

    @Test
    void a_failure_that_is_not_retried_is_not_told_to_the_listener() {
        List<String> heard = new CopyOnWriteArrayList<>();
        StorageListener listener = new StorageListener() {
            @Override
            public void onStatementRetried(String operation, String sqlState) {
                heard.add(operation + " " + sqlState);
            }
        };

        assertThatThrownBy(() -> SqlFailures.retrying("release", listener, () -> {
                    throw SqlFailures.translate("55P03", "lock timeout", DRIVER, null, null);
                }))
                .isInstanceOf(StorageException.class);
        assertThat(heard).isEmpty();
    }

    @Test
    void rolled_back_work_gives_up_after_the_last_attempt() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> SqlFailures.retrying(() -> {
                    attempts.incrementAndGet();
                    throw SqlFailures.translate("40001", "could not serialize access", DRIVER, null, null);
                }))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("serialization failure");
        assertThat(attempts).hasValue(SqlFailures.ATTEMPTS);
    }

    @Test
    void timeouts_say_which_bound_canceled_the_statement_and_are_not_retried() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> SqlFailures.retrying(() -> {
                    attempts.incrementAndGet();
                    throw SqlFailures.translate("55P03", "canceling statement due to lock timeout", DRIVER, null, null);
                }))
                .isInstanceOf(StorageException.class)
                .hasMessage("database statement canceled: it waited for a lock longer than the lock timeout"
                        + " (SQL state 55P03)");
        assertThat(attempts).hasValue(1);
        assertThat(SqlFailures.translate("57014", "canceling statement due to statement timeout", DRIVER, null, null))
                .hasMessage("database statement canceled: it ran longer than the statement timeout (SQL state 57014)");
        assertThat(SqlFailures.translate("57014", "canceling statement due to user request", DRIVER, null, null))
                .hasMessage("database statement canceled (SQL state 57014)");
    }

    @Test
    void other_failures_are_not_retried() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> SqlFailures.retrying(() -> {
                    attempts.incrementAndGet();
                    throw SqlFailures.translate("08006", "I/O error", DRIVER, null, null);
                }))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("connection lost");
        assertThat(attempts).hasValue(1);
    }

    private static StorageException failure(String state, String message) {
        return (StorageException)
                SqlFailures.translate(new RuntimeException("wrapped", new SQLException(message, state)), null, null);
    }

    @Test
    void a_lost_connection_is_in_doubt_and_a_failure_to_connect_is_not() {
        assertThat(SqlFailures.connectionLost(failure("08006", "An I/O error occurred while sending to the backend.")))
                .isTrue();
        assertThat(SqlFailures.connectionLost(failure("08003", "This connection has been closed.")))
                .isTrue();
        assertThat(SqlFailures.connectionLost(failure("57P01", "terminating connection due to administrator command")))
                .isTrue();
        assertThat(SqlFailures.connectionLost(failure("08001", "Connection refused")))
                .isFalse();
        assertThat(SqlFailures.connectionLost(failure("40P01", "deadlock detected")))
                .isFalse();
        assertThat(SqlFailures.connectionLost(failure("23505", "duplicate key")))
                .isFalse();
        assertThat(SqlFailures.connectionLost(new StorageException("no SQL cause", null)))
                .isFalse();
    }

    @Test
    void a_taken_lease_id_is_recognised_by_its_constraint() {
        assertThat(SqlFailures.leaseIdTaken(
                        failure("23505", "duplicate key value violates unique constraint \"lease_pkey\"")))
                .isTrue();
        assertThat(SqlFailures.leaseIdTaken(
                        failure("23505", "duplicate key value violates unique constraint \"proxy_pkey\"")))
                .isFalse();
    }

    @Test
    void work_whose_connection_is_lost_runs_again_and_learns_that_the_attempt_before_was_in_doubt() {
        List<Boolean> afterDoubt = new ArrayList<>();

        String result = SqlFailures.recovering(doubt -> {
            afterDoubt.add(doubt);
            if (afterDoubt.size() < SqlFailures.RECOVERY_ATTEMPTS) {
                throw failure("08006", "An I/O error occurred while sending to the backend.");
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(afterDoubt).containsExactly(false, true, true);
    }

    @Test
    void work_whose_connection_keeps_being_lost_fails_after_the_last_attempt() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> SqlFailures.recovering(doubt -> {
                    attempts.incrementAndGet();
                    throw failure("08006", "An I/O error occurred while sending to the backend.");
                }))
                .isInstanceOf(StorageException.class)
                .hasMessage("database connection lost (SQL state 08006)");
        assertThat(attempts).hasValue(SqlFailures.RECOVERY_ATTEMPTS);
    }

    @Test
    void a_failure_to_connect_or_of_the_statement_is_not_run_again() {
        for (String state : List.of("08001", "42P01", "23505")) {
            AtomicInteger attempts = new AtomicInteger();

            assertThatThrownBy(() -> SqlFailures.recovering(doubt -> {
                        attempts.incrementAndGet();
                        throw failure(state, "no");
                    }))
                    .isInstanceOf(StorageException.class);
            assertThat(attempts).as(state).hasValue(1);
        }
    }

    @Test
    void work_that_the_caller_calls_resumable_runs_again() {
        AtomicInteger attempts = new AtomicInteger();

        String result = SqlFailures.recovering(SqlFailures::leaseIdTaken, doubt -> {
            if (attempts.incrementAndGet() == 1) {
                throw failure("23505", "duplicate key value violates unique constraint \"lease_pkey\"");
            }
            return doubt ? "looked up" : "claimed";
        });

        assertThat(result).isEqualTo("looked up");
    }
}
