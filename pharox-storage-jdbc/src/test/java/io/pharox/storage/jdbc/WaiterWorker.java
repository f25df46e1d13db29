package io.pharox.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.ProxyManager;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A separate JVM of {@link WaitingAcrossJvmsTest}: threads that wait for a proxy of one pool,
 * keep each lease they get (the test's holder releases it) and wait again, until a wait times
 * out. Arguments: JDBC URL, user (or "-"), password (or "-"), schema, pool name, threads, worker
 * name, max wait in seconds. Prints, per grant, {@code GRANT <thread> <wait start µs> <grant µs>
 * <lease id>} (wall clock, microseconds since the epoch), and {@code done} at the end.
 */
public final class WaiterWorker {

    private WaiterWorker() {}

    /** Runs the worker; exits non-zero on any failure. */
    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        if (!"-".equals(args[1])) {
            config.setUsername(args[1]);
        }
        if (!"-".equals(args[2])) {
            config.setPassword(args[2]);
        }
        int threads = Integer.parseInt(args[5]);
        String name = args[6];
        Duration maxWait = Duration.ofSeconds(Long.parseLong(args[7]));
        config.setMaximumPoolSize(threads + 2);
        try (HikariDataSource dataSource = new HikariDataSource(config);
                JdbcStorage storage = new JdbcStorage(dataSource, args[3])) {
            ProxyManager manager = ProxyManager.of(storage);
            List<Thread> waiters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String thread = name + "-" + t;
                AcquireRequest request = manager.request(args[4])
                        .consumer(thread)
                        .ttl(Duration.ofMinutes(5))
                        .build();
                Thread waiter = new Thread(() -> {
                    try {
                        while (true) {
                            long start = micros();
                            Optional<LeasedProxy> leased = manager.acquire(request, maxWait);
                            if (leased.isEmpty()) {
                                return;
                            }
                            print("GRANT " + thread + " " + start + " " + micros() + " "
                                    + leased.get().lease().id());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        e.printStackTrace();
                        System.exit(2);
                    }
                });
                waiters.add(waiter);
                waiter.start();
            }
            for (Thread waiter : waiters) {
                waiter.join();
            }
        }
        print("done");
    }

    static long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
