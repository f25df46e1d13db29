package io.pharox.server;

import io.pharox.ProxyManager;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;

/**
 * A server on a free port over a fresh PostgreSQL schema, with an admin key for every pool and a
 * consumer key for the pools {@code alpha} and {@code big} only.
 */
final class TestServer implements AutoCloseable {

    final TestSchema db;
    final JdbcStorage storage;
    final ProxyManager manager;
    final ApiKeys keys;
    final PharoxServer server;
    final String adminKey;
    final String consumerKey;

    private TestServer(String prefix, int connections, Consumer<PharoxServer.Builder> custom) {
        db = TestSchema.migrated(prefix, connections);
        storage = new JdbcStorage(
                db.dataSource(),
                db.name(),
                SqlStorageOptions.builder().allowPlaintextCredentials().build());
        manager = ProxyManager.of(storage);
        keys = new ApiKeys(db.dataSource(), db.name());
        keys.migrate();
        adminKey = keys.create("admin", Role.ADMIN, List.of("*")).secret();
        consumerKey =
                keys.create("consumer", Role.CONSUMER, List.of("alpha", "big")).secret();
        PharoxServer.Builder builder = PharoxServer.builder(manager, keys);
        custom.accept(builder);
        server = builder.build().start("127.0.0.1", 0);
    }

    static TestServer start(String prefix) {
        return new TestServer(prefix, 20, b -> {});
    }

    static TestServer start(String prefix, int connections, Consumer<PharoxServer.Builder> custom) {
        return new TestServer(prefix, connections, custom);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Override
    public void close() {
        server.stop();
        storage.close();
        db.close();
    }
}
