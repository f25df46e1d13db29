package io.pharox.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Rows a list command prints: tab-separated with a header line (an absent value is {@code -}, and
 * tabs or line breaks inside a value become spaces), or, with {@code --json}, a JSON array of
 * objects whose keys are the lower-case column names. Numbers and booleans stay JSON numbers and
 * booleans; an absent value is {@code null}.
 */
final class Table {

    private final List<String> columns;
    private final List<@Nullable Object[]> rows = new ArrayList<>();

    Table(String... columns) {
        this.columns = List.of(columns);
    }

    /** Adds a row with one value per column (a {@code null} is an absent value). */
    Table row(@Nullable Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("a row needs " + columns.size() + " values, had " + values.length);
        }
        rows.add(Arrays.copyOf(values, values.length));
        return this;
    }

    void print(PrintWriter out, boolean json) {
        if (json) {
            printJson(out);
        } else {
            out.println(String.join("\t", columns));
            for (@Nullable Object[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        line.append('\t');
                    }
                    Object value = row[i];
                    line.append(value == null ? "-" : value.toString().replaceAll("[\\t\\r\\n]", " "));
                }
                out.println(line);
            }
        }
        out.flush();
    }

    private void printJson(PrintWriter out) {
        out.print('[');
        for (int r = 0; r < rows.size(); r++) {
            out.print(r == 0 ? "\n" : ",\n");
            out.print(object(rows.get(r)));
        }
        out.println(rows.isEmpty() ? "]" : "\n]");
    }

    /** One row as a JSON object. */
    String object(@Nullable Object[] row) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(string(columns.get(i).toLowerCase(Locale.ROOT)))
                    .append(": ")
                    .append(value(row[i]));
        }
        return sb.append('}').toString();
    }

    /** Prints the single row of a one-row table as a JSON object, or as {@code KEY<tab>value} lines. */
    void printRecord(PrintWriter out, boolean json) {
        if (rows.size() != 1) {
            throw new IllegalStateException("a record is one row, had " + rows.size());
        }
        @Nullable Object[] row = rows.get(0);
        if (json) {
            out.println(object(row));
        } else {
            for (int i = 0; i < row.length; i++) {
                Object value = row[i];
                out.println(columns.get(i) + "\t" + (value == null ? "-" : value));
            }
        }
        out.flush();
    }

    private static String value(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return string(value.toString());
    }

    static String string(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
