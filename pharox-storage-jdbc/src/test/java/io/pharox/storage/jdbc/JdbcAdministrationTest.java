package io.pharox.storage.jdbc;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.AdministrationSqlContract;
import io.pharox.testkit.postgres.TestSchema;

/** The JDBC adapter's pool administration on PostgreSQL: large and colliding batches, deletions racing acquires. */
class JdbcAdministrationTest extends AdministrationSqlContract {

    @Override
    protected ProxyStorage storage(TestSchema db) {
        return new JdbcStorage(db.dataSource(), db.name());
    }
}
