package io.pharox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.health.HealthCheckOptions;
import io.pharox.health.HealthChecker;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStatus;
import io.pharox.server.ApiKeys;
import io.pharox.server.PharoxServer;
import io.pharox.server.Role;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built command against a started {@code pharox-server} ({@code --server}, the key in
 * {@code PHAROX_API_KEY}): the same commands, through the HTTP API.
 */
class ServerModeIT {

    private static final Path JAR = Path.of(System.getProperty("pharox.jar", "target/pharox.jar"));

    static TestSchema db;
    static JdbcStorage storage;
    static PharoxServer server;
    static String adminKey;
    static String consumerKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void start_a_server() {
        db = TestSchema.migrated("pharox_cli_server", 8);
        storage = new JdbcStorage(
                db.dataSource(),
                db.name(),
                SqlStorageOptions.builder().allowPlaintextCredentials().build());
        ApiKeys keys = new ApiKeys(db.dataSource(), db.name());
        keys.migrate();
        adminKey = keys.create("cli-admin", Role.ADMIN, List.of("*")).secret();
        consumerKey = keys.create("cli-consumer", Role.CONSUMER, List.of("srv")).secret();
        HealthChecker checker = new HealthChecker(HealthCheckOptions.builder("http://127.0.0.1:9/")
                .connectTimeout(Duration.ofSeconds(2))
                .build());
        server = PharoxServer.builder(ProxyManager.of(storage), keys)
                .healthChecker(checker)
                .build()
                .start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (storage != null) {
            storage.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void the_commands_work_through_the_server() throws Exception {
        Path file = Files.write(
                dir.resolve("proxies.txt"),
                List.of(
                        "203.0.113.90:8080 country=SE max=2",
                        "bogus",
                        "http://erin:" + "s3cret-erin" + "@203.0.113.91:3128 isp=Telia asn=1299",
                        "socks5://203.0.113.92:1080 max=unlimited"));

        CliIT.Run refused = pharox("import", "--pool", "srv", "--create-pool", file.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err())
                .contains("pharox import: line 2: not a proxy URL: 'bogus': the port is missing")
                .contains("nothing imported");
        assertThat(storage.findPool("srv")).isEmpty();

        CliIT.Run imported = pharox("import", "--pool", "srv", "--create-pool", "--skip-bad", file.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).isEqualTo("imported 3 proxies into pool 'srv' (created); skipped 1 line: 2\n");
        assertThat(storage.listProxies("srv"))
                .filteredOn(p -> p.port() == 3128)
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.credentials())
                            .hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("s3cret-erin"));
                    assertThat(p.isp()).contains("Telia");
                });
        assertThat(storage.listProxies("srv"))
                .filteredOn(p -> p.port() == 1080)
                .singleElement()
                .satisfies(p -> assertThat(p.isUnlimited()).isTrue());

        CliIT.Run again = pharox("import", "--pool", "srv", file.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("line 1: 203.0.113.90:8080 is already in pool 'srv'");

        assertThat(pharox("pools").out()).containsPattern("(?m)^srv\t[0-9a-f-]{36}\t");
        CliIT.Run proxies = pharox("proxies", "srv");
        assertThat(proxies.code()).isZero();
        assertThat(proxies.out())
                .contains("\thttp://203.0.113.90:8080\tACTIVE\t0\t2\tSE\t")
                .contains("\tsocks5://203.0.113.92:1080\tACTIVE\t0\tunlimited\t")
                .doesNotContain("erin");
        assertThat(pharox("stats", "srv").out()).contains("PROXIES\t3\n", "UNLIMITED\t1\n", "CAPACITY\t3\n");

        LeasedProxy leased = storage.acquire(
                        AcquireRequest.forPool("srv").consumer("srv-worker").build())
                .orElseThrow();
        String id = leased.lease().id().toString();
        assertThat(pharox("leases", "--pool", "srv").out())
                .contains(id + "\tsrv\t" + leased.proxy().id());
        assertThat(pharox("leases", "--consumer", "srv-worker").out()).contains(id + "\tsrv\t");
        assertThat(pharox("release", id).out()).isEqualTo("released lease " + id + "\n");
        CliIT.Run twice = pharox("release", id);
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err()).contains("is not active");

        Proxy first = storage.listProxies("srv").get(0);
        CliIT.Run disabled = pharox("disable", first.id().toString());
        assertThat(disabled.code()).as(disabled.err()).isZero();
        assertThat(disabled.out()).endsWith("is INACTIVE\n");
        assertThat(storage.findProxy(first.id()).orElseThrow().status()).isEqualTo(ProxyStatus.INACTIVE);
        assertThat(pharox("enable", first.id().toString()).out()).endsWith("is ACTIVE\n");

        CliIT.Run check = pharox("check", "srv");
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.out())
                .as("the server gives counts only")
                .isEqualTo("PROXY_ID\tPROXY\tRESULT\tLATENCY_MS\tERROR\n");
        assertThat(check.err())
                .startsWith("pharox check: pool 'srv': 3 checked, 0 healthy, 0 slow, 3 failed; 3 taken out of"
                        + " rotation");
        assertThat(storage.listProxies("srv"))
                .allSatisfy(p -> assertThat(p.status()).isEqualTo(ProxyStatus.INACTIVE));
        assertThat(pharox("check", "srv", "--target", "http://127.0.0.1:9/").code())
                .as("the server checks with its own settings")
                .isEqualTo(2);

        CliIT.Run migrate = pharox("migrate");
        assertThat(migrate.code()).isEqualTo(2);
        assertThat(migrate.err()).contains("migrate works on a database");
        assertThat(refused.all() + imported.all() + proxies.all()).doesNotContain("s3cret", adminKey);
    }

    @Test
    void a_wrong_key_or_an_unreachable_server_exits_3() throws Exception {
        CliIT.Run wrongKey = pharox(Map.of("PHAROX_API_KEY", "pharox_not-a-key"), "pools");
        assertThat(wrongKey.code()).isEqualTo(3);
        assertThat(wrongKey.err()).contains("refused the API key").doesNotContain("not-a-key");

        int closed = Tinyproxy.freePort();
        CliIT.Run down = pharox(Map.of("PHAROX_SERVER_URL", "http://127.0.0.1:" + closed), "pools");
        assertThat(down.code()).isEqualTo(3);
        assertThat(down.err()).startsWith("pharox pools: cannot reach the server at http://127.0.0.1:" + closed);

        CliIT.Run noKey = pharox(Map.of("PHAROX_API_KEY", ""), "pools");
        assertThat(noKey.code()).isEqualTo(2);
        assertThat(noKey.err()).contains("PHAROX_API_KEY");

        CliIT.Run withCredentials = pharox(Map.of(), "pools", "--server", "http://admin:x@127.0.0.1:" + server.port());
        assertThat(withCredentials.code()).isEqualTo(2);
        assertThat(withCredentials.err()).contains("must not carry credentials");

        CliIT.Run consumer = pharox(Map.of("PHAROX_API_KEY", consumerKey), "proxies", "srv");
        assertThat(consumer.code()).as(consumer.err()).isEqualTo(1);
        assertThat(consumer.err()).startsWith("pharox proxies: ").hasLineCount(1);

        CliIT.Run both = pharox(
                Map.of(),
                "pools",
                "--db-url",
                "jdbc:postgresql://127.0.0.1/test",
                "--server",
                "http://127.0.0.1:" + server.port());
        assertThat(both.code()).isEqualTo(2);
    }

    private static CliIT.Run pharox(String... args) throws Exception {
        return pharox(Map.of(), args);
    }

    private static CliIT.Run pharox(Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new HashMap<>();
        all.put("PHAROX_SERVER_URL", "http://127.0.0.1:" + server.port());
        all.put("PHAROX_API_KEY", adminKey);
        all.putAll(env);
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return CliIT.run(all, null, command);
    }
}
