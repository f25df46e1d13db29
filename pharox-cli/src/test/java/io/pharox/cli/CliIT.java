package io.pharox.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.EnvironmentKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the built command, {@code target/pharox.jar}, as a process against a fresh schema of the
 * test PostgreSQL: what a shell script sees (standard output, standard error, exit code).
 */
class CliIT {

    private static final Path JAR = Path.of(System.getProperty("pharox.jar", "target/pharox.jar"));
    private static final Path LAUNCHER = Path.of(System.getProperty("pharox.launcher", "bin/pharox"));
    private static final List<String> COMMANDS = List.of(
            "migrate", "import", "pools", "proxies", "leases", "stats", "release", "disable", "enable", "check");

    static TestSchema db;
    static JdbcStorage storage;
    /** The password every run gets in PHAROX_DB_PASSWORD: trust auth ignores it, no output may show it. */
    static String password;
    /** The credential key every run gets, so that proxy passwords are stored encrypted. */
    static final Map<String, String> KEYRING = Map.of(
            EnvironmentKeyring.KEY,
            Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32)),
            EnvironmentKeyring.KEY_ID,
            "cli-test");

    @TempDir
    Path dir;

    /** What a run printed and returned. */
    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void migrate_a_fresh_schema() throws Exception {
        assertThat(JAR).as("the jar is built by the package phase").isRegularFile();
        db = TestSchema.empty("pharox_cli", 2);
        password = Optional.ofNullable(db.postgres().password()).orElse("pw-" + UUID.randomUUID());
        Run run = pharox("migrate");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("schema " + db.name()).contains("is migrated");
        assertThat(pharox("migrate").code()).as("migrating again").isZero();
        storage = new JdbcStorage(
                db.dataSource(),
                db.name(),
                SqlStorageOptions.builder()
                        .credentialKeyring(EnvironmentKeyring.from(KEYRING))
                        .build());
    }

    @AfterAll
    static void drop() {
        if (storage != null) {
            storage.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    void every_command_has_help_with_the_exit_codes() throws Exception {
        Run top = run(Map.of(), null, List.of("java", "-jar", JAR.toString(), "--help"));
        assertThat(top.code()).isZero();
        assertThat(top.out()).startsWith("Usage: pharox").contains("Exit codes:", "3  cannot reach the database");
        for (String command : COMMANDS) {
            Run help = run(Map.of(), null, List.of("java", "-jar", JAR.toString(), command, "--help"));
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out())
                    .as(command)
                    .startsWith("Usage: pharox " + command)
                    .contains("Exit codes:", "0  success", "2  usage error");
            assertThat(help.err()).as(command).isEmpty();
        }
    }

    @Test
    void the_launcher_script_runs_the_jar() throws Exception {
        Run run = run(Map.of(), null, List.of("sh", LAUNCHER.toString(), "pools", "--help"));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Usage: pharox pools");
    }

    @Test
    void a_list_with_bad_lines_imports_nothing_and_names_each_bad_line() throws Exception {
        Path file = write(
                "# residential list",
                "203.0.113.10:8080 country=US",
                "ftp://203.0.113.11:21",
                "http://alice:" + "s3cret-alice" + "@203.0.113.12:3128 country=DE max=4 isp=Acme%20Net",
                "203.0.113.10:8080",
                "",
                "socks5://203.0.113.13:1080 color=red",
                "socks5://bob:" + "s3cret-bob" + "@[2001:db8::7]:1080 city=Tokyo asn=2516 source=vendor-a");

        Run refused = pharox("import", "--pool", "res-a", "--create-pool", file.toString());

        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err().lines())
                .containsExactly(
                        "pharox import: line 3: not a proxy URL: 'ftp://203.0.113.11:21': the scheme must be http,"
                                + " https, socks4 or socks5, was 'ftp'",
                        "pharox import: line 5: 203.0.113.10:8080 is already listed on line 2",
                        "pharox import: line 7: unknown tag 'color' (known: country, city, source, isp, asn, max)",
                        "pharox import: nothing imported: 3 bad lines (--skip-bad imports the other 3)");
        assertThat(storage.findPool("res-a"))
                .as("the pool is not created either")
                .isEmpty();
        assertThat(pharox("pools").out()).doesNotContain("res-a");

        Run imported = pharox("import", "--pool", "res-a", "--create-pool", "--skip-bad", file.toString());

        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out())
                .isEqualTo("imported 3 proxies into pool 'res-a' (created); skipped 3 lines: 3, 5, 7\n");
        assertThat(imported.err()).contains("pharox import: skipped line 3: ", "skipped line 7: ");
        List<Proxy> stored = storage.listProxies("res-a");
        assertThat(stored)
                .extracting(Proxy::address)
                .containsExactlyInAnyOrder("203.0.113.10:8080", "203.0.113.12:3128", "[2001:db8::7]:1080");
        Proxy alice = stored.stream().filter(p -> p.port() == 3128).findFirst().orElseThrow();
        assertThat(alice.credentials())
                .hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("s3cret-alice"));
        assertThat(alice.isp()).contains("Acme Net");
        assertThat(alice.maxConcurrency()).isEqualTo(4);
        assertThat(refused.all() + imported.all()).doesNotContain("s3cret");

        Run again = pharox("import", "--pool", "res-a", file.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err())
                .contains("line 2: 203.0.113.10:8080 is already in pool 'res-a'")
                .contains("line 8: [2001:db8::7]:1080 is already in pool 'res-a'");
        assertThat(storage.listProxies("res-a")).hasSize(3);
    }

    @Test
    void passwords_of_proxies_need_a_credential_key_or_the_plaintext_option() throws Exception {
        Map<String, String> noKey = Map.of(EnvironmentKeyring.KEY, "", EnvironmentKeyring.KEY_ID, "");
        Path file = write("203.0.113.80:8080", "http://dave:" + "s3cret-dave" + "@203.0.113.81:3128");

        Run refused = pharox(noKey, null, "import", "--pool", "res-h", "--create-pool", file.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err())
                .contains("pharox import: line 2: the proxy has credentials and there is no key to encrypt them"
                        + " at rest: set PHAROX_CREDENTIAL_KEY and PHAROX_CREDENTIAL_KEY_ID, or pass"
                        + " --allow-plaintext-credentials")
                .contains("nothing imported");
        assertThat(storage.findPool("res-h"))
                .as("the pool it created is dropped")
                .isEmpty();

        Run plain = pharox(
                noKey,
                null,
                "import",
                "--pool",
                "res-h",
                "--create-pool",
                "--allow-plaintext-credentials",
                file.toString());
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo("imported 2 proxies into pool 'res-h' (created)\n");
        assertThat(refused.all() + plain.all()).doesNotContain("s3cret");
    }

    @Test
    void import_reads_standard_input_and_refuses_a_missing_pool_unless_asked() throws Exception {
        String list = "203.0.113.20:8080 country=FR\nsocks5://203.0.113.21:1080 max=unlimited\n";

        Run missing = pharoxWithInput(list, "import", "--pool", "res-b");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err())
                .isEqualTo("pharox import: pool 'res-b' does not exist: create it with --create-pool\n");

        Run json = pharoxWithInput(list, "import", "--pool", "res-b", "--create-pool", "--json", "-");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out())
                .isEqualTo("{\"pool\": \"res-b\", \"created_pool\": true, \"imported\": 2, \"skipped\": []}\n");
        assertThat(storage.listProxies("res-b")).hasSize(2);
    }

    @Test
    void pools_proxies_and_stats_print_stable_columns_and_json() throws Exception {
        importInto(
                "res-c",
                "http://carol:" + password
                        + "@203.0.113.30:3128 country=NL city=Amsterdam source=v isp=KPN asn=1136 max=3",
                "socks5://203.0.113.31:1080");

        Run pools = pharox("pools");
        assertThat(pools.code()).isZero();
        assertThat(pools.out().lines().findFirst()).contains("NAME\tID\tCREATED\tDESCRIPTION");
        assertThat(pools.out()).containsPattern("(?m)^res-c\t[0-9a-f-]{36}\t\\S+\t-$");

        Run proxies = pharox("proxies", "res-c");
        assertThat(proxies.code()).isZero();
        List<String> lines = proxies.out().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("ID\tURL\tSTATUS\tLEASES\tMAX\tCOUNTRY\tCITY\tSOURCE\tISP\tASN\tCHECKED\tLATENCY_MS");
        assertThat(lines).hasSize(3);
        assertThat(proxies.out())
                .contains("\thttp://203.0.113.30:3128\tACTIVE\t0\t3\tNL\tAmsterdam\tv\tKPN\t1136\t-\t-")
                .contains("\tsocks5://203.0.113.31:1080\tACTIVE\t0\t1\t-\t-\t-\t-\t-\t-\t-")
                .doesNotContain("carol");

        Run json = pharox("proxies", "res-c", "--json");
        assertThat(json.code()).isZero();
        assertThat(json.out())
                .startsWith("[\n{\"id\": \"")
                .contains("\"url\": \"http://203.0.113.30:3128\", \"status\": \"ACTIVE\", \"leases\": 0, \"max\": 3,"
                        + " \"country\": \"NL\"")
                .contains("\"asn\": null")
                .endsWith("}\n]\n");

        Run stats = pharox("stats", "res-c");
        assertThat(stats.code()).isZero();
        assertThat(stats.out())
                .contains("POOL\tres-c\n", "PROXIES\t2\n", "ACTIVE\t2\n", "LEASABLE\t2\n", "CAPACITY\t4\n")
                .contains("ACTIVE_LEASES\t0\n", "FREE_SLOTS\t4\n");
        Run statsJson = pharox("stats", "res-c", "--json");
        assertThat(statsJson.out()).startsWith("{\"pool\": \"res-c\", ").contains("\"capacity\": 4");

        assertThat(pharox("stats", "no-such-pool").code()).isEqualTo(1);
        assertThat(pharox("proxies", "no-such-pool").err())
                .contains("no-such-pool")
                .hasLineCount(1);
    }

    @Test
    void leases_are_listed_by_pool_and_consumer_and_released_once() throws Exception {
        importInto("res-d", "203.0.113.40:8080 max=2");
        LeasedProxy leased = storage.acquire(AcquireRequest.forPool("res-d")
                        .consumer("cli-worker")
                        .ttl(Duration.ofMinutes(10))
                        .build())
                .orElseThrow();
        String id = leased.lease().id().toString();

        Run byPool = pharox("leases", "--pool", "res-d");
        assertThat(byPool.code()).as(byPool.err()).isZero();
        assertThat(byPool.out().lines().toList())
                .hasSize(2)
                .first()
                .isEqualTo("ID\tPOOL\tPROXY_ID\tPROXY\tCONSUMER_ID\tACQUIRED\tEXPIRES\tTOKEN");
        assertThat(byPool.out()).contains(id + "\tres-d\t" + leased.proxy().id() + "\thttp://203.0.113.40:8080\t");
        Run byConsumer = pharox("leases", "--consumer", "cli-worker", "--json");
        assertThat(byConsumer.code()).isZero();
        assertThat(byConsumer.out()).contains("\"id\": \"" + id + "\", \"pool\": \"res-d\"");
        assertThat(pharox("stats", "res-d").out()).contains("ACTIVE_LEASES\t1\n");

        Run released = pharox("release", id);
        assertThat(released.code()).as(released.err()).isZero();
        assertThat(released.out()).isEqualTo("released lease " + id + "\n");
        assertThat(storage.activeLeasesInPool("res-d")).isEmpty();
        assertThat(pharox("leases", "--pool", "res-d").out().lines()).hasSize(1);

        Run twice = pharox("release", id);
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err())
                .isEqualTo("pharox release: lease " + id + " is not active: already released or expired\n");
        UUID unknown = UUID.randomUUID();
        Run none = pharox("release", unknown.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("pharox release: no lease has the id " + unknown + "\n");
        Run malformed = pharox("release", "not-a-lease");
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).contains("not-a-lease").hasLineCount(1);
    }

    @Test
    void a_disabled_proxy_is_not_leased_until_enabled() throws Exception {
        importInto("res-e", "203.0.113.50:8080");
        Proxy proxy = storage.listProxies("res-e").get(0);
        AcquireRequest request =
                AcquireRequest.forPool("res-e").consumer("cli-e").build();

        Run disabled = pharox("disable", proxy.id().toString());
        assertThat(disabled.code()).as(disabled.err()).isZero();
        assertThat(disabled.out()).isEqualTo("proxy " + proxy.id() + " (http://203.0.113.50:8080) is INACTIVE\n");
        assertThat(storage.findProxy(proxy.id()).orElseThrow().status()).isEqualTo(ProxyStatus.INACTIVE);
        assertThat(storage.acquire(request)).isEmpty();
        assertThat(pharox("proxies", "res-e").out()).contains("\tINACTIVE\t");

        Run enabled = pharox("enable", proxy.id().toString());
        assertThat(enabled.code()).isZero();
        assertThat(enabled.out()).endsWith("is ACTIVE\n");
        Optional<LeasedProxy> leased = storage.acquire(request);
        assertThat(leased).hasValueSatisfying(l -> assertThat(l.proxy().id()).isEqualTo(proxy.id()));
        storage.release(leased.orElseThrow().lease().id());

        UUID unknown = UUID.randomUUID();
        Run none = pharox("disable", unknown.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains(unknown.toString()).hasLineCount(1);
    }

    @Test
    void check_records_a_real_proxy_healthy_and_a_closed_port_down() throws Exception {
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        target.start();
        int closed = Tinyproxy.freePort();
        try (Tinyproxy proxy = Tinyproxy.start(dir)) {
            importInto("res-f", "127.0.0.1:" + proxy.port(), "127.0.0.1:" + closed);
            Proxy down = storage.listProxies("res-f").stream()
                    .filter(p -> p.port() == closed)
                    .findFirst()
                    .orElseThrow();
            Proxy up = storage.listProxies("res-f").stream()
                    .filter(p -> p.port() == proxy.port())
                    .findFirst()
                    .orElseThrow();
            // disabled by hand: a passed check returns it to rotation
            assertThat(pharox("disable", up.id().toString()).code()).isZero();

            Run check = pharox(
                    "check",
                    "res-f",
                    "--target",
                    "http://127.0.0.1:" + target.getAddress().getPort() + "/",
                    "--timeout",
                    "5");

            assertThat(check.code()).as(check.err()).isZero();
            assertThat(check.out().lines().findFirst()).contains("PROXY_ID\tPROXY\tRESULT\tLATENCY_MS\tERROR");
            assertThat(check.out())
                    .containsPattern("\thttp://127.0.0.1:" + proxy.port() + "\tHEALTHY\t\\d+\t-\n")
                    .contains(down.id() + "\thttp://127.0.0.1:" + closed + "\tUNREACHABLE\t");
            assertThat(check.err())
                    .isEqualTo("pharox check: pool 'res-f': 2 checked, 1 healthy, 0 slow, 1 failed;"
                            + " 1 taken out of rotation, 1 returned, 0 banned skipped\n");
            assertThat(storage.findProxy(down.id()).orElseThrow().status()).isEqualTo(ProxyStatus.INACTIVE);
            assertThat(storage.listProxies("res-f"))
                    .filteredOn(p -> p.port() == proxy.port())
                    .singleElement()
                    .satisfies(p -> {
                        assertThat(p.status()).isEqualTo(ProxyStatus.ACTIVE);
                        assertThat(p.lastCheckedAt()).isPresent();
                    });
        } finally {
            target.stop(0);
        }
    }

    @Test
    void an_unreachable_database_exits_3_with_one_line() throws Exception {
        int closed = Tinyproxy.freePort();
        Run run = pharox(Map.of("PHAROX_DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/test"), null, "pools");

        assertThat(run.code()).isEqualTo(3);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith(
                        "pharox pools: cannot reach the database at jdbc:postgresql://127.0.0.1:" + closed + "/test:")
                .hasLineCount(1);
    }

    @Test
    void options_go_before_or_after_the_command_and_win_over_the_environment() throws Exception {
        String closed = "jdbc:postgresql://127.0.0.1:" + Tinyproxy.freePort() + "/test";

        Run before = pharox("--db-url", closed, "pools");
        Run after = pharox("pools", "--db-url", closed);

        assertThat(before.code()).isEqualTo(3);
        assertThat(after.code()).isEqualTo(3);
        assertThat(before.err()).isEqualTo(after.err()).contains(closed);
        Run schema = pharox("--schema", "pharox_cli_other", "pools");
        assertThat(schema.code()).isEqualTo(1);
        assertThat(schema.err()).contains("the schema 'pharox_cli_other' has no Pharox tables");
    }

    @Test
    void an_unmigrated_schema_says_to_migrate() throws Exception {
        Run run = pharox(Map.of("PHAROX_DB_SCHEMA", "pharox_cli_never_migrated"), null, "pools");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("pharox pools: the schema 'pharox_cli_never_migrated' has no Pharox tables:"
                        + " run 'pharox migrate' first\n");
    }

    @Test
    void usage_errors_exit_2_with_one_line() throws Exception {
        Run unknown = pharox("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("frobnicate").hasLineCount(1);
        Run neither = pharox("leases");
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).startsWith("pharox leases: ").hasLineCount(1);
        assertThat(pharox("leases", "--pool", "a", "--consumer", "b").code()).isEqualTo(2);
        assertThat(pharox("import").code()).as("--pool is required").isEqualTo(2);
        Run noDatabase = pharox(Map.of("PHAROX_DB_URL", ""), null, "pools");
        assertThat(noDatabase.code()).isEqualTo(2);
        assertThat(noDatabase.err()).contains("--db-url", "PHAROX_DB_URL");
        Run passwordInUrl =
                pharox(Map.of("PHAROX_DB_URL", db.postgres().url() + "?password=" + password), null, "pools");
        assertThat(passwordInUrl.code()).isEqualTo(2);
        assertThat(passwordInUrl.err()).contains("must not carry a password");
    }

    @Test
    void the_password_never_shows_in_output_or_in_the_process_arguments() throws Exception {
        List<Run> runs = new ArrayList<>();
        runs.add(pharox("pools", "--verbose"));
        runs.add(pharox("stats", "no-such-pool", "--verbose"));
        runs.add(pharox(
                Map.of("PHAROX_DB_URL", "jdbc:postgresql://127.0.0.1:" + Tinyproxy.freePort() + "/test"),
                null,
                "pools",
                "--verbose"));
        Run onCommandLine = pharox("pools", "--db-password=" + password);
        assertThat(onCommandLine.code()).isEqualTo(2);
        assertThat(onCommandLine.err()).contains("--db-password takes no value");
        runs.add(onCommandLine);
        Run asValue = pharox("pools", "--db-password", password);
        assertThat(asValue.code()).isEqualTo(2);
        runs.add(asValue);
        for (Run run : runs) {
            assertThat(run.all()).doesNotContain(password);
        }
        assertThat(runs.get(1).err())
                .as("--verbose adds the stack trace")
                .contains("pharox stats: pool")
                .contains("PoolNotFoundException", "\tat io.pharox.");

        // a command waiting on standard input: its arguments, as ps shows them, hold no password
        ProcessBuilder builder = builder(
                withDatabase(Map.of()),
                List.of("java", "-jar", JAR.toString(), "import", "--pool", "res-g", "--create-pool"));
        Process process = builder.start();
        try {
            ProcessHandle.Info info = process.info();
            assertThat(info.commandLine().or(info::command)).isPresent();
            assertThat(info.commandLine().orElse("")).doesNotContain(password);
            assertThat(info.arguments().map(List::of).orElse(List.of())).noneMatch(a -> a.contains(password));
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
            assertThat(cmdline).contains("import").doesNotContain(password);
            try (OutputStream in = process.getOutputStream()) {
                in.write("203.0.113.70:8080\n".getBytes(UTF_8));
            }
            Run run = finish(process);
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.all()).doesNotContain(password);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void the_password_prompt_reads_it_without_echoing_it() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PHAROX_DB_PASSWORD", "");
        Run run = pharox(env, password + "\n", "pools", "--db-password");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("NAME\tID").doesNotContain(password);
        assertThat(run.err()).doesNotContain(password);
    }

    // ---------------------------------------------------------------- helpers

    private void importInto(String pool, String... lines) throws Exception {
        Run run = pharox("import", "--pool", pool, "--create-pool", write(lines).toString());
        assertThat(run.code()).as(run.err()).isZero();
    }

    Path write(String... lines) throws IOException {
        return Files.write(Files.createTempFile(dir, "proxies-", ".txt"), List.of(lines));
    }

    static Run pharox(String... args) throws Exception {
        return pharox(Map.of(), null, args);
    }

    static Run pharoxWithInput(String stdin, String... args) throws Exception {
        return pharox(Map.of(), stdin, args);
    }

    static Run pharox(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return run(withDatabase(env), stdin, command);
    }

    static Run run(Map<String, String> env, String stdin, List<String> command) throws Exception {
        Process process = builder(env, command).start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(UTF_8));
            }
        }
        return finish(process);
    }

    /** The environment of this class's runs: its database, password and credential key, then {@code env}. */
    private static Map<String, String> withDatabase(Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put("PHAROX_DB_URL", db.postgres().url());
        all.put("PHAROX_DB_SCHEMA", db.name());
        if (db.postgres().user() != null) {
            all.put("PHAROX_DB_USER", db.postgres().user());
        }
        all.put("PHAROX_DB_PASSWORD", password);
        all.putAll(KEYRING);
        all.putAll(env);
        return all;
    }

    /** A process with no PHAROX_ variable but those of {@code env} (an empty value: none). */
    private static ProcessBuilder builder(Map<String, String> env, List<String> command) {
        List<String> full = new ArrayList<>(command);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        if (full.get(0).equals("java")) {
            full.set(0, java);
            // quicker start-up for short-lived commands; the command itself is unchanged
            full.add(1, "-XX:TieredStopAtLevel=1");
        }
        ProcessBuilder builder = new ProcessBuilder(full);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("PHAROX_"));
        environment.putAll(env);
        environment.values().removeIf(String::isEmpty);
        if (full.get(0).equals("sh")) {
            environment.put("JAVA", java);
            environment.put("PHAROX_JAR", JAR.toAbsolutePath().toString());
        }
        return builder;
    }

    private static Run finish(Process process) throws Exception {
        CompletableFuture<String> out = read(process.getInputStream());
        CompletableFuture<String> err = read(process.getErrorStream());
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pharox did not finish within 120 s: " + err.getNow(""));
        }
        return new Run(process.exitValue(), out.get(), err.get());
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
