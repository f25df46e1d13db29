package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.schema.PharoxSchema;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.sql.Claims.Lock;
import io.pharox.testkit.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Param;
import org.jooq.Query;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The claim of every strategy reads its candidates from an index, never by scanning or sorting
 * the pool: the plan PostgreSQL makes for it on a pool of 100,000 proxies has no {@code Sort}
 * (nor incremental sort) and no {@code Seq Scan} over {@code proxy}, both as a custom plan (values known) and as the
 * generic plan a prepared statement may switch to. Plan shape, not time, so it is stable.
 */
class ClaimPlanTest {

    private static final int PROXIES = 100_000;
    private static final Pattern TYPE = Pattern.compile("^\\s*\"([^\"]+)\"");
    private static final Pattern RELATION = Pattern.compile("\"Relation Name\":\\s*\"([^\"]+)\"");

    private static TestPostgres postgres;
    private static String schema;
    private static UUID pool;
    private static DSLContext render;

    @BeforeAll
    static void seedAHundredThousandProxies() throws SQLException {
        postgres = TestPostgres.get();
        schema = postgres.createSchema("pharox_plans");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgres.url());
        dataSource.setUser(postgres.user());
        dataSource.setPassword(postgres.password());
        PharoxSchema.migrate(dataSource, schema);
        pool = UUID.randomUUID();
        try (Connection c = postgres.open();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + schema + ".pool (id, name, description, created_at) VALUES ('" + pool
                    + "', 'plans', '', now())");
            // a seventh each in DE and FR near 50N 10E, the rest elsewhere; some full, some shared
            s.execute("INSERT INTO " + schema + ".proxy (id, pool_id, host, port, protocol, status, max_concurrency,"
                    + " current_leases, country, asn, latitude, longitude)"
                    + " SELECT gen_random_uuid(), '" + pool + "', 'h' || i, 8080, 'HTTP', 'ACTIVE', 1 + i % 4, i % 2,"
                    + " CASE i % 7 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' ELSE 'US' END, 64499 + i % 3,"
                    + " CASE WHEN i % 7 < 2 THEN 49 + (i % 100) / 50.0 ELSE 38 END,"
                    + " CASE WHEN i % 7 < 2 THEN 9 + (i % 100) / 50.0 ELSE -97 END"
                    + " FROM generate_series(1, " + PROXIES + ") AS i");
            s.execute("ANALYZE " + schema + ".proxy");
        }
        render = SqlSchema.named(schema).using(dataSource);
    }

    @AfterAll
    static void dropSchema() {
        postgres.dropSchema(schema);
    }

    static Stream<Arguments> claims() {
        ProxyFilter tree = ProxyFilters.allOf(
                ProxyFilters.anyOf(ProxyFilters.country("DE"), ProxyFilters.country("FR")),
                ProxyFilters.noneOf(ProxyFilters.asn(64500)),
                ProxyFilters.within(50, 10, 300));
        List<Arguments> claims = new ArrayList<>();
        for (SelectorStrategy strategy : SelectorStrategy.values()) {
            for (Lock lock : Lock.values()) {
                claims.add(Arguments.of(strategy, lock, "no filter", ProxyFilters.matchAll()));
                claims.add(Arguments.of(strategy, lock, "a filter tree", tree));
            }
        }
        return claims.stream();
    }

    @ParameterizedTest(name = "{0} {1} with {2}")
    @MethodSource("claims")
    void the_claim_reads_its_candidates_from_an_index(
            SelectorStrategy strategy, Lock lock, String described, ProxyFilter filter) throws SQLException {
        AcquireRequest request = AcquireRequest.forPool("plans")
                .consumer("planner")
                .strategy(strategy)
                .filter(filter)
                .build();
        Query claim = Claims.statement(
                render,
                strategy,
                Claims.Binds.fresh(request, pool, UUID.randomUUID()),
                Claims.leasable(pool, FilterTranslator.translate(filter)),
                lock);

        for (String plan : List.of(customPlan(claim), genericPlan(claim))) {
            List<String> nodes = nodes(plan);
            assertThat(nodes)
                    .as("plan nodes")
                    .contains("Index Scan on proxy")
                    .doesNotContain("Seq Scan on proxy")
                    .noneMatch(node -> node.contains("Sort"));
        }
    }

    private static String customPlan(Query claim) throws SQLException {
        return explain("EXPLAIN (FORMAT JSON) " + render.renderInlined(claim));
    }

    /** The plan PostgreSQL makes for the statement prepared with its bind values as parameters. */
    private static String genericPlan(Query claim) throws SQLException {
        StringBuilder sql = new StringBuilder();
        int n = 0;
        for (char ch : render.render(claim).toCharArray()) {
            sql.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        List<String> values = new ArrayList<>();
        for (Param<?> p : render.extractParams(claim).values()) {
            if (!p.isInline()) {
                values.add("'" + String.valueOf(p.getValue()).replace("'", "''") + "'");
            }
        }
        assertThat(values).as("bind values").hasSize(n);
        try (Connection c = postgres.open();
                Statement s = c.createStatement()) {
            s.execute("SET search_path = " + schema);
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE claim AS " + sql);
            return read(s, "EXPLAIN (FORMAT JSON) EXECUTE claim(" + String.join(", ", values) + ")");
        }
    }

    private static String explain(String sql) throws SQLException {
        try (Connection c = postgres.open();
                Statement s = c.createStatement()) {
            return read(s, sql);
        }
    }

    private static String read(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    /**
     * Each node of a JSON plan as its type, with " on RELATION" for a scan. PostgreSQL writes a
     * node's own properties before its "Plans", so the text from one "Node Type" to the next
     * holds the properties of one node.
     */
    private static List<String> nodes(String plan) {
        List<String> nodes = new ArrayList<>();
        String[] parts = plan.split("\"Node Type\":");
        for (int i = 1; i < parts.length; i++) {
            Matcher type = TYPE.matcher(parts[i]);
            assertThat(type.find()).as("a node type in %s", parts[i]).isTrue();
            Matcher relation = RELATION.matcher(parts[i]);
            nodes.add(relation.find() ? type.group(1) + " on " + relation.group(1) : type.group(1));
        }
        return nodes;
    }
}
