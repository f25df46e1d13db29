package io.pharox.storage.jpa;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.CredentialsAtRestContract;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The JPA adapter's credentials at rest: sealed, rotated, and a named error for a wrong or missing key. */
class JpaCredentialsAtRestTest extends CredentialsAtRestContract {

    private @Nullable EntityManagerFactory emf;

    @Override
    protected ProxyStorage storage(TestSchema db, SqlStorageOptions options) {
        if (emf == null) {
            emf = JpaStorage.entityManagerFactory(db.dataSource(), db.name());
        }
        return new JpaStorage(emf, options);
    }

    @Override
    protected int rotate(ProxyStorage storage, int batchSize) {
        return ((JpaStorage) storage).rotateCredentials(batchSize);
    }

    @Override
    protected int migrate(DataSource dataSource, String schema, SqlStorageOptions options) {
        return JpaStorage.migrate(dataSource, schema, options);
    }

    @Override
    protected void closeStorages() {
        if (emf != null) {
            emf.close();
        }
    }
}
