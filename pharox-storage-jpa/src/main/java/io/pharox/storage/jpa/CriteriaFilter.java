package io.pharox.storage.jpa;

import io.pharox.filter.ProxyFilter;
import io.pharox.model.GeoPoint;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.Expression;
import jakarta.persistence.criteria.Path;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;

import java.util.List;

/**
 * Translates a predicate-free filter tree into a Criteria predicate on a {@link ProxyEntity}
 * root. Every string is a parameter; the geo clauses' numbers are literals. Each leaf is written so that it is never NULL (a missing
 * tag makes it false, not unknown), so that {@code NOT (…)} of a {@link ProxyFilter.NoneOf}
 * means what the Java filter means.
 */
final class CriteriaFilter implements ProxyFilter.Visitor<Predicate> {

    /** Widening of the geo bounding box, in degrees, so rounding never cuts a boundary point. */
    private static final double BOX_MARGIN_DEGREES = 1e-6;

    private final CriteriaBuilder cb;
    private final Root<ProxyEntity> p;

    private CriteriaFilter(CriteriaBuilder cb, Root<ProxyEntity> p) {
        this.cb = cb;
        this.p = p;
    }

    /**
     * The predicate for {@code filter}.
     *
     * @throws IllegalArgumentException if the filter holds a Java predicate
     */
    static Predicate translate(ProxyFilter filter, CriteriaBuilder cb, Root<ProxyEntity> p) {
        return filter.accept(new CriteriaFilter(cb, p));
    }

    private <T> Predicate equal(String attribute, T value) {
        Path<T> column = p.get(attribute);
        return cb.and(cb.isNotNull(column), cb.equal(column, value));
    }

    @Override
    public Predicate country(ProxyFilter.Country clause) {
        return equal("country", clause.code());
    }

    @Override
    public Predicate city(ProxyFilter.City clause) {
        return equal("city", clause.name());
    }

    @Override
    public Predicate source(ProxyFilter.Source clause) {
        return equal("source", clause.name());
    }

    @Override
    public Predicate asn(ProxyFilter.Asn clause) {
        return equal("asn", clause.number());
    }

    @Override
    public Predicate protocol(ProxyFilter.Protocol clause) {
        return cb.equal(p.get("protocol"), clause.protocol().name());
    }

    @Override
    public Predicate geoRadius(ProxyFilter.GeoRadius clause) {
        GeoPoint center = clause.center();
        Path<Double> lat = p.get("latitude");
        Path<Double> lon = p.get("longitude");
        double angular = clause.radiusKm() / GeoPoint.EARTH_RADIUS_KM;
        Predicate condition = cb.and(cb.isNotNull(lat), cb.isNotNull(lon));
        double dLat = Math.toDegrees(angular) + BOX_MARGIN_DEGREES;
        double minLat = center.latitude() - dLat;
        double maxLat = center.latitude() + dLat;
        if (minLat > -90 && maxLat < 90) {
            // the box reaches no pole: bound the latitude, and the longitude unless it wraps
            condition = cb.and(condition, cb.between(lat, number(minLat), number(maxLat)));
            double ratio = Math.sin(angular) / Math.cos(Math.toRadians(center.latitude()));
            if (angular < Math.PI / 2 && ratio < 1) {
                double dLon = Math.toDegrees(Math.asin(ratio)) + BOX_MARGIN_DEGREES;
                double minLon = center.longitude() - dLon;
                double maxLon = center.longitude() + dLon;
                if (minLon > -180 && maxLon < 180) {
                    condition = cb.and(condition, cb.between(lon, number(minLon), number(maxLon)));
                }
            }
        }
        // the haversine formula of GeoPoint.distanceKm, term by term (the centre's terms are
        // computed here)
        double centerLat = Math.toRadians(center.latitude());
        Expression<Double> latRad = radians(lat);
        Expression<Double> halfDLat = cb.quot(minus(latRad, centerLat), number(2.0)).as(Double.class);
        Expression<Double> halfDLon = cb.quot(radians(minus(lon, center.longitude())), number(2.0)).as(Double.class);
        Expression<Double> a = cb.sum(
                square(fn("sin", halfDLat)),
                cb.prod(cb.prod(number(Math.cos(centerLat)), fn("cos", latRad)), square(fn("sin", halfDLon))));
        Expression<Double> distance = cb.prod(number(2 * GeoPoint.EARTH_RADIUS_KM),
                fn("asin", cb.function("least", Double.class, number(1.0), cb.sqrt(a).as(Double.class))));
        return cb.and(condition, cb.le(distance, number(clause.radiusKm())));
    }

    /**
     * A finite number written into the SQL rather than bound: a geo clause would otherwise need
     * ten bind values, and the widest accepted tree of them would pass the driver's limit of
     * 65,535 (found by the bad-input catalogue). Strings stay bound, one per leaf at most.
     */
    private Expression<Double> number(double value) {
        return cb.literal(value);
    }

    /**
     * {@code x - value}, written as {@code x + |value|} when the value is negative: Hibernate
     * renders {@code x - (-0.9)} as {@code x--0.9}, and {@code --} starts an SQL comment.
     */
    private Expression<Double> minus(Expression<Double> x, double value) {
        return value < 0 ? cb.sum(x, number(-value)) : cb.diff(x, number(value));
    }

    private Expression<Double> radians(Expression<Double> degrees) {
        return cb.prod(degrees, number(Math.PI / 180));
    }

    private Expression<Double> square(Expression<Double> x) {
        return cb.prod(x, x);
    }

    private Expression<Double> fn(String name, Expression<Double> x) {
        return cb.function(name, Double.class, x);
    }

    @Override
    public Predicate matching(ProxyFilter.Matching clause) {
        throw new IllegalArgumentException("a Java predicate cannot be translated to SQL: " + clause.description());
    }

    @Override
    public Predicate allOf(ProxyFilter.AllOf clause) {
        return clause.clauses().isEmpty() ? cb.conjunction() : cb.and(translateAll(clause.clauses()));
    }

    @Override
    public Predicate anyOf(ProxyFilter.AnyOf clause) {
        return clause.clauses().isEmpty() ? cb.disjunction() : cb.or(translateAll(clause.clauses()));
    }

    @Override
    public Predicate noneOf(ProxyFilter.NoneOf clause) {
        return clause.clauses().isEmpty() ? cb.conjunction() : cb.not(cb.or(translateAll(clause.clauses())));
    }

    private Predicate[] translateAll(List<ProxyFilter> clauses) {
        return clauses.stream().map(c -> c.accept(this)).toArray(Predicate[]::new);
    }
}
