package io.pharox.benchmarks.wake;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pharox.ProxyManager;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.WaitQueue;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.sql.SqlStorageOptions;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A waiting process of {@link WakeUpBenchmark}: threads that wait for a proxy, keep each lease
 * (the benchmark's holder releases it) and wait again, until a wait of 3 s finds nothing.
 * Arguments: JDBC URL, user, password (or "-"), schema, pool, threads, name, {@code notify} or
 * {@code poll}. Prints per grant {@code GRANT <grant µs since the epoch> <lease id> <claims>
 * <joins>}: the process's acquire statements (claims) and wait-queue joins so far.
 */
public final class WakeUpWorker {

    private static final AtomicLong CLAIMS = new AtomicLong();
    private static final AtomicLong JOINS = new AtomicLong();

    private WakeUpWorker() {}

    /** Runs the worker. */
    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        if (!"-".equals(args[2])) {
            config.setPassword(args[2]);
        }
        int threads = Integer.parseInt(args[5]);
        boolean notify = "notify".equals(args[7]);
        config.setMaximumPoolSize(threads + 2);
        try (HikariDataSource dataSource = new HikariDataSource(config);
                JdbcStorage jdbc = new JdbcStorage(
                        dataSource,
                        args[3],
                        SqlStorageOptions.builder().wakeUps(notify).build())) {
            ProxyManager manager = ProxyManager.of(counting(jdbc));
            List<Thread> waiters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                AcquireRequest request = manager.request(args[4])
                        .consumer(args[6] + "-" + t)
                        .ttl(Duration.ofMinutes(5))
                        .build();
                Thread waiter = new Thread(() -> {
                    try {
                        while (true) {
                            Optional<LeasedProxy> leased = manager.acquire(request, Duration.ofSeconds(3));
                            if (leased.isEmpty()) {
                                return;
                            }
                            long at = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
                            print("GRANT " + at + " " + leased.get().lease().id() + " " + CLAIMS.get() + " "
                                    + JOINS.get());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
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

    /** {@code storage}, counting its acquires and its wait queue's joins. */
    private static ProxyStorage counting(ProxyStorage storage) {
        return (ProxyStorage) java.lang.reflect.Proxy.newProxyInstance(
                ProxyStorage.class.getClassLoader(), new Class<?>[] {ProxyStorage.class}, (proxy, method, a) -> {
                    if (method.getName().equals("acquire")) {
                        CLAIMS.incrementAndGet();
                    }
                    Object result = invoke(storage, method, a);
                    if (method.getName().equals("waitQueue")) {
                        return ((Optional<?>) result).map(q -> countingQueue((WaitQueue) q));
                    }
                    return result;
                });
    }

    private static WaitQueue countingQueue(WaitQueue queue) {
        return new WaitQueue() {
            @Override
            public Waiter join(String poolName, Duration maxWait) {
                JOINS.incrementAndGet();
                return queue.join(poolName, maxWait);
            }

            @Override
            public boolean contended(String poolName) {
                return queue.contended(poolName);
            }
        };
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
