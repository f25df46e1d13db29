package io.pharox.storage.jpa;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.RetriedStatementsContract;
import io.pharox.storage.sql.SqlStorageOptions;
import jakarta.persistence.EntityManagerFactory;
import javax.sql.DataSource;

/** The JPA adapter's retried statements, heard by its storage listener. */
class JpaRetriedStatementsTest extends RetriedStatementsContract {

    private EntityManagerFactory emf;

    @Override
    protected String schemaPrefix() {
        return "pharox_jpa_retried";
    }

    @Override
    protected void openAdapter(DataSource oneConnection, String schema) {
        emf = JpaStorage.entityManagerFactory(oneConnection, schema);
    }

    @Override
    protected void closeAdapter() {
        emf.close();
    }

    @Override
    protected ProxyStorage storage(DataSource oneConnection, String schema, SqlStorageOptions options) {
        return new JpaStorage(emf, options);
    }
}
