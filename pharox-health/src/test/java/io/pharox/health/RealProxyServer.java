package io.pharox.health;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real proxy server from the operating system, run for a test on a free loopback port:
 * {@code tinyproxy} (HTTP, {@code CONNECT}, optional Basic auth) or {@code microsocks}
 * (SOCKS5, optional username/password). Stopped by process id on {@link #close()}.
 *
 * <p>When a binary is missing the test fails, naming the packages to install: a health check
 * suite that silently skipped its real servers would prove nothing.
 */
final class RealProxyServer implements AutoCloseable {

    /** What to run when a binary is missing. */
    public static final String INSTALL_HINT =
            "install the proxy servers the health-check tests run: apt-get install -y tinyproxy microsocks"
                    + " (.ci/run does this)";

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private RealProxyServer(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts tinyproxy, allowing {@code CONNECT} to {@code connectPorts}; with Basic auth when
     * {@code user} is not {@code null}.
     */
    public static RealProxyServer tinyproxy(Path dir, String user, String password, int... connectPorts)
            throws IOException {
        String binary = binary("tinyproxy");
        int port = freePort();
        Path conf = Files.createTempFile(dir, "tinyproxy-", ".conf");
        List<String> lines = new ArrayList<>(List.of(
                "Port " + port, "Listen 127.0.0.1", "Allow 127.0.0.1", "Timeout 30", "MaxClients 64",
                "LogLevel Info", "DisableViaHeader Yes"));
        if (user != null) {
            lines.add("BasicAuth " + user + " " + password);
        }
        for (int connectPort : connectPorts) {
            lines.add("ConnectPort " + connectPort);
        }
        Files.write(conf, lines);
        return start("tinyproxy", port, dir, List.of(binary, "-d", "-c", conf.toString()));
    }

    /** Starts microsocks; with username/password authentication when {@code user} is not {@code null}. */
    public static RealProxyServer microsocks(Path dir, String user, String password) throws IOException {
        String binary = binary("microsocks");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(binary, "-i", "127.0.0.1", "-p", String.valueOf(port)));
        if (user != null) {
            command.addAll(List.of("-u", user, "-P", password));
        }
        return start("microsocks", port, dir, command);
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /** A loopback port nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    private static RealProxyServer start(String name, int port, Path dir, List<String> command) throws IOException {
        Path log = Files.createTempFile(dir, name + "-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        RealProxyServer server = new RealProxyServer(name, process, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on "
                        + port + ": " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return server;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    server.close();
                    throw new IllegalStateException("interrupted while waiting for " + name, e);
                }
            }
        }
        server.close();
        throw new IllegalStateException(name + " did not listen on port " + port + " within 10 s: " + Files.readString(log));
    }

    static String binary(String name) {
        Optional<String> found = Optional.empty();
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                found = Optional.of(candidate.toString());
                break;
            }
        }
        return found.orElseThrow(() -> new AssertionError(name + " was not found on PATH or in /usr/bin, /usr/sbin, "
                + "/usr/local/bin: " + INSTALL_HINT));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " on 127.0.0.1:" + port + " (pid " + process.pid() + ", log " + log + ")";
    }
}
