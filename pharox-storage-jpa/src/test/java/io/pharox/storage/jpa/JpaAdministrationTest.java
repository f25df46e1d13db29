package io.pharox.storage.jpa;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.AdministrationSqlContract;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import org.jspecify.annotations.Nullable;

/** The JPA adapter's pool administration on PostgreSQL: large and colliding batches, deletions racing acquires. */
class JpaAdministrationTest extends AdministrationSqlContract {

    private @Nullable EntityManagerFactory emf;

    @Override
    protected ProxyStorage storage(TestSchema db) {
        if (emf == null) {
            emf = JpaStorage.entityManagerFactory(db.dataSource(), db.name());
        }
        return new JpaStorage(emf);
    }

    @Override
    protected void closeStorages() {
        if (emf != null) {
            emf.close();
        }
    }
}
