package io.pharox.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.ProxyManager;
import io.pharox.health.HealthCheckOptions;
import io.pharox.health.HealthChecker;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.EnvironmentKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import java.io.PrintStream;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The server's command line:
 *
 * <pre>
 * java -jar pharox-server.jar serve      [--db-url URL] [--db-user USER] [--schema S] [--host H] [--port P]
 *                                        [--max-wait PT30S] [--health-check-url URL] [--allow-plaintext-credentials]
 * java -jar pharox-server.jar create-key --name N --role admin|consumer --pools a,b|* [db options]
 * java -jar pharox-server.jar list-keys  [db options]
 * java -jar pharox-server.jar revoke-key --name N [db options]
 * </pre>
 *
 * <p>The database password comes from the environment variable {@code PHAROX_DB_PASSWORD}, never
 * from an argument. Proxy passwords are encrypted with the key in {@code PHAROX_CREDENTIAL_KEY}
 * ({@link EnvironmentKeyring}); without one the server refuses to start unless
 * {@code --allow-plaintext-credentials} is given. Every command migrates the schema first.
 */
public final class ServerMain {

    /** The environment variable holding the database password. */
    public static final String PASSWORD_ENV = "PHAROX_DB_PASSWORD";

    private static final String USAGE = "usage: pharox-server serve|create-key|list-keys|revoke-key [options]\n"
            + "  common:     --db-url jdbc:postgresql://127.0.0.1:5432/pharox  --db-user postgres  --schema pharox\n"
            + "              (password from $" + PASSWORD_ENV + ")\n"
            + "  serve:      --host 127.0.0.1 --port 8080 --max-wait PT30S --health-check-url URL"
            + " --allow-plaintext-credentials\n"
            + "  create-key: --name NAME --role admin|consumer --pools a,b|*\n"
            + "  revoke-key: --name NAME";

    private ServerMain() {}

    /** Runs a command; exits with 2 on bad usage, 1 on failure. */
    public static void main(String[] args) {
        // jOOQ's banner and tips are noise in a service's log
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        try {
            System.exit(run(args, System.out, System.getenv()));
        } catch (IllegalArgumentException e) {
            System.err.println("pharox-server: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("pharox-server: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs a command; {@code serve} returns only when the JVM is stopped.
     *
     * @return the exit status
     * @throws IllegalArgumentException on bad usage
     */
    static int run(String[] args, PrintStream out, Map<String, String> env) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command is required");
        }
        String command = args[0];
        Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
        switch (command) {
            case "serve":
                serve(options, out, env);
                return 0;
            case "create-key":
                try (HikariDataSource dataSource = dataSource(options, env, 2)) {
                    ApiKeys keys = keys(dataSource, options);
                    ApiKeys.CreatedKey created = keys.create(
                            require(options, "name"),
                            Role.parse(require(options, "role")),
                            List.of(require(options, "pools").split(",")));
                    out.println(created.secret());
                    System.err.println("key '" + created.key().name() + "' ("
                            + created.key().role() + ", pools " + created.key().scope()
                            + ") created; it is shown this once");
                    return 0;
                }
            case "list-keys":
                try (HikariDataSource dataSource = dataSource(options, env, 2)) {
                    for (ApiKey key : keys(dataSource, options).list()) {
                        out.println(key.name() + "\t" + key.role() + "\t" + key.scope() + "\t" + key.createdAt());
                    }
                    return 0;
                }
            case "revoke-key":
                try (HikariDataSource dataSource = dataSource(options, env, 2)) {
                    String name = require(options, "name");
                    boolean revoked = keys(dataSource, options).revoke(name);
                    out.println(revoked ? "key '" + name + "' revoked" : "no key named '" + name + "'");
                    return revoked ? 0 : 1;
                }
            default:
                throw new IllegalArgumentException("unknown command '" + command + "'");
        }
    }

    private static void serve(Map<String, String> options, PrintStream out, Map<String, String> env) {
        HikariDataSource dataSource = dataSource(options, env, 40);
        String schema = options.getOrDefault("schema", JdbcStorage.DEFAULT_SCHEMA);
        ApiKeys keys = keys(dataSource, options);
        SqlStorageOptions.Builder storageOptions = SqlStorageOptions.builder();
        Optional<io.pharox.storage.sql.CredentialKeyring> keyring = EnvironmentKeyring.ifConfigured(env);
        if (keyring.isPresent()) {
            storageOptions.credentialKeyring(keyring.get());
        } else if (options.containsKey("allow-plaintext-credentials")) {
            storageOptions.allowPlaintextCredentials();
        } else {
            dataSource.close();
            throw new IllegalArgumentException("set $" + EnvironmentKeyring.KEY
                    + " to encrypt proxy passwords, or pass --allow-plaintext-credentials");
        }
        JdbcStorage storage = new JdbcStorage(dataSource, schema, storageOptions.build());
        ProxyManager manager = ProxyManager.of(storage);
        PharoxServer server = PharoxServer.builder(manager, keys)
                .maxWait(Duration.parse(options.getOrDefault("max-wait", "PT30S")))
                .healthChecker(new HealthChecker(HealthCheckOptions.builder(
                                options.getOrDefault("health-check-url", "http://www.gstatic.com/generate_204"))
                        .build()))
                .healthProbe(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        return c.isValid(2);
                    } catch (java.sql.SQLException e) {
                        return false;
                    }
                })
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.stop();
                            dataSource.close();
                            stopped.countDown();
                        },
                        "pharox-server-shutdown"));
        server.start(options.getOrDefault("host", "127.0.0.1"), port(options.getOrDefault("port", "8080")));
        out.println("pharox-server listening on " + options.getOrDefault("host", "127.0.0.1") + ":" + server.port()
                + " (schema " + schema + ")");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ApiKeys keys(HikariDataSource dataSource, Map<String, String> options) {
        String schema = options.getOrDefault("schema", JdbcStorage.DEFAULT_SCHEMA);
        JdbcStorage.migrate(dataSource, schema);
        ApiKeys keys = new ApiKeys(dataSource, schema);
        keys.migrate();
        return keys;
    }

    private static HikariDataSource dataSource(Map<String, String> options, Map<String, String> env, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pharox-server");
        config.setJdbcUrl(options.getOrDefault("db-url", "jdbc:postgresql://127.0.0.1:5432/pharox"));
        config.setUsername(options.getOrDefault("db-user", "postgres"));
        String password = env.get(PASSWORD_ENV);
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be 0..65535, was '" + value + "'");
        }
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            if (name.equals("allow-plaintext-credentials")) {
                options.put(name, "true");
                continue;
            }
            if (name.equals("db-password")) {
                throw new IllegalArgumentException(
                        "the database password is read from $" + PASSWORD_ENV + ", never from an argument");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            options.put(name, args[++i]);
        }
        return options;
    }
}
