package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.sql.Claims.Binds;
import io.pharox.storage.sql.Claims.Lock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.junit.jupiter.api.Test;

class ClaimShapesTest {

    private final DSLContext ctx = SqlSchema.named("shapes").using(new MockConnection(c -> new MockResult[0]));

    @Test
    void a_rendered_shape_binds_exactly_what_a_freshly_built_claim_binds() {
        List<ProxyFilter> filters = List.of(
                ProxyFilters.matchAll(),
                ProxyFilters.allOf(
                        ProxyFilters.anyOf(ProxyFilters.country("DE"), ProxyFilters.city("Köln")),
                        ProxyFilters.noneOf(ProxyFilters.asn(64500)),
                        ProxyFilters.within(50, 10, 300)));
        for (SelectorStrategy strategy : SelectorStrategy.values()) {
            for (Lock lock : Lock.values()) {
                for (ProxyFilter filter : filters) {
                    AcquireRequest request = AcquireRequest.forPool("p")
                            .strategy(strategy)
                            .filter(filter)
                            .ttl(Duration.ofMillis(1500))
                            .build();
                    UUID pool = UUID.randomUUID();
                    Binds binds = Binds.fresh(request, pool, UUID.randomUUID());
                    var fresh = Claims.statement(
                            ctx, strategy, binds, Claims.leasable(pool, FilterTranslator.translate(filter)), lock);

                    assertThat(ClaimShapes.boundValues(ctx, request, binds, lock))
                            .as("%s %s %s", strategy, lock, filter)
                            .isEqualTo(fresh.getBindValues());
                }
            }
        }
    }

    @Test
    void the_claim_of_the_widest_accepted_string_tree_stays_below_the_drivers_bind_limit() {
        ProxyFilter widest = ProxyFilters.anyOf(java.util.stream.IntStream.range(0, ProxyFilter.MAX_CLAUSES - 1)
                .mapToObj(i -> ProxyFilters.city("nowhere-" + i))
                .toList());
        UUID pool = UUID.randomUUID();
        for (SelectorStrategy strategy : SelectorStrategy.values()) {
            AcquireRequest request = AcquireRequest.forPool("p")
                    .strategy(strategy)
                    .filter(widest)
                    .build();
            int binds = Claims.statement(
                            ctx,
                            strategy,
                            Binds.fresh(request, pool, UUID.randomUUID()),
                            Claims.leasable(pool, FilterTranslator.translate(widest)),
                            Lock.SKIP)
                    .getBindValues()
                    .size();

            // the claim reads the filter up to three times (start, wrap, any candidate)
            assertThat(binds)
                    .as("bind values of the %s claim", strategy)
                    .isGreaterThanOrEqualTo(2 * (ProxyFilter.MAX_CLAUSES - 1))
                    .isLessThan(65_535);
        }
    }

    @Test
    void equal_filters_share_one_shape_and_the_number_of_shapes_is_bounded() {
        ClaimShapes shapes = new ClaimShapes("select 1");
        DSLContext answering = SqlSchema.named("shapes").using(new MockConnection(c ->
                new MockResult[] {new MockResult(0, ctx.newResult())}));
        UUID pool = UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            claimQuietly(shapes, answering, ProxyFilters.country("DE"), pool);
        }
        assertThat(shapes.size()).isEqualTo(1);
        for (int i = 0; i < ClaimShapes.MAX_SHAPES + 10; i++) {
            claimQuietly(shapes, answering, ProxyFilters.city("city-" + i), pool);
        }
        assertThat(shapes.size()).isEqualTo(ClaimShapes.MAX_SHAPES);
    }

    private static void claimQuietly(ClaimShapes shapes, DSLContext ctx, ProxyFilter filter, UUID pool) {
        try {
            shapes.claim(
                    ctx,
                    AcquireRequest.forPool("p").filter(filter).build(),
                    pool,
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    Lock.SKIP);
        } catch (org.jooq.exception.DataAccessException expected) {
            // the mock database answers with no row (or, to the plain JDBC path, with no result
            // after the settings); the shape is what this test is about
        }
    }
}
