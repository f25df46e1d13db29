package io.pharox.filter;

import static io.pharox.filter.ProxyFilters.allOf;
import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.asn;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.isp;
import static io.pharox.filter.ProxyFilters.matching;
import static io.pharox.filter.ProxyFilters.noneOf;
import static io.pharox.filter.ProxyFilters.protocol;
import static io.pharox.filter.ProxyFilters.source;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.ProxyProtocol;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A visitor reaches every clause type through {@code accept}, the way SQL adapters translate trees. */
class FilterVisitorTest {

    /** Renders a tree as a SQL-like condition, as an adapter would. */
    static final class Render implements ProxyFilter.Visitor<String> {
        @Override
        public String country(ProxyFilter.Country c) {
            return "country = '" + c.code() + "'";
        }

        @Override
        public String city(ProxyFilter.City c) {
            return "city = '" + c.name() + "'";
        }

        @Override
        public String source(ProxyFilter.Source c) {
            return "source = '" + c.name() + "'";
        }

        @Override
        public String isp(ProxyFilter.Isp c) {
            return "isp = '" + c.name() + "'";
        }

        @Override
        public String asn(ProxyFilter.Asn c) {
            return "asn = " + c.number();
        }

        @Override
        public String protocol(ProxyFilter.Protocol c) {
            return "protocol = '" + c.protocol() + "'";
        }

        @Override
        public String geoRadius(ProxyFilter.GeoRadius c) {
            return "within(" + c.center().latitude() + ", " + c.center().longitude() + ", " + c.radiusKm() + ")";
        }

        @Override
        public String matching(ProxyFilter.Matching c) {
            return "TRUE /* " + c.description() + " */";
        }

        @Override
        public String allOf(ProxyFilter.AllOf c) {
            return c.clauses().isEmpty()
                    ? "TRUE"
                    : c.clauses().stream().map(x -> x.accept(this)).collect(Collectors.joining(" AND ", "(", ")"));
        }

        @Override
        public String anyOf(ProxyFilter.AnyOf c) {
            return c.clauses().isEmpty()
                    ? "FALSE"
                    : c.clauses().stream().map(x -> x.accept(this)).collect(Collectors.joining(" OR ", "(", ")"));
        }

        @Override
        public String noneOf(ProxyFilter.NoneOf c) {
            return "NOT " + anyOf(new ProxyFilter.AnyOf(c.clauses()));
        }
    }

    @Test
    void each_leaf_dispatches_to_its_own_visitor_method() {
        Render render = new Render();

        assertThat(country("de").accept(render)).isEqualTo("country = 'DE'");
        assertThat(city("Oslo").accept(render)).isEqualTo("city = 'Oslo'");
        assertThat(source("list").accept(render)).isEqualTo("source = 'list'");
        assertThat(isp("Acme Net").accept(render)).isEqualTo("isp = 'Acme Net'");
        assertThat(asn(13335).accept(render)).isEqualTo("asn = 13335");
        assertThat(protocol(ProxyProtocol.SOCKS4).accept(render)).isEqualTo("protocol = 'SOCKS4'");
        assertThat(within(1.5, -2.5, 10).accept(render)).isEqualTo("within(1.5, -2.5, 10.0)");
        assertThat(matching("fast", p -> true).accept(render)).isEqualTo("TRUE /* fast */");
    }

    @Test
    void combinators_dispatch_to_their_own_visitor_methods() {
        Render render = new Render();

        assertThat(allOf(country("DE"), asn(1)).accept(render)).isEqualTo("(country = 'DE' AND asn = 1)");
        assertThat(anyOf(country("DE"), asn(1)).accept(render)).isEqualTo("(country = 'DE' OR asn = 1)");
        assertThat(noneOf(country("DE"), asn(1)).accept(render)).isEqualTo("NOT (country = 'DE' OR asn = 1)");
        assertThat(allOf().accept(render)).isEqualTo("TRUE");
        assertThat(anyOf().accept(render)).isEqualTo("FALSE");
    }

    @Test
    void a_nested_tree_is_walked_in_clause_order() {
        ProxyFilter filter = allOf(anyOf(country("US"), country("CA")), noneOf(asn(13335)), within(40.71, -74.0, 500));

        assertThat(filter.accept(new Render()))
                .isEqualTo(
                        "((country = 'US' OR country = 'CA') AND NOT (asn = 13335) AND within(40.71, -74.0, 500.0))");
    }

    @Test
    void a_visitor_can_compute_values_other_than_text() {
        ProxyFilter.Visitor<Integer> leaves = new ProxyFilter.Visitor<>() {
            @Override
            public Integer country(ProxyFilter.Country c) {
                return 1;
            }

            @Override
            public Integer city(ProxyFilter.City c) {
                return 1;
            }

            @Override
            public Integer source(ProxyFilter.Source c) {
                return 1;
            }

            @Override
            public Integer isp(ProxyFilter.Isp c) {
                return 1;
            }

            @Override
            public Integer asn(ProxyFilter.Asn c) {
                return 1;
            }

            @Override
            public Integer protocol(ProxyFilter.Protocol c) {
                return 1;
            }

            @Override
            public Integer geoRadius(ProxyFilter.GeoRadius c) {
                return 1;
            }

            @Override
            public Integer matching(ProxyFilter.Matching c) {
                return 1;
            }

            @Override
            public Integer allOf(ProxyFilter.AllOf c) {
                return sum(c.clauses());
            }

            @Override
            public Integer anyOf(ProxyFilter.AnyOf c) {
                return sum(c.clauses());
            }

            @Override
            public Integer noneOf(ProxyFilter.NoneOf c) {
                return sum(c.clauses());
            }

            private int sum(java.util.List<ProxyFilter> clauses) {
                return clauses.stream().mapToInt(x -> x.accept(this)).sum();
            }
        };
        ProxyFilter filter = allOf(
                country("DE"),
                anyOf(city("a"), noneOf(asn(1), matching("m", p -> true))),
                source("s"),
                isp("i"),
                protocol(ProxyProtocol.HTTP),
                within(0, 0, 1));

        assertThat(filter.accept(leaves)).isEqualTo(8);
    }
}
