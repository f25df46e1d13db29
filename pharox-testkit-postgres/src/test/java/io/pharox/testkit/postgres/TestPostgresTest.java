package io.pharox.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the test database is found, against the real local PostgreSQL and a port where none listens. */
class TestPostgresTest {

    /** Port 1 on loopback: nothing listens there, so a connection is refused at once. */
    private static final String NOWHERE = "jdbc:postgresql://127.0.0.1:1/test?connectTimeout=2";

    @Test
    void the_environment_variable_wins_over_the_local_server() {
        Map<String, String> env =
                Map.of(TestPostgres.URL_ENV, TestPostgres.LOCAL_URL, TestPostgres.USER_ENV, "postgres");

        TestPostgres db = TestPostgres.locate(env::get, NOWHERE, Optional::empty);

        assertThat(db.url()).isEqualTo(TestPostgres.LOCAL_URL);
        assertThat(db.user()).isEqualTo("postgres");
    }

    @Test
    void an_unreachable_url_in_the_environment_is_an_error_naming_it() {
        Map<String, String> env = Map.of(TestPostgres.URL_ENV, NOWHERE);

        assertThatThrownBy(() -> TestPostgres.locate(env::get, TestPostgres.LOCAL_URL, Optional::empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestPostgres.URL_ENV)
                .hasMessageContaining(NOWHERE);
    }

    @Test
    void without_a_url_the_local_server_is_used() {
        TestPostgres db = TestPostgres.locate(name -> null, TestPostgres.LOCAL_URL, Optional::empty);

        assertThat(db.url()).isEqualTo(TestPostgres.LOCAL_URL);
    }

    @Test
    void the_container_is_the_fallback_when_no_server_answers() {
        TestPostgres container = TestPostgres.locate(name -> null, TestPostgres.LOCAL_URL, Optional::empty);

        assertThat(TestPostgres.locate(name -> null, NOWHERE, () -> Optional.of(container)))
                .isSameAs(container);
    }

    @Test
    void with_no_way_left_the_error_names_all_three() {
        assertThatThrownBy(() -> TestPostgres.locate(name -> null, NOWHERE, Optional::empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TestPostgres.URL_ENV)
                .hasMessageContaining(NOWHERE)
                .hasMessageContaining("Testcontainers")
                .hasMessageContaining("Docker");
    }

    @Test
    void each_schema_is_new_and_dropping_it_removes_it() throws SQLException {
        TestPostgres db = TestPostgres.get();
        String first = db.createSchema("testkit");
        String second = db.createSchema("testkit");
        try {
            assertThat(first).startsWith("testkit_").isNotEqualTo(second);
            assertThat(schemaExists(db, first)).isTrue();
        } finally {
            db.dropSchema(first);
            db.dropSchema(second);
        }
        assertThat(schemaExists(db, first)).isFalse();
        assertThat(schemaExists(db, second)).isFalse();
    }

    @Test
    void a_prefix_that_is_not_an_identifier_is_rejected_with_it() {
        assertThatThrownBy(() -> TestPostgres.get().createSchema("x; DROP SCHEMA public"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x; drop schema public");
    }

    private static boolean schemaExists(TestPostgres db, String schema) throws SQLException {
        try (Connection c = db.open();
                PreparedStatement s =
                        c.prepareStatement("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")) {
            s.setString(1, schema);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }
}
