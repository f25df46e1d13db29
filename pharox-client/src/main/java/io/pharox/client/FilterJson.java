package io.pharox.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.GeoPoint;
import io.pharox.model.ProxyProtocol;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON form of a {@link ProxyFilter}, both directions. Every clause is an object with exactly
 * one field:
 *
 * <pre>{@code
 * {"country": "DE"}          {"city": "Berlin"}        {"source": "provider-a"}
 * {"isp": "Example ISP"}     {"asn": 3320}             {"protocol": "SOCKS5"}
 * {"geoRadius": {"latitude": 52.5, "longitude": 13.4, "radiusKm": 50}}
 * {"allOf": [clause, ...]}   {"anyOf": [clause, ...]}  {"noneOf": [clause, ...]}
 * }</pre>
 *
 * <p>An empty {@code allOf} matches every proxy ({@link ProxyFilters#matchAll()}). A
 * {@link ProxyFilter.Matching} clause runs a Java predicate and has no JSON form: {@link
 * #toJson} refuses it. The limits of {@link ProxyFilter} ({@link ProxyFilter#MAX_DEPTH} and the
 * others) apply to what {@link #fromJson} reads.
 */
public final class FilterJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private FilterJson() {}

    /**
     * The JSON form of {@code filter}.
     *
     * @throws IllegalArgumentException if the filter holds a {@link ProxyFilter.Matching} clause
     */
    public static JsonNode toJson(ProxyFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return filter.accept(new Writer());
    }

    /**
     * Reads a filter from its JSON form.
     *
     * @throws IllegalArgumentException if the JSON is not a filter, or a value is invalid; the
     *         message names the offending clause by its path ({@code $.allOf[1].country})
     */
    public static ProxyFilter fromJson(JsonNode json) {
        Objects.requireNonNull(json, "json");
        return read(json, "$", 1);
    }

    private static ProxyFilter read(JsonNode json, String path, int depth) {
        if (depth > ProxyFilter.MAX_DEPTH) {
            throw new IllegalArgumentException(
                    "filter nests deeper than " + ProxyFilter.MAX_DEPTH + " levels at " + path);
        }
        if (!json.isObject() || json.size() != 1) {
            throw new IllegalArgumentException(
                    "a filter clause must be an object with exactly one field, at " + path + " was " + describe(json));
        }
        Map.Entry<String, JsonNode> field = json.properties().iterator().next();
        String name = field.getKey();
        JsonNode value = field.getValue();
        String at = path + "." + name;
        try {
            switch (name) {
                case "country":
                    return ProxyFilters.country(text(value, at));
                case "city":
                    return ProxyFilters.city(text(value, at));
                case "source":
                    return ProxyFilters.source(text(value, at));
                case "isp":
                    return ProxyFilters.isp(text(value, at));
                case "asn":
                    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                        throw new IllegalArgumentException("expected an integer at " + at + ", was " + describe(value));
                    }
                    return ProxyFilters.asn(value.longValue());
                case "protocol":
                    return ProxyFilters.protocol(protocol(text(value, at), at));
                case "geoRadius":
                    return geoRadius(value, at);
                case "allOf":
                    return ProxyFilters.allOf(clauses(value, at, depth));
                case "anyOf":
                    return ProxyFilters.anyOf(clauses(value, at, depth));
                case "noneOf":
                    return ProxyFilters.noneOf(clauses(value, at, depth));
                default:
                    throw new IllegalArgumentException("unknown filter clause '" + abbreviate(name) + "' at " + path
                            + "; expected one of country, city, source, isp, asn, protocol, geoRadius, allOf, anyOf,"
                            + " noneOf");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains(" at $")) {
                throw e;
            }
            throw new IllegalArgumentException(e.getMessage() + " (at " + at + ")", e);
        }
    }

    private static List<ProxyFilter> clauses(JsonNode value, String at, int depth) {
        if (!value.isArray()) {
            throw new IllegalArgumentException("expected an array at " + at + ", was " + describe(value));
        }
        if (value.size() > ProxyFilter.MAX_CLAUSES) {
            throw new IllegalArgumentException(
                    "a filter has at most " + ProxyFilter.MAX_CLAUSES + " clauses, " + at + " has " + value.size());
        }
        List<ProxyFilter> clauses = new ArrayList<>(value.size());
        int i = 0;
        for (Iterator<JsonNode> it = value.elements(); it.hasNext(); i++) {
            clauses.add(read(it.next(), at + "[" + i + "]", depth + 1));
        }
        return clauses;
    }

    private static ProxyFilter geoRadius(JsonNode value, String at) {
        if (!value.isObject()) {
            throw new IllegalArgumentException("expected an object at " + at + ", was " + describe(value));
        }
        double latitude = number(value.get("latitude"), at + ".latitude");
        double longitude = number(value.get("longitude"), at + ".longitude");
        double radiusKm = number(value.get("radiusKm"), at + ".radiusKm");
        if (value.size() != 3) {
            throw new IllegalArgumentException(
                    "geoRadius takes exactly latitude, longitude and radiusKm, at " + at + " was " + describe(value));
        }
        return ProxyFilters.within(new GeoPoint(latitude, longitude), radiusKm);
    }

    private static ProxyProtocol protocol(String value, String at) {
        try {
            return ProxyProtocol.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + abbreviate(value) + "' at " + at
                    + "; expected one of HTTP, HTTPS, SOCKS4, SOCKS5");
        }
    }

    private static String text(JsonNode value, String at) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("expected a string at " + at + ", was " + describe(value));
        }
        return value.textValue();
    }

    private static double number(JsonNode value, String at) {
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException(
                    "expected a number at " + at + ", was " + (value == null ? "missing" : describe(value)));
        }
        return value.doubleValue();
    }

    private static String describe(JsonNode json) {
        return abbreviate(json.toString());
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static final class Writer implements ProxyFilter.Visitor<JsonNode> {
        @Override
        public JsonNode country(ProxyFilter.Country clause) {
            return NODES.objectNode().put("country", clause.code());
        }

        @Override
        public JsonNode city(ProxyFilter.City clause) {
            return NODES.objectNode().put("city", clause.name());
        }

        @Override
        public JsonNode source(ProxyFilter.Source clause) {
            return NODES.objectNode().put("source", clause.name());
        }

        @Override
        public JsonNode isp(ProxyFilter.Isp clause) {
            return NODES.objectNode().put("isp", clause.name());
        }

        @Override
        public JsonNode asn(ProxyFilter.Asn clause) {
            return NODES.objectNode().put("asn", clause.number());
        }

        @Override
        public JsonNode protocol(ProxyFilter.Protocol clause) {
            return NODES.objectNode().put("protocol", clause.protocol().name());
        }

        @Override
        public JsonNode geoRadius(ProxyFilter.GeoRadius clause) {
            ObjectNode geo = NODES.objectNode()
                    .put("latitude", clause.center().latitude())
                    .put("longitude", clause.center().longitude())
                    .put("radiusKm", clause.radiusKm());
            ObjectNode node = NODES.objectNode();
            node.set("geoRadius", geo);
            return node;
        }

        @Override
        public JsonNode matching(ProxyFilter.Matching clause) {
            throw new IllegalArgumentException("filter clause " + clause
                    + " is a Java predicate and cannot be sent as JSON; use the attribute clauses instead");
        }

        @Override
        public JsonNode allOf(ProxyFilter.AllOf clause) {
            return combine("allOf", clause.clauses());
        }

        @Override
        public JsonNode anyOf(ProxyFilter.AnyOf clause) {
            return combine("anyOf", clause.clauses());
        }

        @Override
        public JsonNode noneOf(ProxyFilter.NoneOf clause) {
            return combine("noneOf", clause.clauses());
        }

        private JsonNode combine(String name, List<ProxyFilter> clauses) {
            ArrayNode array = NODES.arrayNode();
            clauses.forEach(c -> array.add(c.accept(this)));
            ObjectNode node = NODES.objectNode();
            node.set(name, array);
            return node;
        }
    }
}
