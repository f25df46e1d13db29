package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.ProxyStorageContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole contract suite, the bad-input catalogue included, with every logger of the JVM at
 * TRACE (Pharox, Hibernate, jOOQ, the PostgreSQL driver, HikariCP, Flyway: see
 * {@link SecretScan}) and every proxy carrying a secret password ({@link
 * SecretInjectingStorage}): afterwards, no proxy password and no database password may appear
 * in any log line, exception message or cause chain.
 *
 * <p>Runs in the {@code credential-trace} execution of this module's surefire configuration,
 * a JVM of its own whose logging is at TRACE from its start.
 */
abstract class CredentialTraceContract extends ProxyStorageContract {

    /** The scan of this JVM. */
    static SecretScan scan;

    @BeforeAll
    static void startScan() {
        scan = SecretScan.active();
        scan.reset();
    }

    @AfterAll
    static void noSecretLeaked() {
        assertThat(scan.lines()).as("log lines seen at TRACE").isPositive();
        assertThat(scan.exceptions()).as("exceptions checked").isPositive();
        List<String> leaks = scan.leaks();
        assertThat(leaks.subList(0, Math.min(20, leaks.size())))
                .as("secrets found in %s log lines or exceptions (the first 20)", leaks.size())
                .isEmpty();
    }

    /** The adapter under test, for one test of the suite. */
    protected abstract ProxyStorage createAdapter();

    @Override
    protected final ProxyStorage createStorage() {
        return new SecretInjectingStorage(createAdapter(), scan);
    }
}
