package io.pharox.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A test schema on the real test PostgreSQL: created, migrated or empty, emptied, dropped. */
class TestSchemaTest {

    @Test
    void a_migrated_schema_holds_pharox_tables_and_is_dropped_on_close() throws SQLException {
        String name;
        try (TestSchema db = TestSchema.migrated("pharox_testschema", 2)) {
            name = db.name();
            assertThat(name).startsWith("pharox_testschema_");
            assertThat(tables(db.postgres(), name))
                    .contains("lease", "pool", "pool_selector_state", "proxy", "consumer");
        }
        assertThat(schemaExists(TestPostgres.get(), name)).isFalse();
    }

    @Test
    void an_empty_schema_has_no_tables() throws SQLException {
        try (TestSchema db = TestSchema.empty("pharox_testschema", 1)) {
            assertThat(schemaExists(db.postgres(), db.name())).isTrue();
            assertThat(tables(db.postgres(), db.name())).isEmpty();
        }
    }

    @Test
    void truncate_empties_every_table_and_the_fingerprint_shows_it() {
        try (TestSchema db = TestSchema.migrated("pharox_testschema", 2)) {
            String empty = db.fingerprint();
            db.execute("INSERT INTO " + db.name()
                    + ".pool (id, name, description, created_at) VALUES (gen_random_uuid(), 'p', 'd', now())");
            assertThat(db.fingerprint()).isNotEqualTo(empty).contains("pool: 1 rows");

            db.truncate();

            assertThat(db.fingerprint()).isEqualTo(empty);
        }
    }

    @Test
    void a_failing_statement_is_an_error_naming_it_and_the_schema() {
        try (TestSchema db = TestSchema.empty("pharox_testschema", 1)) {
            assertThatIllegalStateException()
                    .isThrownBy(() -> db.execute("SELECT * FROM no_such_table"))
                    .withMessageContaining("SELECT * FROM no_such_table")
                    .withMessageContaining(db.name());
        }
    }

    @Test
    void bad_arguments_are_refused_naming_the_value() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TestSchema.migrated("Bad Prefix", 2))
                .withMessageContaining("bad prefix");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TestSchema.migrated("pharox_testschema", 0))
                .withMessageContaining("0");
    }

    private static List<String> tables(TestPostgres postgres, String schema) throws SQLException {
        try (Connection c = postgres.open();
                PreparedStatement s = c.prepareStatement(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'"
                                + " AND table_name NOT LIKE 'flyway%'")) {
            s.setString(1, schema);
            List<String> names = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        }
    }

    private static boolean schemaExists(TestPostgres postgres, String schema) throws SQLException {
        try (Connection c = postgres.open();
                PreparedStatement s =
                        c.prepareStatement("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
            s.setString(1, schema);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }
}
