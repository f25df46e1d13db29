package io.pharox.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A worker JVM started with this test's class path, its output (stdout and stderr) in a file
 * under {@code target/reliability}. Workers speak in lines: {@code ready}, {@code stats k=v ...}
 * (cumulative), {@code error <class> <message>} (the first of each class), {@code done ...}.
 */
final class WorkerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path output;

    private WorkerProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /** Starts {@code main} in a new JVM with {@code jvmOptions} and {@code args}. */
    static WorkerProcess start(String name, Class<?> main, List<String> jvmOptions, List<String> args)
            throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "reliability");
        Files.createDirectories(dir);
        Path output = dir.resolve(name + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new WorkerProcess(name, process, output);
    }

    String name() {
        return name;
    }

    /** The complete lines written so far. */
    List<String> lines() {
        try {
            String text = Files.readString(output, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        } catch (IOException e) {
            throw new IllegalStateException("reading " + output + " failed", e);
        }
    }

    /** Everything written so far, for failure messages. */
    String log() {
        return name + " (" + output + "):\n" + String.join("\n", lines());
    }

    /** Waits until a line starting with {@code prefix} appears; fails if the worker exits first. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> line =
                    lines().stream().filter(l -> l.startsWith(prefix)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive() && lines().stream().noneMatch(l -> l.startsWith(prefix))) {
                throw new AssertionError(
                        "worker exited (" + process.exitValue() + ") before printing '" + prefix + "'; " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + prefix + "' within " + timeout + "; " + log());
            }
            Thread.sleep(50);
        }
    }

    /** The latest {@code stats} line as numbers, or an empty map before the first one. */
    Map<String, Long> stats() {
        List<String> lines = lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("stats ") || lines.get(i).startsWith("done ")) {
                return parse(lines.get(i));
            }
        }
        return Map.of();
    }

    /** Waits until the latest stats satisfy {@code condition}; fails after {@code timeout}. */
    Map<String, Long> awaitStats(String what, Predicate<Map<String, Long>> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Long> stats = stats();
            if (!stats.isEmpty() && condition.test(stats)) {
                return stats;
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError(
                        name + ": not " + what + " within " + timeout + ", last stats " + stats + "; " + log());
            }
            Thread.sleep(50);
        }
    }

    /** The {@code error <class> <message>} lines: the first error of each class, class to message. */
    Map<String, String> errors() {
        Map<String, String> errors = new HashMap<>();
        for (String line : lines()) {
            if (line.startsWith("error ")) {
                String rest = line.substring(6);
                int space = rest.indexOf(' ');
                errors.putIfAbsent(
                        space < 0 ? rest : rest.substring(0, space), space < 0 ? "" : rest.substring(space + 1));
            }
        }
        return errors;
    }

    /** Waits for the worker to exit; fails, with its output, if it does not or exits non-zero. */
    Map<String, Long> awaitDone(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("worker still running after " + timeout + "; " + log());
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("worker exited with " + process.exitValue() + "; " + log());
        }
        String done = awaitLine("done ", Duration.ofSeconds(1));
        return parse(done);
    }

    /** Writes {@code line} to the worker's standard input. */
    void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Kills the JVM at once (SIGKILL): no shutdown hook, no release. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    static Map<String, Long> parse(String line) {
        Map<String, Long> values = new HashMap<>();
        fields(line).forEach((k, v) -> values.put(k, Long.parseLong(v)));
        return values;
    }

    /** The {@code key=value} fields of a line. */
    static Map<String, String> fields(String line) {
        Map<String, String> values = new HashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                values.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return values;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
