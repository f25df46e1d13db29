package io.pharox.reliability;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jpa.JpaStorage;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The JPA adapter: no proxy or database password in any log line or exception, everything at TRACE. */
class JpaCredentialTraceTest extends SqlCredentialTraceContract {

    private static EntityManagerFactory emf;

    @BeforeAll
    static void openSchema() {
        open("pharox_trace_jpa");
        emf = JpaStorage.entityManagerFactory(dataSource(), db.name());
    }

    @AfterAll
    static void closeFactory() {
        if (emf != null) {
            emf.close();
        }
    }

    @Override
    protected ProxyStorage createAdapter() {
        db.truncate();
        return new JpaStorage(emf, TraceOptions.sql());
    }
}
