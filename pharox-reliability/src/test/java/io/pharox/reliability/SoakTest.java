package io.pharox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The soak on the shared test PostgreSQL: two worker JVMs of eight threads each (JDBC and JPA
 * adapters mixed) lease with random strategies, filters and ttls while the checker samples the
 * invariants; three times during the run every connection of the workers is killed
 * ({@code pg_terminate_backend}, only backends of this run's application name).
 */
class SoakTest {

    @Test
    void sixteen_threads_in_two_jvms_keep_every_invariant_while_their_connections_are_killed() throws Exception {
        try (SoakDatabase db = SoakDatabase.onTestPostgres("pharox_soak")) {
            int[] terminated = new int[1];
            SoakRun.Report report = SoakRun.run(db, 2, 8, () -> terminated[0] += db.terminateWorkers());

            assertThat(report.faults()).isEqualTo(3);
            assertThat(terminated[0]).as("worker backends terminated").isPositive();
            assertThat(report.mostLive()).as("most live leases in one sample").isPositive();
            assertThat(report.total("released")).isPositive();
            assertThat(report.total("renewed")).isPositive();
            assertThat(report.total("cleanups")).isPositive();
        }
    }
}
