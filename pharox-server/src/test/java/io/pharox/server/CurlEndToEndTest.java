package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/resources/e2e.sh}: curl against a real server on PostgreSQL, the lease
 * lifecycle and the 4xx paths, each status asserted by the script. Without curl on the PATH the
 * test fails; it never skips.
 */
class CurlEndToEndTest {

    @Test
    void theCurlScriptPasses() throws Exception {
        Path script = Path.of("src/test/resources/e2e.sh").toAbsolutePath();
        assertThat(script).exists();
        assertCurlInstalled();
        try (TestServer fixture = TestServer.start("server_curl")) {
            Process process = new ProcessBuilder(
                            "bash",
                            script.toString(),
                            String.valueOf(fixture.server.port()),
                            fixture.adminKey,
                            fixture.consumerKey)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("passed, 0 failed").doesNotContain("FAIL");
            assertThat(fixture.storage.findPool("alpha")).isEmpty();
        }
    }

    private static void assertCurlInstalled() throws IOException, InterruptedException {
        Process which;
        try {
            which = new ProcessBuilder("curl", "--version")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError("curl is required by this test and is not installed (apt-get install curl)", e);
        }
        which.getInputStream().readAllBytes();
        assertThat(which.waitFor()).as("curl --version").isZero();
        assertThat(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")))
                .as("bash is installed")
                .isTrue();
    }
}
