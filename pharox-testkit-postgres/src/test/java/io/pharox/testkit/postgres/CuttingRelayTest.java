package io.pharox.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pharox.testkit.postgres.CuttingRelay.Cut;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CuttingRelayTest {

    private static TestSchema schema;
    private static CuttingRelay relay;

    @BeforeAll
    static void start() {
        schema = TestSchema.empty("pharox_relay", 1);
        schema.execute("CREATE TABLE " + schema.name() + ".t (x integer PRIMARY KEY)");
        relay = CuttingRelay.inFrontOf(schema.postgres());
    }

    @AfterAll
    static void stop() {
        relay.close();
        schema.close();
    }

    private static Connection relayed() throws SQLException {
        Properties props = new Properties();
        TestPostgres postgres = schema.postgres();
        if (postgres.user() != null) {
            props.setProperty("user", postgres.user());
        }
        if (postgres.password() != null) {
            props.setProperty("password", postgres.password());
        }
        return DriverManager.getConnection(relay.url(postgres) + "&prepareThreshold=0", props);
    }

    private static int rows(int x) throws SQLException {
        try (Connection c = schema.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema.name() + ".t WHERE x = " + x)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static SQLException insertThroughRelay(int x, boolean autoCommit) throws SQLException {
        try (Connection c = relayed();
                Statement s = c.createStatement()) {
            c.setAutoCommit(autoCommit);
            return catchThrowableOfType(SQLException.class, () -> {
                s.executeUpdate("INSERT INTO " + schema.name() + ".t VALUES (" + x + ")");
                if (!autoCommit) {
                    c.commit();
                }
            });
        }
    }

    @Test
    void a_connection_through_the_relay_works_like_a_direct_one() throws SQLException {
        assertThat((Throwable) insertThroughRelay(1, true)).isNull();

        assertThat(rows(1)).isEqualTo(1);
    }

    @Test
    void a_cut_after_commit_loses_the_reply_of_a_statement_that_committed() throws SQLException {
        int cuts = relay.cuts(Cut.AFTER_COMMIT);
        relay.arm("VALUES (2)", Cut.AFTER_COMMIT);

        SQLException lost = insertThroughRelay(2, true);

        assertThat((Throwable) lost).isNotNull();
        assertThat(lost.getSQLState()).startsWith("08");
        assertThat(rows(2)).as("committed").isEqualTo(1);
        assertThat(relay.cuts(Cut.AFTER_COMMIT)).isEqualTo(cuts + 1);
        assertThat(relay.isArmed()).isFalse();
    }

    @Test
    void a_cut_after_commit_in_a_transaction_waits_for_its_commit() throws SQLException {
        relay.arm("VALUES (3)", Cut.AFTER_COMMIT);

        SQLException lost = insertThroughRelay(3, false);

        assertThat((Throwable) lost).isNotNull();
        assertThat(lost.getSQLState()).startsWith("08");
        assertThat(rows(3)).as("committed").isEqualTo(1);
    }

    @Test
    void a_cut_before_sending_loses_the_statement() throws SQLException {
        int cuts = relay.cuts(Cut.BEFORE_SENDING);
        relay.arm("VALUES (4)", Cut.BEFORE_SENDING);

        SQLException lost = insertThroughRelay(4, true);

        assertThat((Throwable) lost).isNotNull();
        assertThat(lost.getSQLState()).startsWith("08");
        assertThat(rows(4)).as("never reached the server").isZero();
        assertThat(relay.cuts(Cut.BEFORE_SENDING)).isEqualTo(cuts + 1);
    }

    @Test
    void an_armed_cut_fires_once() throws SQLException {
        relay.arm("VALUES (5)", Cut.BEFORE_SENDING);
        assertThat((Throwable) insertThroughRelay(5, true)).isNotNull();

        assertThat((Throwable) insertThroughRelay(5, true)).as("the second try").isNull();
        assertThat(rows(5)).isEqualTo(1);
    }
}
