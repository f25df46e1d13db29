package io.pharox.storage.sql;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the wait queue's listener takes its connection: one, held while any acquire of the
 * storage waits (and a few seconds after), and taken again after it is lost. It must be a
 * PostgreSQL JDBC connection (or unwrap to one).
 */
public interface ListenConnections {

    /** A new connection for {@code LISTEN}. */
    Connection open() throws SQLException;

    /** Gives back a connection {@link #open()} returned. Default: closes it. */
    default void close(Connection connection) throws SQLException {
        connection.close();
    }
}
