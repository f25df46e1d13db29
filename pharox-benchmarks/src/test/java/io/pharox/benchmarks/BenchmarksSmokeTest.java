package io.pharox.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.testkit.postgres.TestPostgres;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves the benchmarks still run: each benchmark class through JMH, one fork, one short
 * iteration, no warm-up, the smallest pool, on the test database in schemas of its own.
 * Not a measurement: the scores are only checked to be there and positive.
 */
class BenchmarksSmokeTest {

    private static final String PREFIX =
            "smoke_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    @AfterAll
    static void dropSchemas() {
        for (String capacity : new String[] {"exclusive", "shared"}) {
            TestPostgres.get().dropSchema(PREFIX + "_10_" + BenchmarkPool.capacity(capacity));
        }
    }

    @Test
    void every_memory_benchmark_its_peer_and_its_baseline_produce_a_positive_score() throws RunnerException {
        assertEveryBenchmarkScores(MemoryLeaseBenchmark.class, Set.of("memory", "commons-pool", "semaphore-queue"));
    }

    @Test
    void every_postgres_benchmark_its_peer_and_its_baseline_produce_a_positive_score() throws RunnerException {
        assertEveryBenchmarkScores(PostgresLeaseBenchmark.class, Set.of("jdbc", "jpa", "seed-guide", "raw-sql"));
    }

    private static void assertEveryBenchmarkScores(Class<?> benchmark, Set<String> implementations)
            throws RunnerException {
        Options options = new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .threads(1)
                .param("poolSize", "10")
                .param("capacity", "shared")
                .param("filter", "tree")
                .param("strategy", "FIRST_AVAILABLE")
                // the test database, in schemas only this run uses
                .jvmArgsAppend(
                        "-D" + BenchmarkDatabase.URL_PROPERTY + "="
                                + TestPostgres.get().url(),
                        "-D" + BenchmarkDatabase.SCHEMA_PREFIX_PROPERTY + "=" + PREFIX)
                .shouldFailOnError(true)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Set<String> ran = results.stream()
                .map(r -> r.getParams().getBenchmark().replaceAll(".*\\.", "") + " "
                        + r.getParams().getParam("implementation"))
                .collect(Collectors.toSet());
        Set<String> expected = implementations.stream()
                .flatMap(i -> Set.of("acquireRelease " + i, "acquire " + i).stream())
                .collect(Collectors.toSet());
        assertThat(ran).isEqualTo(expected);
        assertThat(results)
                .allSatisfy(r -> assertThat(r.getPrimaryResult().getScore())
                        .as("score of %s", r.getParams().id().toLowerCase(Locale.ROOT))
                        .isPositive());
    }
}
