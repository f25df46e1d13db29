package io.pharox.benchmarks.wake;

import com.zaxxer.hikari.HikariDataSource;
import io.pharox.benchmarks.BenchmarkDatabase;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.schema.PharoxSchema;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.jdbc.JdbcStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * How long a release takes to reach a waiter in another JVM, and how many acquire statements
 * the waiters issue per hand-off, with polling alone (wake-ups off, the 50 ms poll) and with
 * wake-ups by {@code LISTEN}/{@code NOTIFY}, in one run. Set-ups: one waiting thread in one
 * other JVM; eight waiting threads in two other JVMs. One exclusive proxy; this JVM's holder
 * waits until a waiter holds it, keeps it 10 to 30 ms (random, so that releases fall anywhere in
 * a poll interval), releases it and notes the time the release returned; the delay of a hand-off
 * is the waiter's grant time (taken when its acquire returned) minus that release time (one machine's wall clock, µs). Each configuration runs
 * {@code rounds} times, in turn. Arguments: hand-offs per round (default 200), rounds (2),
 * output file (optional, a Markdown table is printed anyway).
 */
public final class WakeUpBenchmark {

    private static final int WARM_UP = 20;

    private WakeUpBenchmark() {}

    private record Setup(String name, int processes, int threads) {}

    private record Result(List<Long> delays, long claims, long joins, int handOffs) {}

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        int handOffs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        BenchmarkDatabase database = BenchmarkDatabase.locate();
        String schema = PharoxSchema.requireName("wakeup");
        List<Setup> setups =
                List.of(new Setup("1 waiter in 1 other JVM", 1, 1), new Setup("8 waiters in 2 other JVMs", 2, 4));
        Map<String, List<Result>> results = new HashMap<>();
        try (HikariDataSource dataSource = database.dataSource(4)) {
            PharoxSchema.migrate(dataSource, schema);
            for (int round = 0; round < rounds; round++) {
                for (Setup setup : setups) {
                    for (String mode : List.of("poll", "notify")) {
                        Result r = run(database, dataSource, schema, setup, mode, handOffs);
                        results.computeIfAbsent(setup.name() + "|" + mode, k -> new ArrayList<>())
                                .add(r);
                        System.err.printf(
                                Locale.ROOT,
                                "round %d, %s, %s: p50 %.2f ms%n",
                                round,
                                setup.name(),
                                mode,
                                percentile(r.delays(), 50));
                    }
                }
            }
        }
        StringBuilder table = new StringBuilder(
                "| set-up | wake-ups | hand-offs | p50 ms | p90 ms | p99 ms | max ms | acquire statements per hand-off | queue joins per hand-off |\n"
                        + "|---|---|---|---|---|---|---|---|---|\n");
        for (Setup setup : setups) {
            for (String mode : List.of("poll", "notify")) {
                List<Result> rs = results.get(setup.name() + "|" + mode);
                List<Long> delays = new ArrayList<>();
                long claims = 0;
                long joins = 0;
                int n = 0;
                for (Result r : rs) {
                    delays.addAll(r.delays());
                    claims += r.claims();
                    joins += r.joins();
                    n += r.handOffs();
                }
                table.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                        setup.name(),
                        mode.equals("poll") ? "off (50 ms poll)" : "LISTEN/NOTIFY",
                        delays.size(),
                        percentile(delays, 50),
                        percentile(delays, 90),
                        percentile(delays, 99),
                        percentile(delays, 100),
                        (double) claims / n,
                        (double) joins / n));
            }
        }
        System.out.print(table);
        if (args.length > 2) {
            Files.writeString(Path.of(args[2]), table);
        }
    }

    private static Result run(
            BenchmarkDatabase database,
            HikariDataSource dataSource,
            String schema,
            Setup setup,
            String mode,
            int handOffs)
            throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + schema + ".lease, " + schema + ".pool_selector_state, " + schema + ".proxy_ban, "
                    + schema + ".pool_waiter, " + schema + ".proxy, " + schema + ".consumer, " + schema
                    + ".pool CASCADE");
        }
        JdbcStorage storage = new JdbcStorage(dataSource, schema);
        ProxyPool pool = storage.createPool("wakeup", "one exclusive proxy");
        Proxy proxy = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("10.7.0.1", 3128)
                .maxConcurrency(1)
                .build());
        UUID current = storage.acquire(
                        AcquireRequest.forPool(pool.name()).consumer("holder").build())
                .orElseThrow()
                .lease()
                .id();
        List<Process> workers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int w = 0; w < setup.processes(); w++) {
            Path out = Files.createTempFile("pharox-wakeup-" + w, ".log");
            outputs.add(out);
            workers.add(new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            WakeUpWorker.class.getName(),
                            database.url(),
                            database.user(),
                            database.password() == null || database.password().isEmpty() ? "-" : database.password(),
                            schema,
                            pool.name(),
                            Integer.toString(setup.threads()),
                            "w" + w,
                            mode)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start());
        }
        // the workers' waiters are waiting once their first claims have failed
        Thread.sleep(3_000);
        Map<UUID, Long> released = new HashMap<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < handOffs + WARM_UP; i++) {
            storage.release(current);
            released.put(current, micros());
            current = nextLease(dataSource, schema, proxy.id(), current);
            Thread.sleep(10 + random.nextInt(21));
        }
        storage.release(current);
        for (Process p : workers) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        storage.close();
        // grants in time order; the delay of grant k is its time minus the release before it
        List<long[]> grants = new ArrayList<>();
        for (int w = 0; w < outputs.size(); w++) {
            for (String line : Files.readAllLines(outputs.get(w))) {
                if (line.startsWith("GRANT ")) {
                    String[] f = line.split(" ");
                    grants.add(new long[] {Long.parseLong(f[1]), w, Long.parseLong(f[3]), Long.parseLong(f[4])});
                }
            }
            Files.deleteIfExists(outputs.get(w));
        }
        grants.sort((a, b) -> Long.compare(a[0], b[0]));
        if (grants.size() < handOffs + WARM_UP) {
            throw new IllegalStateException("only " + grants.size() + " grants reported in " + setup + " " + mode);
        }
        List<Long> releaseTimes = new ArrayList<>(released.values());
        releaseTimes.sort(Long::compare);
        List<Long> delays = new ArrayList<>();
        Map<Integer, long[]> lastCounts = new HashMap<>();
        for (int k = WARM_UP; k < handOffs + WARM_UP; k++) {
            long[] g = grants.get(k);
            delays.add(g[0] - releaseTimes.get(k));
            lastCounts.put((int) g[1], new long[] {g[2], g[3]});
        }
        // statements between the end of the warm-up and the last measured grant, per process
        long claims = 0;
        long joins = 0;
        for (Map.Entry<Integer, long[]> e : lastCounts.entrySet()) {
            long[] start = {0, 0};
            for (int k = WARM_UP - 1; k >= 0; k--) {
                if (grants.get(k)[1] == e.getKey()) {
                    start = new long[] {grants.get(k)[2], grants.get(k)[3]};
                    break;
                }
            }
            claims += e.getValue()[0] - start[0];
            joins += e.getValue()[1] - start[1];
        }
        return new Result(delays, claims, joins, handOffs);
    }

    private static UUID nextLease(HikariDataSource dataSource, String schema, UUID proxy, UUID previous)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet r = s.executeQuery(
                        "SELECT id FROM " + schema + ".lease WHERE status = 'ACTIVE' AND proxy_id = '" + proxy + "'")) {
                    if (r.next()) {
                        UUID id = r.getObject(1, UUID.class);
                        if (!id.equals(previous)) {
                            return id;
                        }
                    }
                }
                Thread.sleep(1);
            }
        }
        throw new IllegalStateException("no waiter took the proxy within 30 s");
    }

    private static long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    private static double percentile(List<Long> micros, int p) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }
}
