package io.pharox.storage.jdbc;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.storage.sql.StatementBoundsContract;
import javax.sql.DataSource;

/** The JDBC adapter's statement and lock timeouts. */
class JdbcStatementBoundsTest extends StatementBoundsContract {

    @Override
    protected String schemaPrefix() {
        return "pharox_bounds";
    }

    @Override
    protected ProxyStorage storage(DataSource oneConnection, String schema, SqlStorageOptions options) {
        return new JdbcStorage(oneConnection, schema, options);
    }
}
