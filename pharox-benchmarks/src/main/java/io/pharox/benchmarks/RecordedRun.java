package io.pharox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The subset of the benchmark matrix recorded in {@code docs/benchmarks.md}, sized to answer
 * every target in about forty minutes on a small machine: throughput against the baselines
 * at 1, 2, 4, 8 and 16 threads; acquire latency of every strategy at 1,000 and 1,000,000
 * proxies with and without the filter tree; every strategy, exclusive and shared, at one size
 * and thread count.
 * Each trial: one fork, a 3 s warm-up, two 3 s measurements (three 4 s ones for latency).
 * JMH takes one thread count per run, so the scaling part is one run per count. Each part
 * writes its JMH JSON file to the directory given as the first argument (default
 * {@code pharox-benchmarks/target/recorded}), named after its section of the report; a
 * second argument names the parts to run ({@code throughput,latency,strategies}, the default).
 */
public final class RecordedRun {

    private static final String THROUGHPUT = "(Postgres|Memory)LeaseBenchmark\\.acquireRelease$";

    private RecordedRun() {}

    /** Runs the recorded subset; see the class comment. */
    public static void main(String[] args) throws RunnerException, IOException {
        // the profile's default JMH arguments start with "-": not a directory
        Path out = Path.of(args.length > 0 && !args[0].startsWith("-") ? args[0] : "pharox-benchmarks/target/recorded");
        Set<String> parts =
                args.length > 1 ? Set.of(args[1].split(",")) : Set.of("throughput", "latency", "strategies");
        Files.createDirectories(out);
        if (parts.contains("throughput")) {
            for (int threads : new int[] {1, 2, 4, 8, 16}) {
                run(
                        out.resolve("throughput-t" + threads + ".json"),
                        options(THROUGHPUT, threads)
                                .param("poolSize", "1000")
                                .param("capacity", "exclusive")
                                .param("filter", "none")
                                .param("strategy", "FIRST_AVAILABLE"));
            }
        }
        if (parts.contains("latency")) {
            // three longer measurements: a median of a few thousand SQL acquires moves by a
            // fifth from one trial to the next on two shared cores. The peers have no
            // strategies: they are measured in the throughput part only.
            for (Kind kind : Kind.values()) {
                run(
                        out.resolve("latency-" + kind.file + ".json"),
                        options(kind.benchmark + "\\.acquire$", 1)
                                .measurementIterations(3)
                                .measurementTime(TimeValue.seconds(4))
                                .param("implementation", kind.implementations)
                                .param("poolSize", "1000", "1000000")
                                .param("capacity", "exclusive")
                                .param("filter", "none", "tree")
                                .param("strategy", "FIRST_AVAILABLE", "ROUND_ROBIN", "LEAST_USED", "RANDOM"));
            }
        }
        if (parts.contains("strategies")) {
            for (Kind kind : Kind.values()) {
                run(
                        out.resolve("strategies-" + kind.file + ".json"),
                        options(kind.benchmark + "\\.acquireRelease$", 2)
                                .param("implementation", kind.implementations)
                                .param("poolSize", "1000")
                                .param("capacity", "exclusive", "shared")
                                .param("filter", "none")
                                .param("strategy", "FIRST_AVAILABLE", "ROUND_ROBIN", "LEAST_USED", "RANDOM"));
            }
        }
    }

    /** The two benchmark classes, with the implementations that have strategies (adapters) and their baselines. */
    private enum Kind {
        MEMORY("MemoryLeaseBenchmark", "memory", "memory", "semaphore-queue"),
        POSTGRES("PostgresLeaseBenchmark", "postgres", "jdbc", "jpa", "raw-sql");

        final String benchmark;
        final String file;
        final String[] implementations;

        Kind(String benchmark, String file, String... implementations) {
            this.benchmark = benchmark;
            this.file = file;
            this.implementations = implementations;
        }
    }

    private static ChainedOptionsBuilder options(String include, int threads) {
        return new OptionsBuilder()
                .include(include)
                .threads(threads)
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(3))
                .measurementIterations(2)
                .measurementTime(TimeValue.seconds(3))
                .shouldFailOnError(true);
    }

    private static void run(Path result, ChainedOptionsBuilder options) throws RunnerException {
        new Runner(options.resultFormat(ResultFormatType.JSON)
                        .result(result.toString())
                        .build())
                .run();
    }
}
