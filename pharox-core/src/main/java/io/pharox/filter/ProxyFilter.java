package io.pharox.filter;

import io.pharox.model.GeoPoint;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A condition on proxies: a tree of clauses that {@link #matches(Proxy)} evaluates and that
 * storage adapters may translate (SQL adapters walk it with a {@link Visitor}).
 *
 * <p>Leaves compare one attribute ({@link Country}, {@link City}, {@link Source}, {@link Asn},
 * {@link Protocol}), test a {@link GeoRadius}, or run a Java {@link Matching predicate};
 * {@link AllOf}, {@link AnyOf} and {@link NoneOf} combine clauses to any depth up to
 * {@link #MAX_DEPTH}, with at most {@link #MAX_CLAUSES} clauses, of which at most
 * {@link #MAX_GEO_CLAUSES} geo radii, in one tree. A proxy lacking
 * the attribute a leaf compares (no country, no location…) does not match that leaf.
 *
 * <p>Build filters with {@link ProxyFilters}. All clause types are immutable; a
 * {@link Matching} clause is as thread-safe as its predicate.
 */
public sealed interface ProxyFilter
        permits ProxyFilter.Country,
                ProxyFilter.City,
                ProxyFilter.Source,
                ProxyFilter.Isp,
                ProxyFilter.Asn,
                ProxyFilter.Protocol,
                ProxyFilter.GeoRadius,
                ProxyFilter.Matching,
                ProxyFilter.AllOf,
                ProxyFilter.AnyOf,
                ProxyFilter.NoneOf {

    /** Deepest nesting accepted, counting the root as 1. */
    int MAX_DEPTH = 64;

    /** Most clauses (leaves and combinators) accepted in one tree. */
    int MAX_CLAUSES = 10_000;

    /**
     * Most {@link GeoRadius} clauses accepted in one tree. A SQL adapter tests every radius on
     * every candidate row, and a filter that matches nothing reads the whole pool: the cap keeps
     * the widest accepted geo filter's statement short on a million proxies (measured in
     * {@code docs/bad-input.md}).
     */
    int MAX_GEO_CLAUSES = 8;

    /** Whether {@code proxy} satisfies this condition. */
    boolean matches(Proxy proxy);

    /** Calls the visitor's method for this clause type and returns what it returns. */
    <R> R accept(Visitor<R> visitor);

    /** Nesting depth of this tree (a leaf is 1). */
    default int depth() {
        return 1;
    }

    /** Number of clauses in this tree, combinators included. */
    default int size() {
        return 1;
    }

    /** Number of {@link GeoRadius} clauses in this tree. */
    default int geoClauses() {
        return 0;
    }

    /** Whether the tree holds a {@link Matching} clause, which only Java can evaluate. */
    default boolean hasPredicates() {
        return false;
    }

    /** One method per clause type; the compiler keeps translations exhaustive. */
    interface Visitor<R> {
        /** Visits a country clause. */
        R country(Country clause);

        /** Visits a city clause. */
        R city(City clause);

        /** Visits a source clause. */
        R source(Source clause);

        /** Visits an ISP clause. */
        R isp(Isp clause);

        /** Visits an ASN clause. */
        R asn(Asn clause);

        /** Visits a protocol clause. */
        R protocol(Protocol clause);

        /** Visits a geo-radius clause. */
        R geoRadius(GeoRadius clause);

        /** Visits a Java predicate clause. */
        R matching(Matching clause);

        /** Visits a conjunction. */
        R allOf(AllOf clause);

        /** Visits a disjunction. */
        R anyOf(AnyOf clause);

        /** Visits a negated disjunction. */
        R noneOf(NoneOf clause);
    }

    /**
     * The proxy's country equals {@code code} (compared upper case).
     *
     * @param code ISO country code, non-blank; stored upper case
     */
    record Country(String code) implements ProxyFilter {
        /** @throws IllegalArgumentException if the code is blank */
        public Country {
            code = Clauses.requireValue("country", code).toUpperCase(Locale.ROOT);
        }

        @Override
        public boolean matches(Proxy proxy) {
            return proxy.country().map(code::equals).orElse(false);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.country(this);
        }
    }

    /**
     * The proxy's city equals {@code name} exactly.
     *
     * @param name non-blank city name
     */
    record City(String name) implements ProxyFilter {
        /** @throws IllegalArgumentException if the name is blank */
        public City {
            name = Clauses.requireValue("city", name);
        }

        @Override
        public boolean matches(Proxy proxy) {
            return proxy.city().map(name::equals).orElse(false);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.city(this);
        }
    }

    /**
     * The proxy's source tag equals {@code name} exactly.
     *
     * @param name non-blank source name
     */
    record Source(String name) implements ProxyFilter {
        /** @throws IllegalArgumentException if the name is blank */
        public Source {
            name = Clauses.requireValue("source", name);
        }

        @Override
        public boolean matches(Proxy proxy) {
            return proxy.source().map(name::equals).orElse(false);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.source(this);
        }
    }

    /**
     * The proxy's ISP tag equals {@code name} exactly.
     *
     * @param name non-blank ISP name
     */
    record Isp(String name) implements ProxyFilter {
        /** @throws IllegalArgumentException if the name is blank */
        public Isp {
            name = Clauses.requireValue("isp", name);
        }

        @Override
        public boolean matches(Proxy proxy) {
            return proxy.isp().map(name::equals).orElse(false);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.isp(this);
        }
    }

    /**
     * The proxy's autonomous system number equals {@code number}.
     *
     * @param number 0..4294967295
     */
    record Asn(long number) implements ProxyFilter {
        /** @throws IllegalArgumentException if the number is out of range */
        public Asn {
            if (number < 0 || number > 4_294_967_295L) {
                throw new IllegalArgumentException("asn must be 0..4294967295, was " + number);
            }
        }

        @Override
        public boolean matches(Proxy proxy) {
            return proxy.asn().isPresent() && proxy.asn().getAsLong() == number;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.asn(this);
        }
    }

    /**
     * The proxy speaks {@code protocol}.
     *
     * @param protocol the protocol
     */
    record Protocol(ProxyProtocol protocol) implements ProxyFilter {
        /** @throws NullPointerException if the protocol is {@code null} */
        public Protocol {
            Objects.requireNonNull(protocol, "protocol");
        }

        @Override
        public boolean matches(Proxy proxy) {
            return proxy.protocol() == protocol;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.protocol(this);
        }
    }

    /**
     * The proxy's location lies within {@code radiusKm} of {@code center} (great-circle
     * distance by the haversine formula, boundary included).
     *
     * @param center   the centre
     * @param radiusKm positive, finite radius in kilometres
     */
    record GeoRadius(GeoPoint center, double radiusKm) implements ProxyFilter {
        /**
         * @throws NullPointerException if the centre is {@code null}
         * @throws IllegalArgumentException if the radius is not positive and finite
         */
        public GeoRadius {
            Objects.requireNonNull(center, "center");
            if (!(radiusKm > 0) || Double.isInfinite(radiusKm)) {
                throw new IllegalArgumentException("radiusKm must be positive and finite, was " + radiusKm);
            }
        }

        @Override
        public boolean matches(Proxy proxy) {
            return proxy.location().map(p -> center.distanceKm(p) <= radiusKm).orElse(false);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.geoRadius(this);
        }

        @Override
        public int geoClauses() {
            return 1;
        }
    }

    /**
     * A Java predicate. SQL adapters cannot push it into a query; they evaluate it on
     * candidates they have already locked, so atomicity holds.
     *
     * @param description what the predicate tests, for logs and {@link #toString()}
     * @param predicate   the test; must not block and should not throw
     */
    record Matching(String description, Predicate<Proxy> predicate) implements ProxyFilter {
        /** @throws NullPointerException if an argument is {@code null} */
        public Matching {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(predicate, "predicate");
        }

        @Override
        public boolean matches(Proxy proxy) {
            return predicate.test(proxy);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.matching(this);
        }

        @Override
        public boolean hasPredicates() {
            return true;
        }

        @Override
        public String toString() {
            return "Matching[" + description + "]";
        }
    }

    /**
     * Every clause matches. With no clauses it matches every proxy.
     *
     * @param clauses the clauses, copied into an unmodifiable list
     */
    record AllOf(List<ProxyFilter> clauses) implements ProxyFilter {
        /**
         * @throws IllegalArgumentException if the tree is deeper than {@link #MAX_DEPTH}, larger than
         *         {@link #MAX_CLAUSES} or holds more than {@link #MAX_GEO_CLAUSES} geo radii
         */
        public AllOf {
            clauses = Clauses.copy("allOf", clauses);
        }

        @Override
        public boolean matches(Proxy proxy) {
            for (ProxyFilter clause : clauses) {
                if (!clause.matches(proxy)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.allOf(this);
        }

        @Override
        public int depth() {
            return Clauses.depth(clauses);
        }

        @Override
        public int size() {
            return Clauses.size(clauses);
        }

        @Override
        public int geoClauses() {
            return Clauses.geoClauses(clauses);
        }

        @Override
        public boolean hasPredicates() {
            return Clauses.hasPredicates(clauses);
        }
    }

    /**
     * At least one clause matches. With no clauses it matches no proxy.
     *
     * @param clauses the clauses, copied into an unmodifiable list
     */
    record AnyOf(List<ProxyFilter> clauses) implements ProxyFilter {
        /**
         * @throws IllegalArgumentException if the tree is deeper than {@link #MAX_DEPTH}, larger than
         *         {@link #MAX_CLAUSES} or holds more than {@link #MAX_GEO_CLAUSES} geo radii
         */
        public AnyOf {
            clauses = Clauses.copy("anyOf", clauses);
        }

        @Override
        public boolean matches(Proxy proxy) {
            for (ProxyFilter clause : clauses) {
                if (clause.matches(proxy)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.anyOf(this);
        }

        @Override
        public int depth() {
            return Clauses.depth(clauses);
        }

        @Override
        public int size() {
            return Clauses.size(clauses);
        }

        @Override
        public int geoClauses() {
            return Clauses.geoClauses(clauses);
        }

        @Override
        public boolean hasPredicates() {
            return Clauses.hasPredicates(clauses);
        }
    }

    /**
     * No clause matches. With no clauses it matches every proxy.
     *
     * @param clauses the clauses, copied into an unmodifiable list
     */
    record NoneOf(List<ProxyFilter> clauses) implements ProxyFilter {
        /**
         * @throws IllegalArgumentException if the tree is deeper than {@link #MAX_DEPTH}, larger than
         *         {@link #MAX_CLAUSES} or holds more than {@link #MAX_GEO_CLAUSES} geo radii
         */
        public NoneOf {
            clauses = Clauses.copy("noneOf", clauses);
        }

        @Override
        public boolean matches(Proxy proxy) {
            for (ProxyFilter clause : clauses) {
                if (clause.matches(proxy)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.noneOf(this);
        }

        @Override
        public int depth() {
            return Clauses.depth(clauses);
        }

        @Override
        public int size() {
            return Clauses.size(clauses);
        }

        @Override
        public int geoClauses() {
            return Clauses.geoClauses(clauses);
        }

        @Override
        public boolean hasPredicates() {
            return Clauses.hasPredicates(clauses);
        }
    }
}
