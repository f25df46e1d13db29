package io.pharox.spring.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A data source on a local port where nothing listens: every connection is refused. */
final class ClosedPort {

    private ClosedPort() {}

    static DataSource dataSource() {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:" + port + "/test");
        ds.setUser("postgres");
        ds.setConnectTimeout(2);
        return ds;
    }
}
