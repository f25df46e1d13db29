package io.pharox.storage.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.sql.SqlStorageOptions;
import io.pharox.testkit.postgres.TestSchema;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JPA adapter's wait queue listens on a connection of Hibernate's connection provider: a
 * waiter that polls once a minute gets a proxy released through another storage within its
 * wait of 40 s, so a notification woke it.
 */
class JpaWaitQueueTest {

    private static TestSchema db;
    private static EntityManagerFactory emf;

    @BeforeAll
    static void createSchema() {
        db = TestSchema.migrated("pharox_jpa_waitqueue", 8);
        emf = JpaStorage.entityManagerFactory(db.dataSource(), db.name());
    }

    @AfterAll
    static void dropSchema() {
        emf.close();
        db.close();
    }

    @Test
    void a_release_through_another_storage_wakes_a_jpa_waiter() throws Exception {
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try (JpaStorage holder = new JpaStorage(emf, SqlStorageOptions.defaults());
                JpaStorage waiting = new JpaStorage(emf, SqlStorageOptions.defaults())) {
            ProxyPool pool = holder.createPool("jpa-queue", "one exclusive proxy");
            holder.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("10.9.1.1", 3128)
                    .maxConcurrency(1)
                    .build());
            AcquireRequest request = AcquireRequest.forPool(pool.name()).build();
            LeasedProxy held = holder.acquire(request).orElseThrow();
            ProxyManager manager = ProxyManager.builder(waiting)
                    .waitPollInterval(Duration.ofMinutes(1))
                    .wakeUpPollInterval(Duration.ofMinutes(1))
                    .build();
            Future<Optional<LeasedProxy>> got = threads.submit(() -> manager.acquire(request, Duration.ofSeconds(40)));
            for (int i = 0; i < 2_000 && tickets() == 0; i++) {
                Thread.sleep(5);
            }
            assertThat(tickets()).as("the waiter queued").isEqualTo(1);
            assertThat(waiting.wakeUpsLive()).isTrue();

            holder.release(held.lease().id());

            assertThat(got.get(50, TimeUnit.SECONDS)).isPresent();
            assertThat(tickets()).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    private static int tickets() throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM " + db.name() + ".pool_waiter")) {
            r.next();
            return r.getInt(1);
        }
    }
}
