package io.pharox.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkReportTest {

    private static String sample() throws IOException {
        try (InputStream in = BenchmarkReportTest.class.getResourceAsStream("/sample-jmh-result.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void reads_every_result_with_its_parameters_threads_and_percentiles() throws IOException {
        List<BenchmarkReport.Result> results = BenchmarkReport.read(sample());

        assertThat(results).hasSize(4);
        BenchmarkReport.Result first = results.get(0);
        assertThat(first.benchmark()).isEqualTo("MemoryLeaseBenchmark");
        assertThat(first.method()).isEqualTo("acquireRelease");
        assertThat(first.threads()).isEqualTo(2);
        assertThat(first.implementation()).isEqualTo("memory");
        assertThat(first.score()).isEqualTo(500_000.0);
        assertThat(results.get(2).percentiles()).containsEntry("99.9", 1500.0);
    }

    @Test
    void throughput_rows_carry_each_adapter_as_a_share_of_its_same_run_baseline() throws IOException {
        String md = BenchmarkReport.render(BenchmarkReport.read(sample()), "2 cores", List.of("r.json"));

        assertThat(md)
                .contains("| threads | memory | semaphore-queue | memory / semaphore-queue |")
                .contains("| 2 | 500,000 | 2,000,000 | 25.0 % |")
                .contains("Machine: 2 cores.");
    }

    @Test
    void throughput_rows_carry_each_adapter_against_its_peer_and_jpa_against_jdbc() {
        List<BenchmarkReport.Result> results = List.of(
                throughput("PostgresLeaseBenchmark", "jdbc", 3_000),
                throughput("PostgresLeaseBenchmark", "jpa", 2_400),
                throughput("PostgresLeaseBenchmark", "seed-guide", 1_500),
                throughput("PostgresLeaseBenchmark", "raw-sql", 2_000),
                throughput("MemoryLeaseBenchmark", "memory", 1_000_000),
                throughput("MemoryLeaseBenchmark", "commons-pool", 2_000_000),
                throughput("MemoryLeaseBenchmark", "semaphore-queue", 4_000_000));

        String md = BenchmarkReport.render(results, "", List.of("r.json"));

        assertThat(md)
                .contains("| threads | jdbc | jpa | seed-guide | raw-sql | jdbc / raw-sql | jpa / raw-sql"
                        + " | seed-guide / raw-sql | jdbc / seed-guide | jpa / seed-guide | jpa / jdbc |")
                .contains("| 16 | 3,000 | 2,400 | 1,500 | 2,000 | 150.0 % | 120.0 % | 75.0 % | 2.00× | 1.60× | 0.80× |")
                .contains("| threads | commons-pool | memory | semaphore-queue | commons-pool / semaphore-queue"
                        + " | memory / semaphore-queue | memory / commons-pool |")
                .contains("| 16 | 2,000,000 | 1,000,000 | 4,000,000 | 50.0 % | 25.0 % | 0.50× |");
    }

    private static BenchmarkReport.Result throughput(String benchmark, String implementation, double score) {
        return new BenchmarkReport.Result(
                benchmark,
                "acquireRelease",
                "thrpt",
                16,
                java.util.Map.of("implementation", implementation, "poolSize", "1000"),
                score,
                "ops/s",
                java.util.Map.of(),
                "17");
    }

    @Test
    void latency_rows_carry_percentiles_and_the_cost_relative_to_the_smallest_pool() throws IOException {
        String md = BenchmarkReport.render(BenchmarkReport.read(sample()), "", List.of("r.json"));

        assertThat(md)
                .contains("| implementation | poolSize | threads | p50 | p99 | p99.9 | p50 / p50 at smallest pool |")
                .contains("| jdbc | 1000 | 1 | 500 | 900 | 1,500 | 1.00× |")
                .contains("| jdbc | 1000000 | 1 | 600 | 950 | 1,600 | 1.20× |");
    }

    @Test
    void a_new_run_replaces_the_generated_section_and_keeps_the_analysis(@TempDir Path dir) throws IOException {
        Path doc = dir.resolve("benchmarks.md");
        Path json = dir.resolve("r.json");
        Files.writeString(json, sample());
        Files.writeString(
                doc,
                "# Benchmarks\n\nintro\n\n" + BenchmarkReport.BEGIN + "\nold numbers\n" + BenchmarkReport.END
                        + "\n\n## Analysis\n\nkept\n");

        BenchmarkReport.main(new String[] {"--out", doc.toString(), json.toString()});

        String written = Files.readString(doc);
        assertThat(written)
                .startsWith("# Benchmarks\n\nintro\n\n" + BenchmarkReport.BEGIN)
                .doesNotContain("old numbers")
                .contains("25.0 %")
                .endsWith("## Analysis\n\nkept\n");
    }

    @Test
    void a_star_in_a_file_name_stands_for_the_matching_files_in_numeric_order(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"r-t16.json", "r-t2.json", "other.json"}) {
            Files.writeString(dir.resolve(name), "[]");
        }

        assertThat(BenchmarkReport.expand(dir.resolve("r-t*.json").toString()))
                .containsExactly(dir.resolve("r-t2.json"), dir.resolve("r-t16.json"));
        assertThatThrownBy(
                        () -> BenchmarkReport.expand(dir.resolve("none-*.json").toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none-*.json");
    }

    @Test
    void malformed_json_is_rejected_naming_the_offset() {
        assertThatThrownBy(() -> BenchmarkReport.read("[ {\"benchmark\" : } ]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 17");
    }
}
