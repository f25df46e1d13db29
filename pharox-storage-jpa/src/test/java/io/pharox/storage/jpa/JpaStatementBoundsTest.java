package io.pharox.storage.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.StorageException;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.storage.sql.StatementBoundsContract;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The JPA adapter's statement and lock timeouts, for the engine's statements and Hibernate's. */
class JpaStatementBoundsTest extends StatementBoundsContract {

    private EntityManagerFactory emf;

    @Override
    protected String schemaPrefix() {
        return "pharox_jpa_bounds";
    }

    @Override
    protected void openAdapter(DataSource oneConnection, String schema) {
        emf = JpaStorage.entityManagerFactory(oneConnection, schema);
    }

    @Override
    protected void closeAdapter() {
        db().execute("DROP TRIGGER IF EXISTS slow_pool_insert ON " + db().name() + ".pool");
        emf.close();
    }

    @Override
    protected ProxyStorage storage(DataSource oneConnection, String schema, SqlStorageOptions options) {
        return new JpaStorage(emf, options);
    }

    @Test
    void a_hibernate_statement_that_runs_past_the_statement_timeout_is_canceled_and_named() {
        db().execute("CREATE OR REPLACE FUNCTION " + db().name() + ".sleep_a_minute() RETURNS trigger"
                + " LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$");
        db().execute("CREATE TRIGGER slow_pool_insert BEFORE INSERT ON " + db().name() + ".pool"
                + " FOR EACH ROW EXECUTE FUNCTION " + db().name() + ".sleep_a_minute()");
        ProxyStorage impatient = storage(Duration.ofMillis(200), Duration.ofMillis(200));

        assertThatThrownBy(() -> impatient.createPool("slow", ""))
                .isInstanceOf(StorageException.class)
                .hasMessage(STATEMENT_TIMEOUT_MESSAGE);
        assertThat(storage().findPool("slow")).isEmpty();
    }
}
