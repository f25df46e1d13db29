package io.pharox.filter;

import io.pharox.model.GeoPoint;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Factories for {@link ProxyFilter} trees, and the {@link #builder()} for the common
 * "all of these criteria" case.
 *
 * <pre>{@code
 * ProxyFilter filter = ProxyFilters.allOf(
 *         ProxyFilters.anyOf(ProxyFilters.country("US"), ProxyFilters.country("CA")),
 *         ProxyFilters.noneOf(ProxyFilters.asn(13335)),
 *         ProxyFilters.within(40.71, -74.00, 500));
 * }</pre>
 */
public final class ProxyFilters {

    private static final ProxyFilter.AllOf MATCH_ALL = new ProxyFilter.AllOf(List.of());
    private static final ProxyFilter.AnyOf MATCH_NONE = new ProxyFilter.AnyOf(List.of());

    private ProxyFilters() {}

    /** The filter every proxy matches (an empty {@code allOf}). */
    public static ProxyFilter matchAll() {
        return MATCH_ALL;
    }

    /** Country equals {@code code} (case-insensitive). */
    public static ProxyFilter country(String code) {
        return new ProxyFilter.Country(code);
    }

    /** Country is one of {@code codes}. */
    public static ProxyFilter countryIn(String... codes) {
        return anyOf(Arrays.stream(codes).map(ProxyFilters::country).toArray(ProxyFilter[]::new));
    }

    /** City equals {@code name}. */
    public static ProxyFilter city(String name) {
        return new ProxyFilter.City(name);
    }

    /** Source tag equals {@code name}. */
    public static ProxyFilter source(String name) {
        return new ProxyFilter.Source(name);
    }

    /** ISP tag equals {@code name}. */
    public static ProxyFilter isp(String name) {
        return new ProxyFilter.Isp(name);
    }

    /** Autonomous system number equals {@code number}. */
    public static ProxyFilter asn(long number) {
        return new ProxyFilter.Asn(number);
    }

    /** Protocol equals {@code protocol}. */
    public static ProxyFilter protocol(ProxyProtocol protocol) {
        return new ProxyFilter.Protocol(protocol);
    }

    /** Location within {@code radiusKm} kilometres of ({@code latitude}, {@code longitude}). */
    public static ProxyFilter within(double latitude, double longitude, double radiusKm) {
        return new ProxyFilter.GeoRadius(new GeoPoint(latitude, longitude), radiusKm);
    }

    /** Location within {@code radiusKm} kilometres of {@code center}. */
    public static ProxyFilter within(GeoPoint center, double radiusKm) {
        return new ProxyFilter.GeoRadius(center, radiusKm);
    }

    /** A Java predicate, described for logs. */
    public static ProxyFilter matching(String description, Predicate<Proxy> predicate) {
        return new ProxyFilter.Matching(description, predicate);
    }

    /** Every clause matches. */
    public static ProxyFilter allOf(ProxyFilter... clauses) {
        return new ProxyFilter.AllOf(Arrays.asList(Objects.requireNonNull(clauses, "clauses")));
    }

    /** Every clause matches. */
    public static ProxyFilter allOf(List<ProxyFilter> clauses) {
        return new ProxyFilter.AllOf(clauses);
    }

    /** At least one clause matches. */
    public static ProxyFilter anyOf(ProxyFilter... clauses) {
        return new ProxyFilter.AnyOf(Arrays.asList(Objects.requireNonNull(clauses, "clauses")));
    }

    /** At least one clause matches. */
    public static ProxyFilter anyOf(List<ProxyFilter> clauses) {
        return new ProxyFilter.AnyOf(clauses);
    }

    /** No clause matches. */
    public static ProxyFilter noneOf(ProxyFilter... clauses) {
        return new ProxyFilter.NoneOf(Arrays.asList(Objects.requireNonNull(clauses, "clauses")));
    }

    /** No clause matches. */
    public static ProxyFilter noneOf(List<ProxyFilter> clauses) {
        return new ProxyFilter.NoneOf(clauses);
    }

    /**
     * A filter without {@link ProxyFilter.Matching} clauses that matches every proxy
     * {@code filter} matches (and possibly more): each predicate is replaced by "true" where
     * it counts positively and by "false" under a {@code noneOf}. SQL adapters push this
     * relaxed tree into their query and then evaluate the full {@code filter} in Java on the
     * candidates they locked. A tree without predicates is returned as it is.
     */
    public static ProxyFilter withoutPredicates(ProxyFilter filter) {
        return filter.hasPredicates() ? relax(filter, true) : filter;
    }

    private static ProxyFilter relax(ProxyFilter filter, boolean positive) {
        if (filter instanceof ProxyFilter.Matching) {
            return positive ? MATCH_ALL : MATCH_NONE;
        }
        if (filter instanceof ProxyFilter.AllOf) {
            return new ProxyFilter.AllOf(relaxAll(((ProxyFilter.AllOf) filter).clauses(), positive));
        }
        if (filter instanceof ProxyFilter.AnyOf) {
            return new ProxyFilter.AnyOf(relaxAll(((ProxyFilter.AnyOf) filter).clauses(), positive));
        }
        if (filter instanceof ProxyFilter.NoneOf) {
            return new ProxyFilter.NoneOf(relaxAll(((ProxyFilter.NoneOf) filter).clauses(), !positive));
        }
        return filter;
    }

    private static List<ProxyFilter> relaxAll(List<ProxyFilter> clauses, boolean positive) {
        List<ProxyFilter> relaxed = new ArrayList<>(clauses.size());
        for (ProxyFilter clause : clauses) {
            relaxed.add(clause.hasPredicates() ? relax(clause, positive) : clause);
        }
        return relaxed;
    }

    /** A builder of an {@code allOf} over the criteria it is given. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects criteria that must all hold. Several values for one attribute (for example
     * {@code country("US", "CA")}) mean "any of them". Not thread-safe.
     */
    public static final class Builder {
        private final List<ProxyFilter> clauses = new ArrayList<>();

        private Builder() {}

        /** Country is one of {@code codes}. */
        public Builder country(String... codes) {
            return add(oneOf(
                    "country", Arrays.stream(codes).map(ProxyFilters::country).toArray(ProxyFilter[]::new)));
        }

        /** City is one of {@code names}. */
        public Builder city(String... names) {
            return add(
                    oneOf("city", Arrays.stream(names).map(ProxyFilters::city).toArray(ProxyFilter[]::new)));
        }

        /** Source is one of {@code names}. */
        public Builder source(String... names) {
            return add(oneOf(
                    "source", Arrays.stream(names).map(ProxyFilters::source).toArray(ProxyFilter[]::new)));
        }

        /** ISP is one of {@code names}. */
        public Builder isp(String... names) {
            return add(oneOf("isp", Arrays.stream(names).map(ProxyFilters::isp).toArray(ProxyFilter[]::new)));
        }

        /** ASN is one of {@code numbers}. */
        public Builder asn(long... numbers) {
            return add(oneOf(
                    "asn", Arrays.stream(numbers).mapToObj(ProxyFilters::asn).toArray(ProxyFilter[]::new)));
        }

        /** Protocol is one of {@code protocols}. */
        public Builder protocol(ProxyProtocol... protocols) {
            return add(oneOf(
                    "protocol",
                    Arrays.stream(protocols).map(ProxyFilters::protocol).toArray(ProxyFilter[]::new)));
        }

        /** Location within {@code radiusKm} of the point. */
        public Builder within(double latitude, double longitude, double radiusKm) {
            return add(ProxyFilters.within(latitude, longitude, radiusKm));
        }

        /** A Java predicate. */
        public Builder matching(String description, Predicate<Proxy> predicate) {
            return add(ProxyFilters.matching(description, predicate));
        }

        /** Any clause. */
        public Builder add(ProxyFilter clause) {
            clauses.add(Objects.requireNonNull(clause, "clause"));
            return this;
        }

        private static ProxyFilter oneOf(String attribute, ProxyFilter[] alternatives) {
            if (alternatives.length == 0) {
                throw new IllegalArgumentException(attribute + " needs at least one value, was none");
            }
            return alternatives.length == 1 ? alternatives[0] : anyOf(alternatives);
        }

        /** The conjunction of everything added (a single clause is returned as it is). */
        public ProxyFilter build() {
            return clauses.size() == 1 ? clauses.get(0) : allOf(clauses);
        }
    }
}
