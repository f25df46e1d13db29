package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.testkit.postgres.TestSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys are stored as SHA-256 hashes only, scoped and revocable; the command line creates them. */
class ApiKeysTest {

    @Test
    void onlyTheHashIsStoredAndTheKeyAuthenticates() throws Exception {
        try (TestSchema db = TestSchema.migrated("server_keys", 2)) {
            ApiKeys keys = new ApiKeys(db.dataSource(), db.name());
            keys.migrate();
            keys.migrate();
            ApiKeys.CreatedKey created = keys.create("crawler", Role.CONSUMER, List.of("a", "b"));
            assertThat(created.secret()).startsWith(ApiKeys.PREFIX).hasSizeGreaterThan(40);
            assertThat(created.toString()).doesNotContain(created.secret());

            try (Connection c = db.dataSource().getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM \"" + db.name() + "\".pharox_server_api_key")) {
                assertThat(rs.next()).isTrue();
                byte[] stored = rs.getBytes("key_hash");
                assertThat(stored).isEqualTo(ApiKeys.hash(created.secret())).hasSize(32);
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    String value = rs.getString(i);
                    assertThat(value == null ? "" : value)
                            .doesNotContain(created.secret().substring(7));
                }
                assertThat(HexFormat.of().formatHex(stored)).doesNotContain(created.secret());
            }

            ApiKey key = keys.authenticate(created.secret()).orElseThrow();
            assertThat(key.role()).isEqualTo(Role.CONSUMER);
            assertThat(key.mayUse("a")).isTrue();
            assertThat(key.mayUse("c")).isFalse();
            assertThat(keys.authenticate(created.secret() + "x")).isEmpty();
            assertThatThrownBy(() -> keys.create("crawler", Role.ADMIN, List.of("*")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("crawler");
            assertThatThrownBy(() -> keys.create("nobody", Role.ADMIN, List.of()))
                    .isInstanceOf(IllegalArgumentException.class);

            assertThat(keys.revoke("crawler")).isTrue();
            assertThat(keys.authenticate(created.secret())).isEmpty();
            assertThat(keys.revoke("crawler")).isFalse();
        }
    }

    @Test
    void theCommandLineCreatesListsAndRevokesKeys() {
        try (TestSchema db = TestSchema.empty("server_cli", 2)) {
            String url = db.postgres().url();
            String user =
                    db.postgres().user() == null ? "postgres" : db.postgres().user();
            Map<String, String> env = db.postgres().password() == null
                    ? Map.of()
                    : Map.of(ServerMain.PASSWORD_ENV, db.postgres().password());
            String[] common = {"--db-url", url, "--db-user", user, "--schema", db.name()};

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = ServerMain.run(
                    concat(new String[] {"create-key", "--name", "ops", "--role", "admin", "--pools", "*"}, common),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    env);
            assertThat(status).isZero();
            String secret = out.toString(StandardCharsets.UTF_8).strip();
            assertThat(secret).startsWith(ApiKeys.PREFIX);
            ApiKey key =
                    new ApiKeys(db.dataSource(), db.name()).authenticate(secret).orElseThrow();
            assertThat(key.role()).isEqualTo(Role.ADMIN);
            assertThat(key.allPools()).isTrue();

            ByteArrayOutputStream listed = new ByteArrayOutputStream();
            ServerMain.run(
                    concat(new String[] {"list-keys"}, common),
                    new PrintStream(listed, true, StandardCharsets.UTF_8),
                    env);
            assertThat(listed.toString(StandardCharsets.UTF_8))
                    .contains("ops\tADMIN\t*")
                    .doesNotContain(secret);

            assertThatThrownBy(() -> ServerMain.run(
                            new String[] {"serve", "--db-password", "x"},
                            new PrintStream(new ByteArrayOutputStream()),
                            env))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(ServerMain.PASSWORD_ENV);
            assertThatThrownBy(() -> ServerMain.run(
                            concat(
                                    new String[] {"create-key", "--name", "x", "--role", "root", "--pools", "*"},
                                    common),
                            new PrintStream(new ByteArrayOutputStream()),
                            env))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("root");

            assertThat(ServerMain.run(
                            concat(new String[] {"revoke-key", "--name", "ops"}, common),
                            new PrintStream(new ByteArrayOutputStream()),
                            env))
                    .isZero();
            assertThat(new ApiKeys(db.dataSource(), db.name()).authenticate(secret))
                    .isEmpty();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
