package io.pharox.storage.sql;

import io.pharox.filter.ProxyFilter;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.sql.Claims.Binds;
import io.pharox.storage.sql.Claims.Claimed;
import io.pharox.storage.sql.Claims.Lock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.types.DayToSecond;

/**
 * Claims rendered once per shape (strategy, lock, filter) and run again with new values.
 * Building and rendering the claim with jOOQ took 150–250 µs of client CPU per acquire on the
 * benchmark machine; a rendered shape is run as plain SQL with its bind values, which jOOQ
 * binds by their Java types exactly as it bound them when it rendered.
 *
 * <p>The values that change per call (lease id, pool, consumer, ttl, random start) are found
 * among the rendered statement's bind values by rendering it once with sentinel values of
 * their own types that no filter can hold. At most {@value #MAX_SHAPES} shapes are kept; a
 * claim of any further shape is built and rendered each time.
 */
final class ClaimShapes {

    /** Shapes kept; filters are the application's, so their number is not bounded by Pharox. */
    static final int MAX_SHAPES = 512;

    private static final UUID LEASE_ID = new UUID(0x5E47_1000L, 1);
    private static final UUID POOL = new UUID(0x5E47_1000L, 2);
    private static final UUID CONSUMER = new UUID(0x5E47_1000L, 3);
    private static final DayToSecond TTL = new DayToSecond(0, 0, 0, 0, 123_457_000);
    private static final double START = -0.5e-300;
    private static final String TARGET = "{pharox-target-" + UUID.randomUUID() + "}";

    private final ConcurrentHashMap<Shape, Rendered> shapes = new ConcurrentHashMap<>();
    private final String settings;

    /** Shapes whose statements run after {@code settings} ({@link StatementBounds#settingStatement()}). */
    ClaimShapes(String settings) {
        this.settings = settings;
    }

    /** The claim of a proxy for {@code request}, whose filter holds no Java predicate, as a lease with id {@code leaseId}. */
    Claimed claim(DSLContext ctx, AcquireRequest request, UUID pool, UUID consumer, UUID leaseId, Lock lock) {
        Binds binds = Binds.of(request, pool, consumer, leaseId);
        Shape shape = new Shape(
                request.strategy(), lock, request.filter(), request.target().isPresent());
        Rendered rendered = shapes.get(shape);
        if (rendered == null) {
            if (shapes.size() >= MAX_SHAPES) {
                return new Claimed(
                        Claims.statement(
                                        ctx,
                                        request.strategy(),
                                        binds,
                                        where(request.filter(), pool, request.target()),
                                        lock)
                                .fetchSingle(),
                        consumer);
            }
            rendered = render(ctx, shape);
            shapes.putIfAbsent(shape, rendered);
        }
        Object[] values = rendered.values(binds, request.target().orElse(TARGET));
        if (HotSql.bindable(values)) {
            return new Claimed(
                    HotSql.query(ctx, settings, rendered.sql, values, Claims.CLAIM_ROW)
                            .get(0),
                    consumer);
        }
        return new Claimed(ctx.resultQuery(rendered.sql, values).fetchSingle(), consumer);
    }

    private static Rendered render(DSLContext ctx, Shape shape) {
        Binds sentinels = new Binds(LEASE_ID, POOL, CONSUMER, TTL, START);
        var statement = Claims.statement(
                ctx,
                shape.strategy,
                sentinels,
                where(shape.filter, POOL, shape.targeted ? Optional.of(TARGET) : Optional.empty()),
                shape.lock);
        return new Rendered(ctx.render(statement), statement.getBindValues().toArray());
    }

    private static org.jooq.Condition where(ProxyFilter filter, UUID pool, Optional<String> target) {
        return Claims.leasable(pool, FilterTranslator.translate(filter), target.<Field<String>>map(DSL::val));
    }

    /** What makes two claims the same SQL. Filters are records: equal trees, equal shapes. */
    private record Shape(SelectorStrategy strategy, Lock lock, ProxyFilter filter, boolean targeted) {}

    /** A rendered claim and its bind values, sentinels standing for the values of each call. */
    private record Rendered(String sql, Object[] template) {

        Object[] values(Binds binds, String target) {
            Object[] values = template.clone();
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                if (LEASE_ID.equals(v)) {
                    values[i] = binds.leaseId();
                } else if (POOL.equals(v)) {
                    values[i] = binds.pool();
                } else if (CONSUMER.equals(v)) {
                    values[i] = binds.consumer();
                } else if (TTL.equals(v)) {
                    values[i] = binds.ttl();
                } else if (TARGET.equals(v)) {
                    values[i] = target;
                } else if (v instanceof Double d && d == START) {
                    values[i] = binds.randomStart();
                }
            }
            return values;
        }
    }

    /** For tests: the number of shapes kept. */
    int size() {
        return shapes.size();
    }

    /** For tests: the values bound for {@code binds} in a shape rendered for these arguments. */
    static List<Object> boundValues(DSLContext ctx, AcquireRequest request, Binds binds, Lock lock) {
        return List.of(render(
                        ctx,
                        new Shape(
                                request.strategy(),
                                lock,
                                request.filter(),
                                request.target().isPresent()))
                .values(binds, request.target().orElse(TARGET)));
    }
}
