package io.pharox.filter;

import io.pharox.model.Storable;
import java.util.List;
import java.util.Objects;

/** Checks shared by the clause records. */
final class Clauses {

    private Clauses() {}

    static String requireValue(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " filter value must not be blank, was '" + value + "'");
        }
        return Storable.text(field + " filter value", value.strip());
    }

    static List<ProxyFilter> copy(String kind, List<ProxyFilter> clauses) {
        Objects.requireNonNull(clauses, kind + " clauses");
        if (clauses.size() >= ProxyFilter.MAX_CLAUSES) {
            throw new IllegalArgumentException(
                    kind + " of " + clauses.size() + " clauses makes a tree of " + (clauses.size() + 1)
                            + " clauses with itself; a filter tree may hold at most " + ProxyFilter.MAX_CLAUSES);
        }
        for (int i = 0; i < clauses.size(); i++) {
            if (clauses.get(i) == null) {
                throw new NullPointerException(kind + " clause " + i + " is null");
            }
        }
        List<ProxyFilter> copy = List.copyOf(clauses);
        int depth = depth(copy);
        if (depth > ProxyFilter.MAX_DEPTH) {
            throw new IllegalArgumentException(
                    kind + " nests " + depth + " levels deep; a filter tree may nest at most " + ProxyFilter.MAX_DEPTH);
        }
        int size = size(copy);
        if (size > ProxyFilter.MAX_CLAUSES) {
            throw new IllegalArgumentException(kind + " holds " + size
                    + " clauses in all; a filter tree may hold at most " + ProxyFilter.MAX_CLAUSES);
        }
        int geo = geoClauses(copy);
        if (geo > ProxyFilter.MAX_GEO_CLAUSES) {
            throw new IllegalArgumentException(kind + " holds " + geo
                    + " geo radius clauses in all; a filter tree may hold at most " + ProxyFilter.MAX_GEO_CLAUSES);
        }
        return copy;
    }

    static int geoClauses(List<ProxyFilter> clauses) {
        int geo = 0;
        for (ProxyFilter clause : clauses) {
            geo += clause.geoClauses();
        }
        return geo;
    }

    static int depth(List<ProxyFilter> clauses) {
        int deepest = 0;
        for (ProxyFilter clause : clauses) {
            deepest = Math.max(deepest, clause.depth());
        }
        return deepest + 1;
    }

    static int size(List<ProxyFilter> clauses) {
        int size = 1;
        for (ProxyFilter clause : clauses) {
            size += clause.size();
        }
        return size;
    }

    static boolean hasPredicates(List<ProxyFilter> clauses) {
        for (ProxyFilter clause : clauses) {
            if (clause.hasPredicates()) {
                return true;
            }
        }
        return false;
    }
}
