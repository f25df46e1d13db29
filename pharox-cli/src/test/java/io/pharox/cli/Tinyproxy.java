package io.pharox.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real tinyproxy on a free loopback port for the {@code check} test, stopped by its process id
 * on {@link #close()}. A missing binary fails the test with the package to install.
 */
final class Tinyproxy implements AutoCloseable {

    private final Process process;
    private final int port;

    private Tinyproxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Tinyproxy start(Path dir) throws IOException, InterruptedException {
        Path binary = List.of("/usr/bin/tinyproxy", "/usr/sbin/tinyproxy", "/usr/local/bin/tinyproxy").stream()
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("the check test runs a real HTTP proxy: apt-get install -y tinyproxy"));
        int port = freePort();
        Path conf = dir.resolve("tinyproxy.conf");
        Files.write(
                conf,
                List.of(
                        "Port " + port,
                        "Listen 127.0.0.1",
                        "Allow 127.0.0.1",
                        "Timeout 30",
                        "MaxClients 16",
                        "LogLevel Error",
                        "DisableViaHeader Yes"));
        Path log = dir.resolve("tinyproxy.log");
        Process process = new ProcessBuilder(binary.toString(), "-d", "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Tinyproxy proxy = new Tinyproxy(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("tinyproxy exited: " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return proxy;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        proxy.close();
        throw new IllegalStateException("tinyproxy did not listen on " + port + ": " + Files.readString(log));
    }

    int port() {
        return port;
    }

    /** A loopback port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
