package io.pharox.storage.sql;

import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.matching;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.filter.ProxyFilter;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class FilterTranslatorTest {

    private final DSLContext render = DSL.using(SQLDialect.POSTGRES);

    @Test
    void geo_clauses_bind_no_values() {
        ProxyFilter widest = anyOf(IntStream.range(0, ProxyFilter.MAX_GEO_CLAUSES)
                .mapToObj(i -> within(-80 + i * 0.001, 10, 5))
                .toList());

        String sql = render.render(FilterTranslator.translate(widest));

        assertThat(sql.chars().filter(c -> c == '?').count())
                .as("bind markers of the widest accepted geo tree")
                .isZero();
        assertThat(render.render(FilterTranslator.translate(city("?"))))
                .as("a string leaf is bound")
                .containsOnlyOnce("?");
    }

    @Test
    void a_java_predicate_cannot_be_translated() {
        assertThatThrownBy(() -> FilterTranslator.translate(matching("odd port", p -> p.port() % 2 == 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("odd port");
    }
}
