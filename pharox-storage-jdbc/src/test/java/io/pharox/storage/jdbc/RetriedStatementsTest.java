package io.pharox.storage.jdbc;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.sql.RetriedStatementsContract;
import io.pharox.storage.sql.SqlStorageOptions;
import javax.sql.DataSource;

/** The JDBC adapter's retried statements, heard by its storage listener. */
class RetriedStatementsTest extends RetriedStatementsContract {

    @Override
    protected String schemaPrefix() {
        return "pharox_retried";
    }

    @Override
    protected ProxyStorage storage(DataSource oneConnection, String schema, SqlStorageOptions options) {
        return new JdbcStorage(oneConnection, schema, options);
    }
}
