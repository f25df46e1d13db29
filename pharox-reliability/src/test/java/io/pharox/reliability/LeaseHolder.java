package io.pharox.reliability;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A worker JVM that takes {@code leases} leases of {@code ttl} on {@code pool}, alternately
 * through the JDBC and the JPA adapter, prints {@code holding <lease ids>} and then waits to
 * be killed, without ever releasing them.
 *
 * <p>Arguments ({@code key=value}): url, user, [password], schema, app, pool, leases, ttl.
 */
public final class LeaseHolder {

    private LeaseHolder() {}

    /** Takes the leases, reports them, and blocks forever. */
    public static void main(String[] args) throws InterruptedException {
        WorkerArgs a = WorkerArgs.parse(args);
        HikariDataSource ds = a.dataSource(2);
        List<ProxyStorage> storages = List.of(
                new JdbcStorage(ds, a.get("schema")),
                new JpaStorage(JpaStorage.entityManagerFactory(ds, a.get("schema"))));
        AcquireRequest request = AcquireRequest.forPool(a.get("pool"))
                .consumer(a.get("app") + "-holder")
                .ttl(Duration.parse(a.get("ttl")))
                .build();
        List<String> held = new ArrayList<>();
        for (int i = 0; i < a.getInt("leases"); i++) {
            Optional<LeasedProxy> leased = storages.get(i % 2).acquire(request);
            if (leased.isEmpty()) {
                System.out.println("failed to take lease " + (i + 1));
                System.exit(3);
            }
            held.add(leased.get().lease().id().toString());
        }
        System.out.println("holding " + String.join(",", held));
        Thread.sleep(Long.MAX_VALUE);
    }
}
