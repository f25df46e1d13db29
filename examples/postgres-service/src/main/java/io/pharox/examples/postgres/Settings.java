package io.pharox.examples.postgres;

import io.pharox.storage.sql.CredentialKeyring;
import io.pharox.storage.sql.EnvironmentKeyring;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The service's settings, from its arguments and environment. Its {@code toString} and
 * {@link #safeUrl()} never show the password.
 *
 * @param url JDBC URL of the PostgreSQL database
 * @param user database user, or {@code null} if the URL carries it
 * @param password database password, or {@code null} for none
 * @param schema schema the service works in (migrated at start)
 * @param duration how long the workers run
 * @param workers how many worker threads lease proxies
 * @param proxies the proxy file, or empty for the sample bundled with the example
 * @param metricsPort the port the Prometheus endpoint listens on ({@code /metrics}); 0 for any free
 *     port, empty for no endpoint
 * @param credentialKeyring the key that encrypts proxy passwords in the database, from
 *     {@code PHAROX_CREDENTIAL_KEY} and {@code PHAROX_CREDENTIAL_KEY_ID} ({@link EnvironmentKeyring}),
 *     or empty: the example then stores them in plain text, and says so
 */
record Settings(
        String url,
        String user,
        String password,
        String schema,
        Duration duration,
        int workers,
        Optional<Path> proxies,
        Optional<Integer> metricsPort,
        Optional<CredentialKeyring> credentialKeyring) {

    /** Environment variable holding the JDBC URL. */
    static final String URL_ENV = "PHAROX_DB_URL";
    /** Environment variable holding the database user. */
    static final String USER_ENV = "PHAROX_DB_USER";
    /** Environment variable holding the database password (never an argument: arguments show in {@code ps}). */
    static final String PASSWORD_ENV = "PHAROX_DB_PASSWORD";
    /** The URL used when neither {@code --url} nor {@value #URL_ENV} gives one: the local test database. */
    static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    static final String DEFAULT_SCHEMA = "pharox_example";
    static final int DEFAULT_SECONDS = 10;
    static final int DEFAULT_WORKERS = 8;
    /** The port of the Prometheus endpoint when none is given: the one OpenTelemetry's exporter uses. */
    static final int DEFAULT_METRICS_PORT = 9464;

    static final String USAGE = String.join(
            System.lineSeparator(),
            "usage: PostgresService [--url JDBC_URL] [--user USER] [--schema NAME] [--duration SECONDS]"
                    + " [--workers N] [--proxies FILE] [--metrics-port PORT|off]",
            "  --url       JDBC URL of PostgreSQL; default $" + URL_ENV + ", else " + DEFAULT_URL,
            "  --user      database user; default $" + USER_ENV + ", else the URL's (password: $" + PASSWORD_ENV + ")",
            "  --schema    schema to migrate and work in; default " + DEFAULT_SCHEMA,
            "  --duration  seconds the workers run, 1..86400; default " + DEFAULT_SECONDS,
            "  --workers   worker threads, 1..256; default " + DEFAULT_WORKERS,
            "  --proxies   proxy file (format: see README); default the sample bundled with the example",
            "  --metrics-port  port of the Prometheus endpoint /metrics, 0..65535 (0: any free port), or off;"
                    + " default " + DEFAULT_METRICS_PORT,
            "proxy passwords are encrypted in the database with the key in $" + EnvironmentKeyring.KEY + " (base64,"
                    + " 16/24/32 bytes) named by $" + EnvironmentKeyring.KEY_ID
                    + "; without them, stored in plain text");

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern URL_USERINFO = Pattern.compile("//([^/@:]+):[^/@]*@");

    Settings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(proxies, "proxies");
        Objects.requireNonNull(metricsPort, "metricsPort");
        metricsPort.ifPresent(port -> {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("metrics port must be 0..65535 or off, was " + port);
            }
        });
        Objects.requireNonNull(credentialKeyring, "credentialKeyring");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db),"
                    + " was '" + redact(url) + "'");
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("duration must be 1..86400 seconds, was " + duration.toSeconds());
        }
        if (workers < 1 || workers > 256) {
            throw new IllegalArgumentException("workers must be 1..256, was " + workers);
        }
    }

    /**
     * Reads the arguments ({@link #USAGE}) over the environment's defaults.
     *
     * @throws IllegalArgumentException for an unknown option, a missing or bad value; the message names it
     */
    static Settings parse(List<String> args, Map<String, String> env) {
        String url = nonBlank(env.get(URL_ENV)) ? env.get(URL_ENV) : DEFAULT_URL;
        String user = nonBlank(env.get(USER_ENV)) ? env.get(USER_ENV) : null;
        String password = env.get(PASSWORD_ENV);
        String schema = DEFAULT_SCHEMA;
        int seconds = DEFAULT_SECONDS;
        int workers = DEFAULT_WORKERS;
        Path proxies = null;
        Optional<Integer> metricsPort = Optional.of(DEFAULT_METRICS_PORT);
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(
                        option.startsWith("--")
                                ? "option " + option + " needs a value"
                                : "unexpected argument '" + option + "'");
            }
            String value = args.get(++i);
            switch (option) {
                case "--url" -> url = value;
                case "--user" -> user = value;
                case "--schema" -> schema = value;
                case "--duration" -> seconds = integer(option, value);
                case "--workers" -> workers = integer(option, value);
                case "--proxies" -> proxies = Path.of(value);
                case "--metrics-port" ->
                    metricsPort = value.equals("off") ? Optional.empty() : Optional.of(integer(option, value));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return new Settings(
                url,
                user,
                password,
                schema,
                Duration.ofSeconds(seconds),
                workers,
                Optional.ofNullable(proxies),
                metricsPort,
                EnvironmentKeyring.ifConfigured(env));
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + value + "'");
        }
    }

    /** The URL with any password in it masked. */
    String safeUrl() {
        return redact(url);
    }

    private static String redact(String url) {
        return URL_USERINFO
                .matcher(URL_PASSWORD.matcher(url).replaceAll("$1****"))
                .replaceAll("//$1:****@");
    }

    @Override
    public String toString() {
        return "Settings[url=" + safeUrl() + ", user=" + user + ", password=" + (password == null ? "none" : "****")
                + ", schema=" + schema + ", duration=" + duration + ", workers=" + workers + ", proxies="
                + proxies.map(Path::toString).orElse("(bundled sample)") + ", metrics port "
                + metricsPort.map(String::valueOf).orElse("off") + ", credentials "
                + credentialKeyring
                        .map(k -> "encrypted with key " + k.currentKeyId())
                        .orElse("in plain text") + "]";
    }
}
