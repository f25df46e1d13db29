package io.pharox.storage.jdbc;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.CredentialsAtRestContract;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import javax.sql.DataSource;

/** The JDBC adapter's credentials at rest: sealed, rotated, and a named error for a wrong or missing key. */
class JdbcCredentialsAtRestTest extends CredentialsAtRestContract {

    @Override
    protected ProxyStorage storage(TestSchema db, SqlStorageOptions options) {
        return new JdbcStorage(db.dataSource(), db.name(), options);
    }

    @Override
    protected int rotate(ProxyStorage storage, int batchSize) {
        return ((JdbcStorage) storage).rotateCredentials(batchSize);
    }

    @Override
    protected int migrate(DataSource dataSource, String schema, SqlStorageOptions options) {
        return JdbcStorage.migrate(dataSource, schema, options);
    }
}
