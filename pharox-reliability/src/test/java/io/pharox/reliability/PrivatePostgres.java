package io.pharox.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own, for faults that a shared server must never see
 * (a restart): {@code initdb} in a directory under {@code target/} (under {@code /tmp} when
 * the {@code postgres} user cannot reach {@code target/}), started with
 * {@code pg_ctl} on a free loopback port, trust auth, {@code fsync=off}. Run as the
 * {@code postgres} user through {@code runuser} when the tests run as root (initdb refuses
 * root). {@link #close()} stops it and deletes its directory.
 *
 * <p>Fails with a message saying what to install when the server binaries are missing:
 * a restart test that cannot restart anything must not pass.
 */
final class PrivatePostgres implements AutoCloseable {

    static final String USER = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path socketDir;
    private final int port;
    private final boolean asPostgres;

    private PrivatePostgres(Path bin, Path dir, Path socketDir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.socketDir = socketDir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Creates and starts a cluster under {@code target/}. */
    static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path target = Path.of(System.getProperty("basedir", "."), "target").toAbsolutePath();
        Files.createDirectories(target);
        Path dir = Files.createTempDirectory(target, "private-pg-");
        // unix socket paths are limited to ~100 characters: keep the socket in a short /tmp path
        Path socketDir = Files.createTempDirectory(Path.of("/tmp"), "pharox-pg-");
        boolean root = "0".equals(run(List.of("id", "-u")).strip());
        if (root) {
            run(List.of("chown", USER, dir.toString()));
            if (!reachableByPostgres(dir)) {
                // a checkout under a private home (/root): the server's user cannot reach target/
                delete(dir);
                dir = Files.createTempDirectory(Path.of("/tmp"), "pharox-private-pg-");
            }
        }
        PrivatePostgres pg = new PrivatePostgres(bin, dir, socketDir, freePort(), root);
        try {
            if (root) {
                run(List.of("chown", "-R", USER, dir.toString(), socketDir.toString()));
            }
            pg.pg("initdb", "-D", pg.data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync");
            pg.pg(
                    "pg_ctl",
                    "-D",
                    pg.data.toString(),
                    "-l",
                    dir.resolve("server.log").toString(),
                    "-o",
                    pg.options(),
                    "-w",
                    "-t",
                    "60",
                    "start");
            return pg;
        } catch (IOException | RuntimeException | InterruptedException e) {
            pg.close();
            throw e;
        }
    }

    private static boolean reachableByPostgres(Path dir) throws InterruptedException {
        try {
            run(List.of("runuser", "-u", USER, "--", "test", "-w", dir.toString()));
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /** The directory holding {@code initdb} and {@code pg_ctl}, or a clear failure. */
    private static Path binaries() {
        List<Path> candidates = new ArrayList<>();
        try {
            candidates.add(Path.of(run(List.of("pg_config", "--bindir")).strip()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // no pg_config: look in the Debian location below
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.map(v -> v.resolve("bin"))
                        .sorted(Comparator.comparing((Path p) -> versionOf(p)).reversed())
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new IllegalStateException("listing " + debian + " failed", e);
            }
        }
        Optional<Path> found = candidates.stream()
                .filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
                .findFirst();
        return found.orElseThrow(
                () -> new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl) not found:"
                        + " looked in `pg_config --bindir` and /usr/lib/postgresql/*/bin (" + candidates
                        + "). The restart test"
                        + " runs a private cluster and needs them: install the server, e.g. `apt-get install -y postgresql`"
                        + " (.ci/run does)."));
    }

    private static int versionOf(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String options() {
        return "-p " + port + " -k " + socketDir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c full_page_writes=off -c max_connections=60";
    }

    /** The JDBC URL of its {@code postgres} database. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Restarts the server: {@code pg_ctl restart -m fast} disconnects every client. */
    void restart() throws IOException, InterruptedException {
        pg(
                "pg_ctl",
                "-D",
                data.toString(),
                "-l",
                dir.resolve("server.log").toString(),
                "-o",
                options(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "restart");
    }

    /** Stops the server (fast shutdown). */
    void stop() throws IOException, InterruptedException {
        pg("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    /** Starts the stopped server again on the same port. */
    void startAgain() throws IOException, InterruptedException {
        pg(
                "pg_ctl",
                "-D",
                data.toString(),
                "-l",
                dir.resolve("server.log").toString(),
                "-o",
                options(),
                "-w",
                "-t",
                "60",
                "start");
    }

    private String pg(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asPostgres) {
            command.addAll(List.of("runuser", "-u", USER, "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        return run(command);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // output before exit: pg_ctl's server keeps no handle on our pipe (its log goes to -l)
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s: " + output);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + output);
        }
        return output;
    }

    /** Stops the server if it runs (immediate shutdown) and deletes its directories. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                pg("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "-t", "60", "stop");
            }
        } finally {
            // keep the server's log next to the workers' for whoever reads a failure
            Path log = dir.resolve("server.log");
            if (Files.exists(log)) {
                Path kept = Path.of(
                        System.getProperty("basedir", "."), "target", "reliability", dir.getFileName() + "-server.log");
                Files.createDirectories(kept.getParent());
                Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            delete(dir);
            delete(socketDir);
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
