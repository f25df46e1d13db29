package io.pharox.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.LeasedProxy;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * A separate JVM of {@link MultiJvmSessionsTest}: waits for a start time, then acquires once
 * through each of a number of sessions (RANDOM strategy, so that without the session the
 * processes would spread) and releases the lease. Arguments: JDBC URL, user (or "-"), password
 * (or "-"), schema, pool name, sessions, start time (ISO instant). Prints one line
 * {@code session <key> <proxy id> <state>} per session, then {@code done}.
 */
public final class SessionWorker {

    private SessionWorker() {}

    /** Runs the worker; exits non-zero on any failure. */
    public static void main(String[] args) throws InterruptedException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        if (!"-".equals(args[1])) {
            config.setUsername(args[1]);
        }
        if (!"-".equals(args[2])) {
            config.setPassword(args[2]);
        }
        config.setMaximumPoolSize(2);
        int sessions = Integer.parseInt(args[5]);
        Instant start = Instant.parse(args[6]);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            JdbcStorage storage = new JdbcStorage(dataSource, args[3]);
            while (Instant.now().isBefore(start)) {
                Thread.sleep(1);
            }
            for (int i = 0; i < sessions; i++) {
                String key = "checkout-" + i;
                LeasedProxy leased = storage.acquire(AcquireRequest.forPool(args[4])
                                .strategy(SelectorStrategy.RANDOM)
                                .ttl(Duration.ofMinutes(1))
                                .session(key)
                                .build())
                        .orElseThrow(() -> new IllegalStateException("nothing leased through " + key));
                storage.release(leased.lease().id());
                System.out.println("session " + key + " " + leased.proxy().id() + " "
                        + leased.session().orElseThrow().state());
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(2);
        }
        System.out.println("done");
    }
}
