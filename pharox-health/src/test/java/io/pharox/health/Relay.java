package io.pharox.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLContext;

/**
 * Listens on a loopback port and relays each connection to a backend port, keeping a copy of
 * what the clients sent. Two uses in front of a real proxy server:
 * <ul>
 *   <li>{@link #tls}: terminates TLS, making tinyproxy a real HTTP proxy that clients reach over
 *       TLS (the HTTPS proxy protocol), which Debian's tinyproxy cannot do by itself;</li>
 *   <li>{@link #plain}: passes bytes through, so a test can see what a probe put on the wire.</li>
 * </ul>
 */
final class Relay implements AutoCloseable {

    private final ServerSocket server;
    private final int backendPort;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private Relay(ServerSocket server, int backendPort) throws IOException {
        this.server = server;
        this.backendPort = backendPort;
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        daemon(this::accept, "relay").start();
    }

    /** Relays TLS connections made with {@code context}'s certificate, decrypted, to {@code backendPort}. */
    static Relay tls(SSLContext context, int backendPort) throws IOException {
        return new Relay(context.getServerSocketFactory().createServerSocket(), backendPort);
    }

    /** Relays plain connections to {@code backendPort}. */
    static Relay plain(int backendPort) throws IOException {
        return new Relay(new ServerSocket(), backendPort);
    }

    /** The loopback port clients connect to. */
    int port() {
        return server.getLocalPort();
    }

    /** Every byte the clients have sent so far (after TLS, for {@link #tls}), connections one after another. */
    byte[] sentByClients() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket backend = new Socket("127.0.0.1", backendPort);
                daemon(() -> pump(client, backend, true), "relay-up").start();
                daemon(() -> pump(backend, client, false), "relay-down").start();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // this connection failed; keep serving the next
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (fromClient) {
                    synchronized (sent) {
                        sent.write(buffer, 0, n);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // either side closed: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
