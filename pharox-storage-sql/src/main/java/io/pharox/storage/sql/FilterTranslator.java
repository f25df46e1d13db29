package io.pharox.storage.sql;

import io.pharox.filter.ProxyFilter;
import io.pharox.model.GeoPoint;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Translates a predicate-free filter tree into a jOOQ condition on the proxy table aliased
 * {@code p} ({@link Rows#P}). Every string is a bind value; the geo clauses' numbers are inline literals. Each leaf is written so that it is never NULL
 * (a missing tag makes it false, not unknown), so that {@code NOT (…)} of a
 * {@link ProxyFilter.NoneOf} means what the Java filter means.
 */
final class FilterTranslator implements ProxyFilter.Visitor<Condition> {

    static final FilterTranslator INSTANCE = new FilterTranslator();

    /** Widening of the geo bounding box, in degrees, so rounding never cuts a boundary point. */
    private static final double BOX_MARGIN_DEGREES = 1e-6;

    private static final Field<String> COUNTRY = Rows.P.COUNTRY;
    private static final Field<String> CITY = Rows.P.CITY;
    private static final Field<String> SOURCE = Rows.P.SOURCE;
    private static final Field<String> ISP = Rows.P.ISP;
    private static final Field<Long> ASN = Rows.P.ASN;
    private static final Field<String> PROTOCOL = Rows.P.PROTOCOL;
    private static final Field<Double> LATITUDE = Rows.P.LATITUDE;
    private static final Field<Double> LONGITUDE = Rows.P.LONGITUDE;

    private FilterTranslator() {}

    /**
     * The condition for {@code filter}.
     *
     * @throws IllegalArgumentException if the filter holds a Java predicate
     */
    static Condition translate(ProxyFilter filter) {
        return filter.accept(INSTANCE);
    }

    private static <T> Condition equal(Field<T> column, T value) {
        return column.isNotNull().and(column.eq(DSL.val(value, column.getDataType())));
    }

    @Override
    public Condition country(ProxyFilter.Country clause) {
        return equal(COUNTRY, clause.code());
    }

    @Override
    public Condition city(ProxyFilter.City clause) {
        return equal(CITY, clause.name());
    }

    @Override
    public Condition source(ProxyFilter.Source clause) {
        return equal(SOURCE, clause.name());
    }

    @Override
    public Condition isp(ProxyFilter.Isp clause) {
        return equal(ISP, clause.name());
    }

    @Override
    public Condition asn(ProxyFilter.Asn clause) {
        return equal(ASN, clause.number());
    }

    @Override
    public Condition protocol(ProxyFilter.Protocol clause) {
        return PROTOCOL.eq(DSL.val(clause.protocol().name(), SQLDataType.VARCHAR));
    }

    @Override
    public Condition geoRadius(ProxyFilter.GeoRadius clause) {
        GeoPoint center = clause.center();
        double angular = clause.radiusKm() / GeoPoint.EARTH_RADIUS_KM;
        Condition condition = LATITUDE.isNotNull().and(LONGITUDE.isNotNull());
        double dLat = Math.toDegrees(angular) + BOX_MARGIN_DEGREES;
        double minLat = center.latitude() - dLat;
        double maxLat = center.latitude() + dLat;
        if (minLat > -90 && maxLat < 90) {
            // the box reaches no pole: bound the latitude, and the longitude unless it wraps
            condition = condition.and(LATITUDE.between(number(minLat), number(maxLat)));
            double ratio = Math.sin(angular) / Math.cos(Math.toRadians(center.latitude()));
            if (angular < Math.PI / 2 && ratio < 1) {
                double dLon = Math.toDegrees(Math.asin(ratio)) + BOX_MARGIN_DEGREES;
                double minLon = center.longitude() - dLon;
                double maxLon = center.longitude() + dLon;
                if (minLon > -180 && maxLon < 180) {
                    condition = condition.and(LONGITUDE.between(number(minLon), number(maxLon)));
                }
            }
        }
        // the haversine formula of GeoPoint.distanceKm, term by term. Plain SQL: the DSL's
        // trigonometric functions are typed NUMERIC, and a cast to numeric anywhere would
        // round differently from the Java formula at the boundary; this stays in double precision
        Condition exact = DSL.condition(
                "2 * {0} * asin(least(1.0, sqrt(power(sin((radians({1}) - {2}) / 2), 2)"
                        + " + cos({2}) * cos(radians({1})) * power(sin(radians({3} - {4}) / 2), 2)))) <= {5}",
                number(GeoPoint.EARTH_RADIUS_KM),
                LATITUDE,
                number(Math.toRadians(center.latitude())),
                LONGITUDE,
                number(center.longitude()),
                number(clause.radiusKm()));
        return condition.and(exact);
    }

    /**
     * A finite number written into the SQL rather than bound: a geo clause would otherwise need
     * eight bind values, and the widest accepted tree of them would pass the driver's limit of
     * 65,535 unless jOOQ happened to inline the whole statement (found by the bad-input
     * catalogue). Strings stay bound, one per leaf at most.
     */
    private static Field<Double> number(double value) {
        return DSL.inline(value, SQLDataType.DOUBLE);
    }

    @Override
    public Condition matching(ProxyFilter.Matching clause) {
        throw new IllegalArgumentException("a Java predicate cannot be translated to SQL: " + clause.description());
    }

    @Override
    public Condition allOf(ProxyFilter.AllOf clause) {
        return clause.clauses().isEmpty() ? DSL.trueCondition() : DSL.and(translateAll(clause.clauses()));
    }

    @Override
    public Condition anyOf(ProxyFilter.AnyOf clause) {
        return clause.clauses().isEmpty() ? DSL.falseCondition() : DSL.or(translateAll(clause.clauses()));
    }

    @Override
    public Condition noneOf(ProxyFilter.NoneOf clause) {
        return clause.clauses().isEmpty() ? DSL.trueCondition() : DSL.not(DSL.or(translateAll(clause.clauses())));
    }

    private List<Condition> translateAll(List<ProxyFilter> clauses) {
        return clauses.stream().map(c -> c.accept(this)).toList();
    }
}
