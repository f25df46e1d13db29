package io.pharox.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.LeasedProxy;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A separate JVM of {@link MultiJvmLeasingTest}: acquires and releases on one pool for a fixed
 * number of operations, with every strategy, some leases left to expire, some cleanups.
 * Arguments: JDBC URL, user (or "-"), password (or "-"), schema, pool name, operations, worker name.
 * Prints {@code done acquired=N} when it finishes.
 */
public final class LeaseWorker {

    private LeaseWorker() {}

    /** Runs the worker; exits non-zero on any failure. */
    public static void main(String[] args) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        if (!"-".equals(args[1])) {
            config.setUsername(args[1]);
        }
        if (!"-".equals(args[2])) {
            config.setPassword(args[2]);
        }
        config.setMaximumPoolSize(2);
        int operations = Integer.parseInt(args[5]);
        String name = args[6];
        int acquired = 0;
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            JdbcStorage storage = new JdbcStorage(dataSource, args[3]);
            SelectorStrategy[] strategies = SelectorStrategy.values();
            Deque<LeasedProxy> held = new ArrayDeque<>();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < operations; i++) {
                int dice = random.nextInt(100);
                if (dice < 50 || held.isEmpty()) {
                    boolean expiring = random.nextInt(10) == 0;
                    Optional<LeasedProxy> leased = storage.acquire(AcquireRequest.forPool(args[4])
                            .consumer(name)
                            .strategy(strategies[random.nextInt(strategies.length)])
                            .ttl(expiring ? Duration.ofMillis(20) : Duration.ofMinutes(5))
                            .build());
                    if (leased.isPresent()) {
                        acquired++;
                        if (!expiring) {
                            held.add(leased.get());
                        }
                    }
                } else if (dice < 97) {
                    storage.release(held.poll().lease().id());
                } else {
                    storage.cleanupExpiredLeases();
                }
            }
            for (LeasedProxy leased : held) {
                storage.release(leased.lease().id());
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(2);
        }
        System.out.println("done acquired=" + acquired);
    }
}
