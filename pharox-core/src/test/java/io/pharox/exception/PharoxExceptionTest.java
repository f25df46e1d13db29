package io.pharox.exception;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.LeaseStatus;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Domain errors are unchecked, share one root and name the offending value. */
class PharoxExceptionTest {

    private static final UUID ID = UUID.fromString("0190f3c2-0000-7000-8000-000000000042");

    @Test
    void every_domain_error_is_an_unchecked_pharox_exception() {
        assertThat(new PoolNotFoundException("eu")).isInstanceOf(PharoxException.class);
        assertThat(new PoolAlreadyExistsException("eu")).isInstanceOf(PharoxException.class);
        assertThat(new ProxyNotFoundException(ID)).isInstanceOf(PharoxException.class);
        assertThat(new ProxyAlreadyExistsException("x")).isInstanceOf(PharoxException.class);
        assertThat(new LeaseNotFoundException(ID)).isInstanceOf(PharoxException.class);
        assertThat(new LeaseNotActiveException(ID, LeaseStatus.RELEASED)).isInstanceOf(PharoxException.class);
        assertThat(new StorageException("down", new IOException())).isInstanceOf(PharoxException.class);
        assertThat(new PharoxException("x")).isInstanceOf(RuntimeException.class);
    }

    @Test
    void pool_errors_name_the_pool() {
        PoolNotFoundException notFound = new PoolNotFoundException("eu-west");

        assertThat(notFound).hasMessage("pool 'eu-west' does not exist");
        assertThat(notFound.pool()).isEqualTo("eu-west");
        assertThat(new PoolAlreadyExistsException("eu-west")).hasMessage("pool 'eu-west' already exists");
    }

    @Test
    void proxy_and_lease_errors_name_the_id() {
        assertThat(new ProxyNotFoundException(ID)).hasMessage("proxy " + ID + " does not exist");
        assertThat(new LeaseNotFoundException(ID)).hasMessage("lease " + ID + " does not exist");
        assertThat(new ProxyAlreadyExistsException("10.0.0.1:8080 in pool 'eu'"))
                .hasMessage("proxy 10.0.0.1:8080 in pool 'eu' already exists");
    }

    @Test
    void a_lease_that_is_not_active_names_the_lease_and_its_status() {
        LeaseNotActiveException e = new LeaseNotActiveException(ID, LeaseStatus.EXPIRED);

        assertThat(e).hasMessage("lease " + ID + " is EXPIRED and cannot be renewed");
        assertThat(e.status()).isEqualTo(LeaseStatus.EXPIRED);
    }

    @Test
    void errors_keep_their_cause() {
        IOException cause = new IOException("connection reset");

        assertThat(new StorageException("storage failed", cause))
                .hasMessage("storage failed")
                .hasCause(cause);
        assertThat(new PharoxException("x", cause)).hasCause(cause);
    }
}
