package io.pharox.cli;

import io.pharox.exception.PharoxException;
import io.pharox.exception.StorageException;
import io.pharox.storage.sql.EnvironmentKeyring;
import io.pharox.storage.sql.SqlStorageOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code pharox} command: administers pools, proxies and leases in a PostgreSQL database
 * from a shell. Run {@code pharox --help}, or see {@code docs/cli.md}.
 *
 * <p>Exit codes: {@value #OK} success; {@value #FAILED} the operation failed (not found, refused,
 * bad input lines, lease not active); {@value #USAGE} usage error; {@value #UNREACHABLE} the
 * database cannot be reached. An error is one line on standard error, without a password or a
 * stack trace (unless {@code --verbose}).
 */
@Command(
        name = "pharox",
        mixinStandardHelpOptions = true,
        versionProvider = PharoxCli.Version.class,
        description = {
            "Administers Pharox proxy pools, proxies and leases in a PostgreSQL database, or through a"
                    + " pharox-server (--server, with the API key in PHAROX_API_KEY).",
            "The database comes from --db-url or PHAROX_DB_URL; the password from PHAROX_DB_PASSWORD"
                    + " or a prompt (--db-password), never from the command line."
        },
        subcommands = {
            MigrateCommand.class,
            ImportCommand.class,
            ListCommands.Pools.class,
            ListCommands.Proxies.class,
            ListCommands.Leases.class,
            ListCommands.Stats.class,
            ChangeCommands.Release.class,
            ChangeCommands.Disable.class,
            ChangeCommands.Enable.class,
            CheckCommand.class
        },
        footerHeading = "%n",
        footer = PharoxCli.EXIT_CODES)
public final class PharoxCli implements Runnable {

    /** Exit code: success. */
    public static final int OK = 0;
    /** Exit code: the operation failed (not found, refused, bad input lines, lease not active). */
    public static final int FAILED = 1;
    /** Exit code: the command line is wrong. */
    public static final int USAGE = 2;
    /** Exit code: the database cannot be reached. */
    public static final int UNREACHABLE = 3;

    /** The footer of every command's help. */
    static final String EXIT_CODES = "Exit codes:%n"
            + "  0  success%n"
            + "  1  the operation failed: not found, refused, bad input lines, lease not active%n"
            + "  2  usage error: unknown command or option, missing or malformed value%n"
            + "  3  cannot reach the database or server (address, network, user, password or API key)%n"
            + "Environment: PHAROX_DB_URL, PHAROX_DB_USER, PHAROX_DB_PASSWORD, PHAROX_DB_SCHEMA;%n"
            + "  PHAROX_SERVER_URL, PHAROX_API_KEY;%n"
            + "  PHAROX_CREDENTIAL_KEY, PHAROX_CREDENTIAL_KEY_ID, PHAROX_CREDENTIAL_OLD_KEYS (docs/credentials.md).";

    static final String URL_ENV = "PHAROX_DB_URL";
    static final String USER_ENV = "PHAROX_DB_USER";
    static final String PASSWORD_ENV = "PHAROX_DB_PASSWORD";
    static final String SCHEMA_ENV = "PHAROX_DB_SCHEMA";
    static final String SERVER_ENV = "PHAROX_SERVER_URL";
    static final String API_KEY_ENV = "PHAROX_API_KEY";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Option(
            names = "--db-url",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "jdbc:postgresql://HOST[:PORT]/DATABASE (default: env " + URL_ENV + ")")
    @Nullable
    String dbUrl;

    @Option(
            names = "--server",
            paramLabel = "URL",
            scope = ScopeType.INHERIT,
            description = "a pharox-server's http(s) URL, instead of a database (default: env " + SERVER_ENV
                    + "); the API key comes from env " + API_KEY_ENV)
    @Nullable
    String server;

    @Option(
            names = "--db-user",
            paramLabel = "USER",
            scope = ScopeType.INHERIT,
            description = "database user (default: env " + USER_ENV + ")")
    @Nullable
    String dbUser;

    @Option(
            names = "--db-password",
            arity = "0",
            interactive = true,
            scope = ScopeType.INHERIT,
            description = "prompt for the database password (takes no value; else env " + PASSWORD_ENV + ")")
    char @Nullable [] dbPassword;

    @Option(
            names = "--schema",
            paramLabel = "SCHEMA",
            scope = ScopeType.INHERIT,
            description = "the Pharox schema (default: env " + SCHEMA_ENV + ", else pharox)")
    @Nullable
    String schema;

    @Option(
            names = "--allow-plaintext-credentials",
            scope = ScopeType.INHERIT,
            description = "store proxy passwords in plain text when no credential key is set"
                    + " (PHAROX_CREDENTIAL_KEY and PHAROX_CREDENTIAL_KEY_ID)")
    boolean plaintextCredentials;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "on failure, print the stack trace; log what the storage does")
    boolean verbose;

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command with standard output and error; returns the exit code. */
    public static int run(String... args) {
        // jOOQ's banner and tips are not for a command's users
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        // quiet unless --verbose: a log line on standard error is not an error message
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            boolean verbose = java.util.Arrays.asList(args).contains("-v")
                    || java.util.Arrays.asList(args).contains("--verbose");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
        }
        return commandLine().execute(args);
    }

    /** The command line with Pharox's error handling: one line per error, the exit codes above. */
    static CommandLine commandLine() {
        PharoxCli cli = new PharoxCli();
        CommandLine cmd = new CommandLine(cli);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println(failed.getCommandSpec().qualifiedName() + ": " + withoutPassword(ex.getMessage(), args)
                    + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, failed, parsed) -> {
            int code = exitCode(ex);
            PrintWriter err = failed.getErr();
            err.println(failed.getCommandSpec().qualifiedName() + ": " + message(ex, cli));
            if (cli.verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        return cmd;
    }

    /**
     * A usage error's message without what may be a password: {@code --db-password} takes no
     * value, so a value given to it on the command line is refused without being shown.
     */
    static String withoutPassword(@Nullable String message, String[] args) {
        String text = String.valueOf(message);
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--db-password=")) {
                return "--db-password takes no value: set " + PASSWORD_ENV + " or answer the prompt";
            }
            if (args[i].equals("--db-password") && i + 1 < args.length && !args[i + 1].isEmpty()) {
                text = text.replace(args[i + 1], "****");
            }
        }
        return text;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command");
    }

    /**
     * The store the options and environment name.
     *
     * @param command the command being run, for usage errors
     */
    Admin connect(CommandLine command) {
        if (dbUrl != null && server != null) {
            throw new ParameterException(command, "give --db-url or --server, not both");
        }
        String envUrl = blankToNull(System.getenv(URL_ENV));
        String envServer = blankToNull(System.getenv(SERVER_ENV));
        if (server != null || (dbUrl == null && envUrl == null && envServer != null)) {
            return server(command, server != null ? server : String.valueOf(envServer));
        }
        if (dbUrl == null && envUrl != null && envServer != null) {
            throw new ParameterException(
                    command, "both " + URL_ENV + " and " + SERVER_ENV + " are set: choose with --db-url or --server");
        }
        String url = dbUrl != null ? dbUrl : envUrl;
        if (url == null || url.isBlank()) {
            throw new ParameterException(
                    command,
                    "name the database with --db-url or " + URL_ENV + ", or a server with --server or " + SERVER_ENV);
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ParameterException(
                    command,
                    "--db-url must start with jdbc:postgresql:, was '"
                            + (url.contains("?") ? url.substring(0, url.indexOf('?')) : url) + "'");
        }
        if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            throw new ParameterException(
                    command, "--db-url must not carry a password: set " + PASSWORD_ENV + " or use --db-password");
        }
        String user = Optional.ofNullable(dbUser).orElse(System.getenv(USER_ENV));
        char @Nullable [] password = dbPassword;
        if (password == null) {
            String fromEnv = System.getenv(PASSWORD_ENV);
            password = fromEnv == null ? null : fromEnv.toCharArray();
        }
        return new DatabaseAdmin(url, user, password, schemaName(), storageOptions());
    }

    private static Admin server(CommandLine command, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ParameterException(command, "--server must be an http or https URL, was '" + url + "'");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new ParameterException(command, "--server must be an http or https URL, was '" + url + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new ParameterException(command, "--server must not carry credentials: set " + API_KEY_ENV);
        }
        String key = blankToNull(System.getenv(API_KEY_ENV));
        if (key == null) {
            throw new ParameterException(
                    command, "set the server's API key in the environment variable " + API_KEY_ENV);
        }
        return new ServerAdmin(uri, key);
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** The credential keyring from the environment, or plain text if allowed. */
    private SqlStorageOptions storageOptions() {
        SqlStorageOptions.Builder options = SqlStorageOptions.builder();
        EnvironmentKeyring.ifConfigured(System.getenv()).ifPresent(options::credentialKeyring);
        if (plaintextCredentials) {
            options.allowPlaintextCredentials();
        }
        return options.build();
    }

    String schemaName() {
        String name = Optional.ofNullable(schema).orElse(System.getenv(SCHEMA_ENV));
        return name == null || name.isBlank() ? "pharox" : name;
    }

    private static int exitCode(Exception ex) {
        if (ex instanceof Failure f) {
            return f.code;
        }
        if (ex instanceof Admin.Unreachable) {
            return UNREACHABLE;
        }
        String state = sqlState(ex);
        if (ex instanceof StorageException && state != null && isConnectionState(state)) {
            return UNREACHABLE;
        }
        return FAILED;
    }

    private static String message(Exception ex, PharoxCli cli) {
        String state = sqlState(ex);
        if (ex instanceof StorageException && state != null) {
            if (isConnectionState(state)) {
                return "cannot reach the database: " + ex.getMessage();
            }
            if (state.equals("42P01") || state.equals("3F000")) {
                return "the schema '" + cli.schemaName() + "' has no Pharox tables: run 'pharox migrate' first";
            }
        }
        if (ex instanceof Failure || ex instanceof PharoxException || ex instanceof IllegalArgumentException) {
            return String.valueOf(ex.getMessage());
        }
        if (ex instanceof Admin.Unreachable) {
            return String.valueOf(ex.getMessage());
        }
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    private static boolean isConnectionState(String state) {
        return state.startsWith("08") || state.startsWith("28") || state.equals("3D000") || state.startsWith("57P");
    }

    private static @Nullable String sqlState(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** A failed operation with its exit code and a one-line message. */
    static final class Failure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final int code;

        Failure(String message) {
            this(FAILED, message);
        }

        Failure(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PharoxCli.class.getPackage().getImplementationVersion();
            return new String[] {"pharox " + (version == null ? "(development build)" : version)};
        }
    }
}
