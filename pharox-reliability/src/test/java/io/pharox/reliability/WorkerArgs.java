package io.pharox.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code key=value} arguments of a worker JVM, and the connection pool every worker builds
 * from them: tagged with an {@code ApplicationName} of its own, so that a test can terminate
 * exactly its workers' backends and nobody else's.
 */
record WorkerArgs(Map<String, String> values) {

    static WorkerArgs parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("worker arguments are key=value, was '" + arg + "'");
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new WorkerArgs(values);
    }

    /** The arguments that point a worker at {@code db}, with {@code more} pairs after them. */
    static List<String> of(SoakDatabase db, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "url=" + db.url(), "user=" + db.user(), "schema=" + db.schema(), "app=" + db.applicationName()));
        if (db.password() != null) {
            args.add("password=" + db.password());
        }
        args.addAll(List.of(more));
        return args;
    }

    String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("worker argument '" + key + "' missing, have " + values.keySet());
        }
        return value;
    }

    /** The value of {@code key}, or {@code otherwise} if it was not given. */
    String get(String key, String otherwise) {
        return values.getOrDefault(key, otherwise);
    }

    int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    /**
     * A HikariCP pool on the database these arguments name: short connection timeout, so that
     * callers learn of an unreachable server in seconds, and this run's application name.
     */
    HikariDataSource dataSource(int connections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(get("url"));
        config.setUsername(get("user"));
        if (values.containsKey("password")) {
            config.setPassword(get("password"));
        }
        config.addDataSourceProperty("ApplicationName", get("app"));
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setPoolName(get("app"));
        return new HikariDataSource(config);
    }
}
