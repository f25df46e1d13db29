package io.pharox.storage.jdbc;

import static io.pharox.filter.ProxyFilters.allOf;
import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.asn;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.noneOf;
import static io.pharox.filter.ProxyFilters.source;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.PoolNotFoundException;
import io.pharox.filter.ProxyFilter;
import io.pharox.model.LeasedProxy;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.testkit.postgres.TestSchema;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the SQL of the JDBC adapter guarantees beyond the contract: round trips, bound values, migrations. */
class JdbcStorageSqlTest {

    private static TestSchema db;
    private CountingDataSource counting;
    private JdbcStorage storage;
    private ProxyPool pool;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_sql", 20);
    }

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @BeforeEach
    void freshStorage() {
        db.truncate();
        counting = new CountingDataSource(db.dataSource());
        storage = new JdbcStorage(counting.dataSource(), db.name());
        pool = storage.createPool("sql-" + UUID.randomUUID(), "");
    }

    private Proxy add(int n, java.util.function.UnaryOperator<Proxy.Builder> customize) {
        return storage.addProxy(customize
                .apply(Proxy.builder().poolId(pool.id()).address("10.1.0." + n, 8080))
                .build());
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void an_acquire_with_a_filter_tree_without_predicates_is_one_statement(SelectorStrategy strategy) {
        for (int i = 1; i <= 4; i++) {
            add(
                    i,
                    b -> b.shared(2)
                            .country("DE")
                            .city("Berlin")
                            .source("vendor-a")
                            .asn(3320L)
                            .location(new io.pharox.model.GeoPoint(52.52, 13.405)));
        }
        ProxyFilter filter =
                allOf(country("de"), anyOf(city("Berlin"), within(52.5, 13.4, 50)), noneOf(source("vendor-b"), asn(1)));
        AcquireRequest request = AcquireRequest.forPool(pool.name())
                .consumer("counted")
                .filter(filter)
                .strategy(strategy)
                .build();
        storage.acquire(request).orElseThrow(); // learns the pool's and the consumer's ids
        counting.takeCount();

        LeasedProxy leased = storage.acquire(request).orElseThrow();

        assertThat(counting.takeCount()).as("statements of one acquire").isEqualTo(1);
        assertThat(storage.release(leased.lease().id())).isTrue();
        assertThat(counting.takeCount()).as("statements of one release").isEqualTo(1);
        assertThat(storage.cleanupExpiredLeases()).isZero();
        assertThat(counting.takeCount()).as("statements of one cleanup").isEqualTo(1);
    }

    @Test
    void a_batch_of_2500_proxies_is_written_in_multi_row_inserts_not_row_by_row() {
        java.util.List<Proxy> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            batch.add(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.2." + (i / 250) + "." + (i % 250 + 1), 8080)
                    .build());
        }
        counting.takeCount();

        storage.addProxies(batch);

        // the pools, the stored proxies it would collide with, one insert (of up to 5,000 rows),
        // and the wake-up of the pool's waiters
        assertThat(counting.takeCount()).as("statements of addProxies(2,500)").isEqualTo(4);
        assertThat(storage.listProxies(pool.name())).hasSize(2_500);
    }

    @Test
    void an_acquire_that_finds_nothing_is_one_statement() {
        add(1, b -> b.country("FR"));
        storage.acquire(AcquireRequest.forPool(pool.name()).build()).orElseThrow();
        counting.takeCount();

        assertThat(storage.acquire(AcquireRequest.forPool(pool.name())
                        .filter(country("DE"))
                        .build()))
                .isEmpty();
        assertThat(counting.takeCount()).isEqualTo(1);
    }

    @Test
    void pool_statistics_are_one_statement_even_for_a_pool_name_not_seen_before() {
        add(1, b -> b.shared(3));
        add(2, b -> b.unlimited());
        storage.acquire(AcquireRequest.forPool(pool.name()).build()).orElseThrow();
        // a storage that has never resolved the pool's name to its id
        try (JdbcStorage fresh = new JdbcStorage(counting.dataSource(), db.name())) {
            counting.takeCount();

            PoolStats stats = fresh.poolStats(pool.name());

            assertThat(counting.takeCount()).isEqualTo(1);
            assertThat(stats.activeLeases()).isEqualTo(1);
            assertThat(stats.capacity()).isEqualTo(3);
            assertThat(stats.unlimitedProxies()).isEqualTo(1);
            assertThat(stats.freeSlots()).isEqualTo(2);

            String unknown = "no-such-pool-" + UUID.randomUUID();
            assertThatThrownBy(() -> fresh.poolStats(unknown))
                    .isInstanceOf(PoolNotFoundException.class)
                    .hasMessageContaining(unknown);
            assertThat(counting.takeCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "x' OR '1'='1",
                "'; DROP TABLE proxy; --",
                "\" OR \"\"=\"",
                "DE') OR TRUE --",
                "\\'; SELECT 1; --"
            })
    void hostile_filter_values_match_nothing_and_harm_nothing(String hostile) {
        Proxy proxy = add(1, b -> b.unlimited().country("DE").city("Berlin").source("vendor-a"));

        for (ProxyFilter filter : new ProxyFilter[] {
            country(hostile),
            city(hostile),
            source(hostile),
            anyOf(city(hostile), source(hostile)),
            allOf(country("DE"), city(hostile))
        }) {
            assertThat(storage.acquire(
                            AcquireRequest.forPool(pool.name()).filter(filter).build()))
                    .as("%s", filter)
                    .isEmpty();
        }
        assertThat(storage.listProxies(pool.name())).containsExactly(proxy);
        assertThat(storage.acquire(AcquireRequest.forPool(pool.name())
                        .filter(noneOf(city(hostile)))
                        .build()))
                .isPresent();
    }

    @Test
    void a_hostile_value_stored_as_a_tag_is_matched_verbatim() {
        String hostile = "'; DROP TABLE proxy; --";
        Proxy proxy = add(1, b -> b.city(hostile).source("x' OR '1'='1"));
        add(2, b -> b.city("Berlin"));

        Optional<LeasedProxy> leased = storage.acquire(AcquireRequest.forPool(pool.name())
                .filter(allOf(city(hostile), source("x' OR '1'='1")))
                .build());

        assertThat(leased).map(l -> l.proxy().id()).contains(proxy.id());
        assertThat(storage.findProxy(proxy.id()).orElseThrow().city()).contains(hostile);
    }

    @Test
    void a_hostile_pool_name_is_just_unknown() {
        String hostile = "x'; DROP TABLE pool; --";

        assertThatThrownBy(() -> storage.acquire(AcquireRequest.forPool(hostile).build()))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(hostile);
        assertThat(storage.findPool(pool.name())).contains(pool);
    }

    @Test
    void an_invalid_ttl_is_rejected_before_the_database_is_asked() {
        add(1, b -> b);
        LeasedProxy leased =
                storage.acquire(AcquireRequest.forPool(pool.name()).build()).orElseThrow();
        counting.takeCount();

        assertThatThrownBy(() -> storage.renew(leased.lease().id(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> storage.renew(leased.lease().id(), Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-0.005S");
        assertThat(counting.takeCount()).isZero();
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void threads_acquiring_with_a_java_predicate_fill_every_slot_exactly(SelectorStrategy strategy) throws Exception {
        for (int i = 1; i <= 3; i++) {
            add(i, b -> b.shared(2).country("DE"));
        }
        add(4, b -> b.shared(2).country("FR"));
        ProxyFilter filter =
                allOf(country("DE"), io.pharox.filter.ProxyFilters.matching("port 8080", p -> p.port() == 8080));
        int threads = 16;
        java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        try {
            java.util.List<java.util.concurrent.Future<Optional<LeasedProxy>>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(executor.submit(() -> {
                    start.await();
                    return storage.acquire(AcquireRequest.forPool(pool.name())
                            .filter(filter)
                            .strategy(strategy)
                            .build());
                }));
            }
            start.countDown();
            int granted = 0;
            for (java.util.concurrent.Future<Optional<LeasedProxy>> result : results) {
                Optional<LeasedProxy> leased = result.get(30, java.util.concurrent.TimeUnit.SECONDS);
                if (leased.isPresent()) {
                    granted++;
                    assertThat(leased.get().proxy().country()).contains("DE");
                }
            }
            assertThat(granted).isEqualTo(6);
        } finally {
            executor.shutdownNow();
        }
        for (Proxy p : storage.listProxies(pool.name())) {
            assertThat(p.currentLeases())
                    .isEqualTo(storage.activeLeases(p.id()).size())
                    .isEqualTo(p.country().orElseThrow().equals("DE") ? 2 : 0);
        }
    }

    @Test
    void migrating_again_changes_nothing() {
        Proxy proxy = add(1, b -> b);

        JdbcStorage.migrate(db.dataSource(), db.name());

        assertThat(storage.listProxies(pool.name())).containsExactly(proxy);
    }

    @Test
    void a_schema_name_that_is_not_an_identifier_is_rejected() {
        assertThatThrownBy(() -> new JdbcStorage(db.dataSource(), "x\"; DROP SCHEMA public; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema");
    }
}
