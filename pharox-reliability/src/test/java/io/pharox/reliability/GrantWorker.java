package io.pharox.reliability;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import io.pharox.storage.jpa.JpaStorage;
import jakarta.persistence.EntityManagerFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker JVM whose threads, all on one adapter ({@link JdbcStorage} or {@link JpaStorage}),
 * take short leases on one pool as fast as they can and print every grant, for tests that check
 * the grants of several JVMs against each other and against the lease rows.
 *
 * <p>Arguments ({@code key=value}): url, user, [password], schema, app, adapter ({@code jdbc}
 * or {@code jpa}), threads, seed, warmup (a pool whose proxies can take a lease of every thread
 * at once). Each thread first acquires on {@code warmup} and releases, 30 times, so that the
 * phases run on a warm JVM; then the worker prints {@code ready} and obeys the lines of its
 * standard input:
 * <ul>
 *   <li>{@code go <pool> <millis>}: each thread, for {@code millis}, acquires on {@code pool}
 *       without waiting (ttl 1 min, consumer {@code <app>-<thread>}); a grant is printed as
 *       {@code grant <pool> <lease id> <fencing token> <acquired at> <proxy id>}, held 0–3 ms
 *       and released without a report; an empty answer is a miss and the thread pauses 1 ms.
 *       Then {@code end <pool> grants=… misses=… late=… errors=…} ({@code late}: releases that
 *       found the lease no longer active);</li>
 *   <li>{@code stop}, or the end of the input: prints {@code done grants=…} and exits 0.</li>
 * </ul>
 * A failed call is printed as {@code error <class> <message>} with its stack trace, counted, and
 * the thread goes on.
 */
public final class GrantWorker {

    private static final Duration TTL = Duration.ofMinutes(1);
    private static final int MOST_HELD_MILLIS = 3;
    private static final int WARM_UP_ROUNDS = 30;

    private final ProxyStorage storage;
    private final String app;
    private final int threads;
    private final long seed;
    private final AtomicLong grants = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    private GrantWorker(ProxyStorage storage, String app, int threads, long seed) {
        this.storage = storage;
        this.app = app;
        this.threads = threads;
        this.seed = seed;
    }

    /** Runs the worker until {@code stop}. */
    public static void main(String[] args) throws Exception {
        WorkerArgs a = WorkerArgs.parse(args);
        int threads = a.getInt("threads");
        String adapter = a.get("adapter");
        try (HikariDataSource ds = a.dataSource(threads + 1)) {
            EntityManagerFactory emf = null;
            ProxyStorage storage;
            switch (adapter) {
                case "jdbc" -> storage = new JdbcStorage(ds, a.get("schema"));
                case "jpa" -> {
                    emf = JpaStorage.entityManagerFactory(ds, a.get("schema"));
                    storage = new JpaStorage(emf);
                }
                default -> throw new IllegalArgumentException("adapter is jdbc or jpa, was '" + adapter + "'");
            }
            GrantWorker worker = new GrantWorker(storage, a.get("app"), threads, Long.parseLong(a.get("seed")));
            worker.warmUp(a.get("warmup"), WARM_UP_ROUNDS);
            System.out.println("ready");
            System.out.flush();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] words = line.strip().split(" ", -1);
                    if (words[0].equals("stop")) {
                        break;
                    }
                    if (words[0].equals("go") && words.length == 3) {
                        worker.phase(words[1], Duration.ofMillis(Long.parseLong(words[2])));
                    } else {
                        System.out.println("unknown command '" + line + "'");
                    }
                    System.out.flush();
                }
            }
            if (emf != null) {
                emf.close();
            }
            System.out.println("done grants=" + worker.grants.get() + " errors=" + worker.errors.get());
        }
        System.out.flush();
        System.exit(0);
    }

    /**
     * Loads and compiles the adapter's paths before the first phase: each thread acquires on
     * {@code pool} and releases {@code rounds} times, printing nothing. Its leases are of
     * another pool's proxy than those the tests check.
     */
    private void warmUp(String pool, int rounds) throws InterruptedException {
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            AcquireRequest request = AcquireRequest.forPool(pool)
                    .consumer(app + "-warm-up-" + t)
                    .ttl(TTL)
                    .build();
            Thread thread = new Thread(
                    () -> {
                        for (int i = 0; i < rounds; i++) {
                            storage.acquire(request)
                                    .ifPresent(l -> storage.release(l.lease().id()));
                        }
                    },
                    "warm-up-" + t);
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
    }

    /** One {@code go} command: every thread leases from {@code pool} for {@code duration}. */
    private void phase(String pool, Duration duration) throws InterruptedException {
        long grantsBefore = grants.get();
        long missesBefore = misses.get();
        long lateBefore = late.get();
        long errorsBefore = errors.get();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(seed * 1_000 + t);
            String consumer = app + "-" + t;
            Thread thread = new Thread(() -> lease(pool, consumer, random, deadline), pool + "-" + t);
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
        System.out.println("end " + pool + " grants=" + (grants.get() - grantsBefore) + " misses="
                + (misses.get() - missesBefore) + " late=" + (late.get() - lateBefore) + " errors="
                + (errors.get() - errorsBefore));
    }

    private void lease(String pool, String consumer, Random random, long deadline) {
        AcquireRequest request =
                AcquireRequest.forPool(pool).consumer(consumer).ttl(TTL).build();
        while (System.nanoTime() < deadline) {
            try {
                Optional<LeasedProxy> leased = storage.acquire(request);
                if (leased.isEmpty()) {
                    misses.incrementAndGet();
                    Thread.sleep(1); // a miss: the probe (or every slot) is taken
                    continue;
                }
                Lease lease = leased.get().lease();
                grants.incrementAndGet();
                print("grant " + pool + " " + lease.id() + " " + lease.fencingToken() + " " + lease.acquiredAt() + " "
                        + lease.proxyId());
                Thread.sleep(random.nextInt(MOST_HELD_MILLIS + 1));
                if (!storage.release(lease.id())) {
                    late.incrementAndGet();
                    print("late " + pool + " " + lease.id());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                synchronized (System.out) {
                    System.out.println("error " + e.getClass().getName() + " "
                            + String.valueOf(e.getMessage()).replace('\n', ' '));
                    e.printStackTrace(System.out);
                }
            }
        }
    }

    /** One whole line, never interleaved with another thread's. */
    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
        }
    }
}
