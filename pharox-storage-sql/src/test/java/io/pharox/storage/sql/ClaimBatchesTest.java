package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Ids;
import io.pharox.model.LeasedProxy;
import io.pharox.schema.PharoxSchema;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.testkit.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One batch claim statement for several requests, on PostgreSQL: each request gets its own
 * lease with its own id, consumer and ttl, on a proxy of its own; requests beyond the proxies
 * with room get nothing; the counters count exactly the leases granted.
 */
class ClaimBatchesTest {

    private static TestPostgres postgres;
    private static String schema;
    private static DSLContext ctx;

    @BeforeAll
    static void migrate() {
        postgres = TestPostgres.get();
        schema = postgres.createSchema("pharox_batches");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgres.url());
        dataSource.setUser(postgres.user());
        dataSource.setPassword(postgres.password());
        PharoxSchema.migrate(dataSource, schema);
        ctx = SqlSchema.named(schema).using(dataSource);
    }

    @AfterAll
    static void dropSchema() {
        postgres.dropSchema(schema);
    }

    @ParameterizedTest
    @EnumSource(
            value = SelectorStrategy.class,
            names = {"FIRST_AVAILABLE", "LEAST_USED"})
    void each_request_of_a_batch_gets_its_own_lease_consumer_and_ttl_until_the_proxies_run_out(
            SelectorStrategy strategy) throws SQLException {
        String poolName = "batch-" + strategy.name().toLowerCase(java.util.Locale.ROOT);
        UUID pool = Ids.next();
        List<UUID> consumers = new ArrayList<>();
        try (Connection c = postgres.open();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + schema + ".pool (id, name, description, created_at) VALUES ('" + pool + "', '"
                    + poolName + "', '', now())");
            for (int i = 0; i < 3; i++) {
                s.execute("INSERT INTO " + schema + ".proxy (id, pool_id, host, port, protocol, status,"
                        + " max_concurrency, current_leases) VALUES ('" + Ids.next() + "', '" + pool + "', '"
                        + poolName + "-" + i + ".example', 8080, 'HTTP', 'ACTIVE', 1, 0)");
            }
            for (int i = 0; i < 4; i++) {
                UUID consumer = Ids.next();
                consumers.add(consumer);
                s.execute("INSERT INTO " + schema + ".consumer (id, name, created_at) VALUES ('" + consumer + "', '"
                        + poolName + "-consumer-" + i + "', now())");
            }
        }
        List<ClaimBatches.Item> items = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            AcquireRequest request = AcquireRequest.forPool(poolName)
                    .consumer(poolName + "-consumer-" + i)
                    .strategy(strategy)
                    .ttl(Duration.ofMinutes(i + 1).plusMillis(i))
                    .build();
            items.add(new ClaimBatches.Item(request, consumers.get(i), Ids.next()));
        }

        List<Optional<Claims.Claimed>> claimed = new ClaimBatches(
                        StatementBounds.of(SqlStorageOptions.defaults()).settingStatement())
                .claim(ctx, pool, items);

        assertThat(claimed).hasSize(4);
        assertThat(claimed.get(3)).as("the fourth request, with three proxies").isEmpty();
        Set<UUID> proxies = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            LeasedProxy leased = claimed.get(i)
                    .orElseThrow()
                    .leased(CredentialCipher.of(SqlStorageOptions.defaults()))
                    .orElseThrow();
            assertThat(leased.lease().id()).isEqualTo(items.get(i).leaseId());
            assertThat(leased.lease().consumerId()).isEqualTo(consumers.get(i));
            assertThat(Duration.between(
                            leased.lease().acquiredAt(), leased.lease().expiresAt()))
                    .isEqualTo(Duration.ofMinutes(i + 1).plusMillis(i));
            assertThat(leased.proxy().currentLeases()).isEqualTo(1);
            proxies.add(leased.proxy().id());
        }
        assertThat(proxies).as("three requests, three different proxies").hasSize(3);
        try (Connection c = postgres.open();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT sum(current_leases), (SELECT count(*) FROM " + schema
                        + ".lease WHERE pool_id = '" + pool + "' AND status = 'ACTIVE') FROM " + schema
                        + ".proxy WHERE pool_id = '" + pool + "'")) {
            r.next();
            assertThat(r.getInt(1)).as("counters").isEqualTo(3);
            assertThat(r.getInt(2)).as("active lease rows").isEqualTo(3);
        }
    }
}
