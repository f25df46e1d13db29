package io.pharox.health;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real proxy server from the operating system, run for a test on a free loopback port:
 * {@code tinyproxy} (HTTP, {@code CONNECT}, optional Basic auth), {@code microsocks} (SOCKS5,
 * optional username/password), Dante's {@code danted} (SOCKS4 and SOCKS5, no SOCKS4a) or
 * OpenSSH's dynamic forwarding, {@code ssh -D} to an {@code sshd} of the test's own (SOCKS4,
 * SOCKS4a and SOCKS5). Stopped by process id on {@link #close()}.
 *
 * <p>When a binary is missing the test fails, naming the packages to install: a health check
 * suite that silently skipped its real servers would prove nothing.
 */
final class RealProxyServer implements AutoCloseable {

    /** What to run to install every server the health-check tests start. */
    static final String INSTALL_HINT = "the health-check tests run real proxy servers:"
            + " apt-get install -y tinyproxy microsocks dante-server openssh-server openssh-client";

    /** The Debian package of each binary. */
    private static final Map<String, String> PACKAGES = Map.of(
            "tinyproxy",
            "tinyproxy",
            "microsocks",
            "microsocks",
            "danted",
            "dante-server",
            "sshd",
            "openssh-server",
            "ssh",
            "openssh-client",
            "ssh-keygen",
            "openssh-client");

    private static final String LOOPBACK = "127.0.0.1";

    private final String name;
    private final List<Process> processes;
    private final int port;
    private final Path log;

    private RealProxyServer(String name, List<Process> processes, int port, Path log) {
        this.name = name;
        this.processes = List.copyOf(processes);
        this.port = port;
        this.log = log;
    }

    /**
     * Starts tinyproxy, allowing {@code CONNECT} to {@code connectPorts}; with Basic auth when
     * {@code user} is not {@code null}.
     */
    static RealProxyServer tinyproxy(Path dir, String user, String password, int... connectPorts) throws IOException {
        String binary = binary("tinyproxy");
        int port = freePort();
        List<String> lines = new ArrayList<>(List.of(
                "Port " + port,
                "Listen " + LOOPBACK,
                "Allow " + LOOPBACK,
                "Timeout 30",
                "MaxClients 64",
                "LogLevel Info",
                "DisableViaHeader Yes"));
        if (user != null) {
            lines.add("BasicAuth " + user + " " + password);
        }
        for (int connectPort : connectPorts) {
            lines.add("ConnectPort " + connectPort);
        }
        Path conf = config(dir, "tinyproxy", lines);
        return start("tinyproxy", port, dir, new ProcessBuilder(binary, "-d", "-c", conf.toString()));
    }

    /** Starts microsocks; with username/password authentication when {@code user} is not {@code null}. */
    static RealProxyServer microsocks(Path dir, String user, String password) throws IOException {
        String binary = binary("microsocks");
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(binary, "-i", LOOPBACK, "-p", String.valueOf(port)));
        if (user != null) {
            command.addAll(List.of("-u", user, "-P", password));
        }
        return start("microsocks", port, dir, new ProcessBuilder(command));
    }

    /**
     * Starts Dante's {@code danted} in the foreground, answering SOCKS4 and SOCKS5 {@code CONNECT}
     * requests from loopback to loopback without authentication. Dante 1.4 has no SOCKS4a: it
     * takes the 4a marker address {@code 0.0.0.1} literally and refuses the request.
     */
    static RealProxyServer dante(Path dir) throws IOException {
        String binary = binary("danted");
        int port = freePort();
        String user = System.getProperty("user.name");
        Path conf = config(
                dir,
                "danted",
                List.of(
                        "logoutput: stderr",
                        "internal: " + LOOPBACK + " port = " + port,
                        "external: " + LOOPBACK,
                        "clientmethod: none",
                        "socksmethod: none",
                        "user.privileged: " + user,
                        "user.unprivileged: " + user,
                        "client pass {",
                        "  from: 127.0.0.1/32 to: 0.0.0.0/0",
                        "}",
                        "socks pass {",
                        "  from: 127.0.0.1/32 to: 127.0.0.0/8",
                        "  command: connect",
                        "  log: error",
                        "}"));
        ProcessBuilder builder = new ProcessBuilder(binary, "-f", conf.toString(), "-N", "1");
        // its lock and shared-memory files go to TMPDIR, which must be private to the server
        builder.environment()
                .put("TMPDIR", Files.createTempDirectory(dir, "danted-").toString());
        return start("danted", port, dir, builder);
    }

    /**
     * Starts OpenSSH's SOCKS server: an {@code sshd} of the test's own on a free loopback port
     * (generated host key, one authorized key, no PAM) and {@code ssh -N -D} logged in to it as
     * the current user. The dynamic forward speaks SOCKS4, SOCKS4a and SOCKS5 without
     * authentication. As root, sshd needs its privilege separation directory {@code /run/sshd},
     * which the openssh-server service creates at start: created here the same way if missing.
     */
    static RealProxyServer sshDynamicForward(Path dir) throws IOException {
        String sshd = binary("sshd");
        String ssh = binary("ssh");
        String keygen = binary("ssh-keygen");
        Path keys = Files.createTempDirectory(dir, "ssh-");
        Path hostKey = keys.resolve("host_key");
        Path clientKey = keys.resolve("client_key");
        run(keygen, "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        run(keygen, "-q", "-t", "ed25519", "-N", "", "-f", clientKey.toString());
        Path authorizedKeys = Files.copy(keys.resolve("client_key.pub"), keys.resolve("authorized_keys"));
        ensurePrivilegeSeparationDirectory();

        int sshdPort = freePort();
        Path conf = config(
                dir,
                "sshd",
                List.of(
                        "ListenAddress " + LOOPBACK + ":" + sshdPort,
                        "HostKey " + hostKey,
                        "AuthorizedKeysFile " + authorizedKeys,
                        "PermitRootLogin prohibit-password",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "UsePAM no",
                        "StrictModes no",
                        "AllowTcpForwarding yes",
                        "PidFile none",
                        "LogLevel ERROR"));
        RealProxyServer server =
                start("sshd", sshdPort, dir, new ProcessBuilder(sshd, "-D", "-e", "-f", conf.toString()));
        int port = freePort();
        try {
            RealProxyServer forward = start(
                    "ssh -D",
                    port,
                    dir,
                    new ProcessBuilder(
                            ssh,
                            "-F",
                            "/dev/null",
                            "-N",
                            "-D",
                            LOOPBACK + ":" + port,
                            "-p",
                            String.valueOf(sshdPort),
                            "-i",
                            clientKey.toString(),
                            "-o",
                            "IdentitiesOnly=yes",
                            "-o",
                            "BatchMode=yes",
                            "-o",
                            "ExitOnForwardFailure=yes",
                            "-o",
                            "StrictHostKeyChecking=no",
                            "-o",
                            "UserKnownHostsFile=/dev/null",
                            "-o",
                            "LogLevel=ERROR",
                            System.getProperty("user.name") + "@" + LOOPBACK));
            List<Process> both = new ArrayList<>(server.processes);
            both.addAll(forward.processes);
            return new RealProxyServer("ssh -D (sshd on port " + sshdPort + ")", both, port, forward.log);
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
    }

    /** The loopback port it listens on. */
    int port() {
        return port;
    }

    /** A loopback port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, 0));
            return socket.getLocalPort();
        }
    }

    private static Path config(Path dir, String name, List<String> lines) throws IOException {
        Path conf = Files.createTempFile(dir, name + "-", ".conf");
        Files.write(conf, lines);
        return conf;
    }

    private static void ensurePrivilegeSeparationDirectory() throws IOException {
        Path privsep = Path.of("/run/sshd");
        if ("root".equals(System.getProperty("user.name")) && !Files.isDirectory(privsep)) {
            Files.createDirectories(
                    privsep, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    private static RealProxyServer start(String name, int port, Path dir, ProcessBuilder builder) throws IOException {
        Path log = Files.createTempFile(dir, name.replace(' ', '-') + "-", ".log");
        Process process =
                builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RealProxyServer server = new RealProxyServer(name, List.of(process), port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on "
                        + port + ": " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(LOOPBACK, port), 200);
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
        throw new IllegalStateException(
                name + " did not listen on port " + port + " within 10 s: " + Files.readString(log));
    }

    static String binary(String name) {
        Optional<String> found = Optional.empty();
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                // absolute: sshd re-executes itself by the path it was started with
                found = Optional.of(candidate.toAbsolutePath().toString());
                break;
            }
        }
        return found.orElseThrow(() -> new AssertionError(
                name + " was not found on PATH or in /usr/bin, /usr/sbin, " + "/usr/local/bin: apt-get install -y "
                        + PACKAGES.getOrDefault(name, name) + " (" + INSTALL_HINT + ")"));
    }

    /** Stops every server given that was started ({@code null}s are skipped), each even if one before failed to stop. */
    static void stopAll(AutoCloseable... servers) {
        for (AutoCloseable server : servers) {
            if (server != null) {
                try {
                    server.close();
                } catch (Exception ignored) {
                    // best effort: the next server must still be stopped
                }
            }
        }
    }

    /** Stops the processes, the last started first. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
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
    }

    @Override
    public String toString() {
        return name + " on 127.0.0.1:" + port + " (pids "
                + processes.stream().map(Process::pid).toList() + ", log " + log + ")";
    }
}
