package io.pharox.reliability;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC adapter: no proxy or database password in any log line or exception, everything at TRACE. */
class JdbcCredentialTraceTest extends SqlCredentialTraceContract {

    @BeforeAll
    static void openSchema() {
        open("pharox_trace_jdbc");
    }

    @Override
    protected ProxyStorage createAdapter() {
        db.truncate();
        return new JdbcStorage(dataSource(), db.name(), TraceOptions.sql());
    }
}
