package io.pharox.storage.jdbc;

import org.jooq.QueryPart;
import org.jooq.SQL;
import org.jooq.impl.DSL;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds plain-SQL statements from templates with named placeholders ({@code {proxy}},
 * {@code {id}}…), each standing for a jOOQ query part: a schema-qualified table, a bind
 * value, a condition. Nothing but SQL keywords written in this package is ever concatenated.
 */
final class Statements {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z_][a-zA-Z_0-9]*)}");

    private final Map<String, QueryPart> tables = new HashMap<>();

    Statements(String schema) {
        for (String table : List.of("pool", "proxy", "consumer", "lease", "pool_selector_state")) {
            tables.put(table, DSL.table(DSL.name(schema, table)));
        }
    }

    /**
     * The statement for {@code template}, its placeholders bound to the tables and to
     * {@code parts}, given as alternating names and query parts.
     */
    SQL sql(String template, Object... parts) {
        Map<String, QueryPart> named = new HashMap<>(tables);
        for (int i = 0; i < parts.length; i += 2) {
            named.put((String) parts[i], (QueryPart) parts[i + 1]);
        }
        List<QueryPart> ordered = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            QueryPart part = named.get(name);
            if (part == null) {
                throw new IllegalStateException("no query part named " + name);
            }
            int i = index.computeIfAbsent(name, n -> {
                ordered.add(part);
                return ordered.size() - 1;
            });
            m.appendReplacement(out, Matcher.quoteReplacement("{" + i + "}"));
        }
        m.appendTail(out);
        return DSL.sql(out.toString(), ordered.toArray(new QueryPart[0]));
    }
}
