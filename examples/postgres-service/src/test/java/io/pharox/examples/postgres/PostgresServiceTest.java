package io.pharox.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.testkit.postgres.TestPostgres;
import io.pharox.testkit.postgres.TestSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example end to end: three seconds of real work on the test PostgreSQL, in a schema of
 * its own, and what it printed.
 */
class PostgresServiceTest {

    private static final TestPostgres POSTGRES = TestPostgres.get();
    private static String schema;

    @BeforeAll
    static void createSchema() {
        schema = POSTGRES.createSchema("pharox_example_test");
    }

    @AfterAll
    static void dropSchema() {
        POSTGRES.dropSchema(schema);
    }

    @Test
    void three_seconds_of_leasing_import_lease_expire_and_never_over_lease() throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--url",
                POSTGRES.url(),
                "--schema",
                schema,
                "--duration",
                "3",
                "--workers",
                "4",
                "--metrics-port",
                "0"));
        if (POSTGRES.user() != null) {
            args.addAll(List.of("--user", POSTGRES.user()));
        }
        Map<String, String> env =
                POSTGRES.password() == null ? Map.of() : Map.of("PHAROX_DB_PASSWORD", POSTGRES.password());
        Settings settings = Settings.parse(args, env);

        String first = run(settings);

        assertThat(first).contains("Schema " + schema + " migrated");
        assertThat(first)
                .contains("Imported 18 proxies into 3 pools [residential, datacenter, mobile]; 0 were already there");
        assertThat(first)
                .containsPattern(
                        "\\[ +\\d+s\\] +\\d+ leases/s \\| residential \\d+/24 \\(\\d+%\\) \\| datacenter \\d+/8 "
                                + "\\(\\d+%\\) \\| mobile \\d+/8 \\(\\d+%\\) \\| misses \\d+ \\| expired \\d+");
        assertThat(number(first, "leases acquired: (\\d+)")).isPositive();
        assertThat(number(first, "released: (\\d+)")).isPositive();
        assertThat(number(first, "still active at the end: (\\d+)"))
                .as("workers released all but the forgotten leases")
                .isLessThanOrEqualTo(number(first, "forgotten to expire: (\\d+)"));
        assertThat(first).contains("  errors: 0\n");
        assertThat(first)
                .containsPattern("Over-lease check: 0 violations \\(\\d+ acquisitions checked by the workers, "
                        + "\\d+ snapshots");
        assertThat(first).doesNotContain("pass-1", "mob@pass", "mob%40pass");
        assertThat(first).contains("times out on every request", "report 3: TIMEOUT -> circuit OPEN");
        assertThat(first).contains("report 2: TIMEOUT -> circuit CLOSED");
        assertThat(first).contains("acquire while open -> no proxy (out of rotation)");
        assertThat(first).contains("after the 1 s cooldown -> circuit HALF_OPEN");
        assertThat(first).contains("another acquire meanwhile -> no proxy (one probe at a time, in every process)");
        assertThat(first).contains("the probe succeeded -> circuit CLOSED");
        assertThat(first).contains("acquire now -> granted (back in rotation)");

        assertThat(first).contains("Proxy passwords stored in PLAIN TEXT: set PHAROX_CREDENTIAL_KEY");
        assertThat(proxyTable()).contains("res-pass-1", "mob@pass-4");

        // the restart has a key: its migration encrypts the rows the first run stored in plain text
        Map<String, String> keyed = new HashMap<>(env);
        keyed.put("PHAROX_CREDENTIAL_KEY", Base64.getEncoder().encodeToString(new byte[32]));
        keyed.put("PHAROX_CREDENTIAL_KEY_ID", "example-1");
        String again = run(Settings.parse(args, keyed));

        assertThat(again)
                .as("a restart on the same schema imports nothing twice")
                .contains("Imported 0 proxies into 3 pools [residential, datacenter, mobile]; 18 were already there");
        assertThat(again).contains("Over-lease check: 0 violations");
        assertThat(again).contains("Proxy passwords encrypted at rest with key 'example-1'");
        assertThat(proxyTable()).doesNotContain("res-pass", "mob@pass").contains("example-1");
    }

    /** Every column of every proxy row, as PostgreSQL prints it. */
    private static String proxyTable() throws Exception {
        try (HikariDataSource ds = TestSchema.dataSource(POSTGRES, 1);
                Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT p::text FROM " + schema + ".proxy p")) {
            StringBuilder rows = new StringBuilder();
            while (r.next()) {
                rows.append(r.getString(1)).append('\n');
            }
            return rows.toString();
        }
    }

    private static String run(Settings settings) throws InterruptedException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        LeaseLoad.Outcome outcome = PostgresService.run(
                settings, PostgresService.readProxies(settings), new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(outcome.ok()).as(out).isTrue();
        return out.replace(System.lineSeparator(), "\n");
    }

    private static long number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertThat(m.find()).as("'" + regex + "' in:\n" + out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
