package io.pharox.storage.sql;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.types.DayToSecond;
import org.jspecify.annotations.Nullable;

/**
 * The engine's hot statements (claims and releases), rendered by jOOQ once and run here as
 * plain JDBC on the connection of the {@link DSLContext}: no parsing of the statement text and
 * no building of query objects per call, which cost the adapter more client CPU per acquire
 * than the database spent on the statement. The statement carries the {@link StatementBounds}
 * settings in its own round trip, as jOOQ's statements do.
 *
 * <p>The values bound are those jOOQ's rendering produced for the statement, replaced per call:
 * strings, numbers, booleans, UUIDs and intervals ({@link DayToSecond}, sent in ISO 8601).
 */
final class HotSql {

    private HotSql() {}

    /**
     * {@code settings} and a setting that makes PostgreSQL run the statement after them with its
     * generic plan, made once per connection, instead of planning it again for each call: it
     * otherwise judges the generic plan of a batch statement (whose array of requests it cannot
     * size) dearer than planning anew, and planning took as long as running the statement.
     */
    static String genericPlan(String settings) {
        return settings + ", set_config('plan_cache_mode', 'force_generic_plan', true)";
    }

    /** Whether every one of {@code values} is of a type that {@link #query} binds. */
    static boolean bindable(Object[] values) {
        for (Object v : values) {
            if (!(v == null
                    || v instanceof String
                    || v instanceof Integer
                    || v instanceof Long
                    || v instanceof Double
                    || v instanceof BigDecimal
                    || v instanceof Boolean
                    || v instanceof UUID
                    || v instanceof DayToSecond)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code sql} with {@code values}, after {@code settings} in the same round trip, on
     * a connection of {@code ctx}, and reads its rows as {@code fields}.
     */
    static Result<Record> query(DSLContext ctx, String settings, String sql, Object[] values, Field<?>[] fields) {
        return ctx.connectionResult(connection -> run(ctx, connection, settings + ";\n" + sql, values, fields));
    }

    private static Result<Record> run(
            DSLContext ctx, Connection connection, String sql, Object[] values, Field<?>[] fields) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                bind(statement, i + 1, values[i]);
            }
            statement.execute();
            // the first result is the settings' row
            if (!statement.getMoreResults()) {
                throw new SQLException("the statement returned no result set after its settings");
            }
            try (ResultSet rows = statement.getResultSet()) {
                return ctx.fetch(rows, fields);
            }
        }
    }

    private static void bind(PreparedStatement s, int i, @Nullable Object v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.OTHER);
        } else if (v instanceof DayToSecond interval) {
            s.setString(i, interval.toDuration().toString());
        } else {
            s.setObject(i, v);
        }
    }
}
