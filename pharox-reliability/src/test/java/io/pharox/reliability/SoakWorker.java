package io.pharox.reliability;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import jakarta.persistence.EntityManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A soak worker JVM: {@code threads} threads, half on a {@link JdbcStorage} and half on a
 * {@link JpaStorage} (one schema, one connection pool), lease from {@link SoakPool} until the
 * test writes {@code stop} to its standard input (or closes it): acquire with a random strategy and filter, renew, release, let
 * short leases expire, clean up. Every failure is caught, counted by exception class and the
 * first of each class printed ({@code error <class> <message>}), and the thread goes on: a
 * worker is an application that must recover without a restart. Failures caused by a deadlock
 * (SQL state {@code 40P01}, after the adapter's own retries) are counted apart as {@code deadlocks},
 * and the first of them printed with its stack trace.
 *
 * <p>Arguments ({@code key=value}): url, user, [password], schema, app (the connections'
 * application name), threads, seed, [pool] (the pool's name, default {@link SoakPool#NAME}),
 * [adapter] ({@code jdbc} or {@code jpa} for every thread, default {@code both}: alternating).
 * Prints {@code ready}, then cumulative {@code stats} lines every 200 ms, and {@code done} with
 * the final counts.
 */
public final class SoakWorker {

    private static final SelectorStrategy[] STRATEGIES = SelectorStrategy.values();
    private static final int MOST_HELD = 3;

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final String pool;

    private SoakWorker(String pool) {
        this.pool = pool;
        for (String key : List.of(
                "acquired",
                "empty",
                "released",
                "late",
                "renewed",
                "lost",
                "abandoned",
                "cleaned",
                "cleanups",
                "errors",
                "deadlocks",
                "violations")) {
            counts.put(key, new AtomicLong());
        }
    }

    /** Runs the worker; exits 0 after its duration, non-zero if it could not start. */
    public static void main(String[] args) throws Exception {
        WorkerArgs a = WorkerArgs.parse(args);
        int threads = a.getInt("threads");
        long seed = Long.parseLong(a.get("seed"));
        String adapter = a.get("adapter", "both");
        if (!List.of("jdbc", "jpa", "both").contains(adapter)) {
            throw new IllegalArgumentException("adapter is jdbc, jpa or both, was '" + adapter + "'");
        }
        SoakWorker worker = new SoakWorker(a.get("pool", SoakPool.NAME));
        try (HikariDataSource ds = a.dataSource(threads + 1)) {
            EntityManagerFactory emf = JpaStorage.entityManagerFactory(ds, a.get("schema"));
            ProxyStorage jdbc = new JdbcStorage(ds, a.get("schema"));
            ProxyStorage jpa = new JpaStorage(emf);
            AtomicBoolean stop = new AtomicBoolean();
            Thread stopper = new Thread(() -> awaitStop(stop), "stop-listener");
            stopper.setDaemon(true);
            stopper.start();
            List<Thread> running = new ArrayList<>();
            System.out.println("ready");
            for (int t = 0; t < threads; t++) {
                ProxyStorage storage = switch (adapter) {
                    case "jdbc" -> jdbc;
                    case "jpa" -> jpa;
                    default -> t % 2 == 0 ? jdbc : jpa;
                };
                Random random = new Random(seed * 1_000 + t);
                String consumer = a.get("app") + "-" + t;
                Thread thread = new Thread(() -> worker.run(storage, random, consumer, stop), "soak-" + t);
                thread.start();
                running.add(thread);
            }
            while (running.stream().anyMatch(Thread::isAlive)) {
                System.out.println("stats " + worker.line());
                running.get(0).join(200);
            }
            for (Thread thread : running) {
                thread.join();
            }
            emf.close();
        }
        System.out.println("done " + worker.line());
        System.exit(0);
    }

    /** Sets {@code stop} when standard input says {@code stop} or ends (the test is gone). */
    private static void awaitStop(AtomicBoolean stop) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.strip().equals("stop"));
        } catch (IOException e) {
            // no input any more: stop as well
        }
        stop.set(true);
    }

    private void run(ProxyStorage storage, Random random, String consumer, AtomicBoolean stop) {
        Deque<Lease> held = new ArrayDeque<>();
        while (!stop.get()) {
            try {
                step(storage, random, consumer, held);
            } catch (RuntimeException e) {
                failed(e);
                pause(); // a caller backing off before it tries again
            }
        }
        for (Lease lease : held) {
            try {
                storage.release(lease.id());
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    private void step(ProxyStorage storage, Random random, String consumer, Deque<Lease> held) {
        int dice = random.nextInt(100);
        if (dice < 45 || held.isEmpty()) {
            boolean abandon = dice < 8;
            Duration ttl = abandon
                    ? Duration.ofMillis(50 + random.nextInt(300))
                    : Duration.ofMillis(1_000 + random.nextInt(3_000));
            Optional<LeasedProxy> leased = storage.acquire(AcquireRequest.forPool(pool)
                    .consumer(consumer)
                    .strategy(STRATEGIES[random.nextInt(STRATEGIES.length)])
                    .filter(SoakPool.FILTERS.get(random.nextInt(SoakPool.FILTERS.size())))
                    .ttl(ttl)
                    .build());
            if (leased.isEmpty()) {
                count("empty");
                return;
            }
            count("acquired");
            if (leased.get().proxy().currentLeases() > leased.get().proxy().maxConcurrency()) {
                count("violations");
                System.out.println("violation " + leased.get());
            }
            if (abandon) {
                count("abandoned"); // forgotten by its holder: only expiry returns the slot
            } else if (held.size() < MOST_HELD) {
                held.add(leased.get().lease());
            } else {
                release(storage, leased.get().lease());
            }
        } else if (dice < 65) {
            Lease lease = held.poll();
            Optional<Lease> renewed = storage.renew(lease.id(), Duration.ofMillis(1_000 + random.nextInt(3_000)));
            if (renewed.isPresent()) {
                count("renewed");
                held.add(renewed.get());
            } else {
                count("lost"); // it expired before the renewal: never revived
            }
        } else if (dice < 96) {
            release(storage, held.poll());
        } else {
            counts.get("cleaned").addAndGet(storage.cleanupExpiredLeases());
            count("cleanups");
        }
    }

    private void release(ProxyStorage storage, Lease lease) {
        count(storage.release(lease.id()) ? "released" : "late");
    }

    private void count(String key) {
        counts.get(key).incrementAndGet();
    }

    private void failed(RuntimeException e) {
        count("errors");
        if (deadlock(e) && counts.get("deadlocks").incrementAndGet() == 1) {
            System.out.println(
                    "first deadlock, in thread " + Thread.currentThread().getName());
            e.printStackTrace(System.out);
        }
        String type = e.getClass().getName();
        if (errors.computeIfAbsent(type, k -> new LongAdder()).sum() == 0) {
            System.out.println(
                    "error " + type + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
            if (!type.equals("io.pharox.exception.StorageException")) {
                System.out.println("in thread " + Thread.currentThread().getName());
                e.printStackTrace(System.out);
            }
        }
        errors.get(type).increment();
    }

    /**
     * Whether PostgreSQL rolled {@code e}'s transaction back as a deadlock victim: SQL state
     * {@code 40P01} in its message or on an {@link SQLException} among its causes, or among
     * their next exceptions (a failed JDBC batch reports its entry's failure there).
     */
    private static boolean deadlock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("SQL state 40P01")) {
                return true;
            }
            for (SQLException s = t instanceof SQLException sql ? sql : null; s != null; s = s.getNextException()) {
                if ("40P01".equals(s.getSQLState())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String line() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(counts)
                .forEach((k, v) -> b.append(k).append('=').append(v.get()).append(' '));
        return b.toString().strip();
    }
}
