package io.pharox.storage.jpa;

import static io.pharox.filter.ProxyFilters.allOf;
import static io.pharox.filter.ProxyFilters.anyOf;
import static io.pharox.filter.ProxyFilters.asn;
import static io.pharox.filter.ProxyFilters.city;
import static io.pharox.filter.ProxyFilters.country;
import static io.pharox.filter.ProxyFilters.noneOf;
import static io.pharox.filter.ProxyFilters.source;
import static io.pharox.filter.ProxyFilters.within;
import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.filter.ProxyFilter;
import io.pharox.model.GeoPoint;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the JPA adapter guarantees beyond the contract: the engine's one-statement acquire on the session's connection. */
class JpaStorageSqlTest {

    /** The lease engine's claim. */
    private static final int ACQUIRE_STATEMENTS = 1;

    /** A batch of locked candidates, then the claim of the first that passes the predicate. */
    private static final int PREDICATE_ACQUIRE_STATEMENTS = 2;

    private static RecordingDataSource recording;
    private static TestSchema db;
    private static EntityManagerFactory emf;
    private JpaStorage storage;
    private ProxyPool pool;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_jpa_sql", 10);
        recording = new RecordingDataSource(db.dataSource());
        emf = JpaStorage.entityManagerFactory(recording.dataSource(), db.name());
    }

    @AfterAll
    static void dropSchema() {
        emf.close();
        db.close();
    }

    @BeforeEach
    void freshStorage() {
        db.truncate();
        storage = new JpaStorage(emf);
        pool = storage.createPool("sql-" + UUID.randomUUID(), "");
    }

    private void add(int n) {
        storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.1." + n / 250 + "." + n % 250, 8080)
                .shared(2)
                .country("DE")
                .city("Berlin")
                .source("vendor-a")
                .asn(3320L)
                .location(new GeoPoint(52.52, 13.405))
                .build());
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void an_acquire_is_one_statement_however_many_proxies_and_leases_exist(SelectorStrategy strategy) {
        ProxyFilter filter =
                allOf(country("de"), anyOf(city("Berlin"), within(52.5, 13.4, 50)), noneOf(source("vendor-b"), asn(1)));
        AcquireRequest request = AcquireRequest.forPool(pool.name())
                .consumer("counted")
                .filter(filter)
                .strategy(strategy)
                .build();
        add(0);
        storage.acquire(request).orElseThrow(); // learns the pool's and the consumer's ids
        recording.take();
        storage.acquire(request).orElseThrow();
        List<String> few = recording.take();

        for (int i = 1; i <= 60; i++) {
            add(i);
        }
        List<LeasedProxy> leases = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            leases.add(storage.acquire(request).orElseThrow());
        }
        recording.take();
        storage.acquire(request).orElseThrow();
        List<String> many = recording.take();

        assertThat(few).as("statements of one acquire among 1 proxy").hasSize(ACQUIRE_STATEMENTS);
        assertThat(many)
                .as("statements of one acquire among 61 proxies and 42 leases")
                .hasSize(ACQUIRE_STATEMENTS);
        assertThat(many)
                .as("the candidate is locked, skipping rows others hold")
                .singleElement()
                .satisfies(sql -> assertThat(sql.toLowerCase()).contains("for update of \"p\" skip locked"));
        leases.forEach(l -> storage.release(l.lease().id()));
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void an_acquire_with_a_java_predicate_locks_one_batch_of_candidates(SelectorStrategy strategy) {
        for (int i = 0; i < 50; i++) {
            add(i);
        }
        AcquireRequest request = AcquireRequest.forPool(pool.name())
                .consumer("counted")
                .filter(allOf(
                        country("DE"), io.pharox.filter.ProxyFilters.matching("port 8080", p -> p.port() == 8080)))
                .strategy(strategy)
                .build();
        storage.acquire(request).orElseThrow();
        recording.take();
        storage.acquire(request).orElseThrow();
        if (strategy == SelectorStrategy.RANDOM) {
            // RANDOM starts after a random key: when that lies past every candidate's key, the
            // batch after it is empty and a second batch wraps to the lowest keys
            assertThat(recording.take()).hasSizeBetween(PREDICATE_ACQUIRE_STATEMENTS, PREDICATE_ACQUIRE_STATEMENTS + 1);
        } else {
            assertThat(recording.take()).hasSize(PREDICATE_ACQUIRE_STATEMENTS);
        }
    }

    @Test
    void geo_clauses_bind_no_values_so_the_widest_tree_stays_within_the_drivers_limit() {
        add(0);
        int oneRadius = bindMarkers(within(52.5, 13.4, 50));
        int manyRadii = bindMarkers(anyOf(IntStream.range(0, ProxyFilter.MAX_GEO_CLAUSES)
                .mapToObj(i -> within(52.5, 13.4, 50 + i))
                .toList()));
        int twoCities = bindMarkers(anyOf(city("Berlin"), city("Bonn")));
        int oneCity = bindMarkers(city("Berlin"));

        assertThat(manyRadii)
                .as("bind values of the most radii a tree may hold vs 1")
                .isEqualTo(oneRadius);
        // the claim reads the filter twice: to pick, and (when nothing was picked) to see whether
        // others hold every candidate; so 10,000 string leaves bind 20,000 values, below 65,535
        assertThat(twoCities - oneCity).as("bind values of a string leaf").isEqualTo(2);
    }

    /** The bind markers of the statements one acquire with {@code filter} sends. */
    private int bindMarkers(ProxyFilter filter) {
        AcquireRequest request = AcquireRequest.forPool(pool.name())
                .consumer("counted")
                .filter(filter)
                .build();
        storage.acquire(request).ifPresent(l -> storage.release(l.lease().id()));
        recording.take();
        storage.acquire(request).ifPresent(l -> storage.release(l.lease().id()));
        return recording.take().stream()
                .mapToInt(sql -> sql.length() - sql.replace("?", "").length())
                .sum();
    }
}
