package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.exception.StorageException;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.jdbc.JdbcStorage;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One soak: worker JVMs of {@link SoakWorker} lease from a fresh {@link SoakPool} for a
 * duration while an {@link InvariantChecker} samples the database; a fault (if the run has
 * one) is injected at a quarter, a half and three quarters of the duration, and after each the
 * run waits until every worker has acquired again (recovery without a restart), then lets them
 * run out the duration and stops them. At the end it asserts the
 * invariants, that no lease stays active past its time once cleanup ran, and that every error
 * a worker saw was a {@code StorageException} (of its own class or a subclass, such as the
 * adapters' deadlock victims) with a message naming what happened.
 */
final class SoakRun {

    /** How long the soak runs: {@code -Dpharox.soak.duration=PT10M} for a long run. */
    static final Duration DURATION = Duration.parse(System.getProperty("pharox.soak.duration", "PT10S"));
    /** The longest a worker may take to acquire again after a fault. */
    static final Duration RECOVERY = Duration.ofSeconds(30);

    /** A fault injected while the workers run. */
    interface Fault {
        void inject() throws Exception;
    }

    /** What a run saw, for the test's own assertions. */
    record Report(
            int faults,
            int samples,
            int failedSamples,
            int mostLive,
            List<Map<String, Long>> done,
            List<Map<String, String>> errors) {

        long total(String key) {
            return done.stream().mapToLong(m -> m.getOrDefault(key, 0L)).sum();
        }
    }

    private SoakRun() {}

    /** The soak of {@link SoakPool}: {@code jvms} workers of both adapters for {@link #DURATION}. */
    static Report run(SoakDatabase db, int jvms, int threadsPerJvm, Fault fault) throws Exception {
        Map<String, List<String>> workers = new LinkedHashMap<>();
        for (int i = 0; i < jvms; i++) {
            workers.put("soak-" + i, List.of("threads=" + threadsPerJvm, "seed=" + (i + 1)));
        }
        return run(db, SoakPool::seed, workers, DURATION, fault);
    }

    /**
     * A soak of one {@link SoakWorker} JVM per entry of {@code workerArgs} (its name, and its
     * arguments after {@link WorkerArgs#of}) on the pool that {@code seed} creates, for
     * {@code duration}, with {@code fault} injected at each quarter, or none if it is
     * {@code null}. When it returns, every connection it opened to {@code db} is closed.
     */
    static Report run(
            SoakDatabase db,
            Consumer<ProxyStorage> seed,
            Map<String, List<String>> workerArgs,
            Duration duration,
            Fault fault)
            throws Exception {
        HikariDataSource ds = db.dataSource(2);
        JdbcStorage storage = new JdbcStorage(ds, db.schema());
        seed.accept(storage);
        List<WorkerProcess> workers = new ArrayList<>();
        int faults = 0;
        try (InvariantChecker checker = new InvariantChecker(db)) {
            for (Map.Entry<String, List<String>> w : workerArgs.entrySet()) {
                workers.add(WorkerProcess.start(
                        w.getKey(),
                        SoakWorker.class,
                        List.of(),
                        WorkerArgs.of(db, w.getValue().toArray(new String[0]))));
            }
            for (WorkerProcess w : workers) {
                w.awaitLine("ready", Duration.ofSeconds(60));
            }
            long started = System.nanoTime();
            checker.start();
            for (int quarter = 1; fault != null && quarter <= 3; quarter++) {
                waitUntil(started + duration.toNanos() * quarter / 4);
                List<Long> before = workers.stream()
                        .map(w -> w.stats().getOrDefault("acquired", 0L))
                        .toList();
                fault.inject();
                faults++;
                for (int i = 0; i < workers.size(); i++) {
                    long acquiredBefore = before.get(i);
                    workers.get(i)
                            .awaitStats(
                                    "acquiring again after fault " + faults,
                                    s -> s.getOrDefault("acquired", 0L) > acquiredBefore,
                                    RECOVERY);
                }
            }
            // the full duration, but never less than it took the workers to recover from the last fault
            waitUntil(started + duration.toNanos());
            for (WorkerProcess w : workers) {
                w.send("stop");
            }
            List<Map<String, Long>> done = new ArrayList<>();
            for (WorkerProcess w : workers) {
                done.add(w.awaitDone(Duration.ofSeconds(60)));
            }
            checker.close();

            OffsetDateTime beforeCleanup = checker.databaseNow();
            int reclaimed = storage.cleanupExpiredLeases();
            checker.sample();
            assertThat(checker.lapsedButActive(beforeCleanup))
                    .as("leases ACTIVE past their time after cleanup (%d reclaimed)", reclaimed)
                    .isZero();
            assertThat(checker.violations())
                    .as("invariant breaches seen by the checker")
                    .isEmpty();
            assertThat(checker.samples()).as("checker samples").isGreaterThan(10);
            List<Map<String, String>> errors = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                WorkerProcess w = workers.get(i);
                Map<String, Long> counts = done.get(i);
                assertThat(counts.get("violations"))
                        .as("over-capacity leases seen by %s", w.name())
                        .isZero();
                assertThat(counts.get("acquired"))
                        .as("leases taken by %s", w.name())
                        .isPositive();
                Map<String, String> seen = w.errors();
                assertThat(seen.keySet())
                        .as("exception classes callers saw in %s", w.log())
                        .allMatch(SoakRun::isStorageException);
                assertThat(seen.values())
                        .as("messages of the errors callers saw in %s", w.name())
                        .allMatch(m -> m.startsWith("database ") && m.contains("SQL state"));
                errors.add(seen);
            }
            return new Report(faults, checker.samples(), checker.failedSamples(), checker.mostLive(), done, errors);
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
            ds.close();
        }
    }

    private static boolean isStorageException(String className) {
        try {
            return StorageException.class.isAssignableFrom(Class.forName(className));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Returns when {@link System#nanoTime()} has reached {@code at}. */
    private static void waitUntil(long at) throws InterruptedException {
        while (System.nanoTime() < at) {
            Thread.sleep(Math.max(1, Math.min(200, (at - System.nanoTime()) / 1_000_000)));
        }
    }
}
