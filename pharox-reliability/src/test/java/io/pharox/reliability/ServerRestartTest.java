package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.exception.StorageException;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import jakarta.persistence.EntityManagerFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the server itself, on a private PostgreSQL cluster of this test (never the shared
 * one): restarts under the soak's load, and a server that is down for a while. Both adapters
 * report it as a {@link StorageException} and work again, on the same objects, once the
 * server is back.
 */
class ServerRestartTest {

    private static final String UNREACHABLE = "database unreachable: cannot connect (SQL state 08001)";

    private static PrivatePostgres cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = PrivatePostgres.start();
    }

    @AfterAll
    static void removeCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void workers_keep_every_invariant_and_lease_again_after_each_restart_of_the_server() throws Exception {
        try (SoakDatabase db = SoakDatabase.on(cluster, "pharox_restart")) {
            SoakRun.Report report = SoakRun.run(db, 2, 4, cluster::restart);

            assertThat(report.faults()).isEqualTo(3);
            assertThat(report.mostLive()).as("most live leases in one sample").isPositive();
        }
    }

    @Test
    void while_the_server_is_down_both_adapters_throw_storage_exceptions_and_work_again_once_it_is_back()
            throws Exception {
        try (SoakDatabase db = SoakDatabase.on(cluster, "pharox_down")) {
            JdbcStorage jdbc = new JdbcStorage(db.dataSource(3), db.schema());
            EntityManagerFactory emf = JpaStorage.entityManagerFactory(db.dataSource(3), db.schema());
            try {
                ProxyPool pool = jdbc.createPool("down", "leased across a server outage");
                jdbc.addProxy(Proxy.builder()
                        .poolId(pool.id())
                        .address("10.81.0.1", 3128)
                        .shared(10)
                        .build());
                AcquireRequest request = AcquireRequest.forPool(pool.name())
                        .consumer("outage")
                        .ttl(Duration.ofMinutes(1))
                        .build();
                List<ProxyStorage> storages = List.of(jdbc, new JpaStorage(emf));
                long lastToken = 0;
                for (ProxyStorage storage : storages) {
                    Optional<LeasedProxy> before = storage.acquire(request);
                    assertThat(before).as("before the outage").isPresent();
                    lastToken = before.get().lease().fencingToken();
                }

                cluster.stop();
                for (ProxyStorage storage : storages) {
                    List<String> messages = new ArrayList<>();
                    // pooled connections fail first, each once; then no connection can be made
                    while (messages.size() < 10 && !messages.contains(UNREACHABLE)) {
                        try {
                            storage.acquire(request);
                            messages.add("acquired while the server was down");
                        } catch (StorageException e) {
                            assertThat(Stream.iterate((Throwable) e, Objects::nonNull, Throwable::getCause))
                                    .as("causes of %s", e)
                                    .anyMatch(SQLException.class::isInstance);
                            messages.add(e.getMessage());
                        }
                    }
                    assertThat(messages)
                            .as(
                                    "what %s callers read while the server is down",
                                    storage.getClass().getSimpleName())
                            .allMatch(Callers.CONNECTION_FAULTS::contains)
                            .contains(UNREACHABLE);
                }

                cluster.startAgain();
                for (ProxyStorage storage : storages) {
                    Optional<LeasedProxy> leased = Callers.acquireWithin(storage, request, Duration.ofSeconds(30));
                    assertThat(leased)
                            .as("%s after the outage", storage.getClass().getSimpleName())
                            .isPresent();
                    // the proxy's token counter is a committed column: a restart of the server goes on from it
                    assertThat(leased.get().lease().fencingToken())
                            .as("fencing token after the restart")
                            .isEqualTo(lastToken + 1);
                    lastToken = leased.get().lease().fencingToken();
                    assertThat(storage.release(leased.get().lease().id())).isTrue();
                }
                try (InvariantChecker checker = new InvariantChecker(db)) {
                    checker.sample();
                    assertThat(checker.violations()).isEmpty();
                }
            } finally {
                emf.close();
            }
        }
    }
}
