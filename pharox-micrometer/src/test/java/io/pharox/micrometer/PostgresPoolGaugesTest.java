package io.pharox.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.ProxyManager;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The pool gauges read {@code poolStats} from the JDBC adapter on the real PostgreSQL. */
class PostgresPoolGaugesTest {

    private static final TestSchema db = TestSchema.migrated("pharox_micrometer", 4);

    @AfterAll
    static void dropSchema() {
        db.close();
    }

    @Test
    void the_gauges_show_the_pool_as_the_database_counts_it() {
        MockClock clock = new MockClock();
        PrometheusMeterRegistry registry = Scrapes.registry(clock);
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();
        SqlStorageOptions options = SqlStorageOptions.builder()
                .storageListener(metrics.storageListener())
                .build();
        try (JdbcStorage storage = new JdbcStorage(db.dataSource(), db.name(), options)) {
            ProxyPool pool = storage.createPool("pg-residential", "");
            for (int i = 0; i < 3; i++) {
                storage.addProxy(Proxy.builder()
                        .poolId(pool.id())
                        .address("10.1.0." + (i + 1), 8080)
                        .shared(2)
                        .build());
            }
            storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.1.1.1", 8080)
                    .status(ProxyStatus.INACTIVE)
                    .build());
            ProxyManager manager = ProxyManager.of(storage);
            manager.acquire("pg-residential").orElseThrow();
            manager.acquire("pg-residential").orElseThrow();
            metrics.bindPoolStats(storage, List.of("pg-residential"));

            String scrape = registry.scrape();

            assertThat(Scrapes.value(scrape, "pharox_pool_capacity", "pool=\"pg-residential\""))
                    .isEqualTo(6);
            assertThat(Scrapes.value(scrape, "pharox_pool_leases_active", "pool=\"pg-residential\""))
                    .isEqualTo(2);
            assertThat(Scrapes.value(scrape, "pharox_pool_free_slots", "pool=\"pg-residential\""))
                    .isEqualTo(4);
            assertThat(Scrapes.value(scrape, "pharox_pool_proxies", "pool=\"pg-residential\",status=\"inactive\""))
                    .isEqualTo(1);
            assertThat(Scrapes.value(scrape, "pharox_pool_proxies", "pool=\"pg-residential\",status=\"active\""))
                    .isEqualTo(3);

            manager.acquire("pg-residential").orElseThrow();
            clock.add(PharoxMetrics.DEFAULT_POOL_STATS_REFRESH.toSeconds(), TimeUnit.SECONDS);
            assertThat(Scrapes.value(registry.scrape(), "pharox_pool_leases_active", "pool=\"pg-residential\""))
                    .isEqualTo(3);
        }
    }
}
