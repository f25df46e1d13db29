package io.pharox.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import javax.net.ssl.SSLContext;

/**
 * Terminates TLS on a loopback port and relays the plain bytes to a backend port: put in
 * front of tinyproxy, it makes a real HTTP proxy that clients reach over TLS (the HTTPS proxy
 * protocol), which Debian's tinyproxy cannot do by itself.
 */
final class TlsFront implements AutoCloseable {

    private final ServerSocket server;
    private final int backendPort;

    /** Listens on a free loopback port with {@code context}'s certificate, relaying to {@code backendPort}. */
    public TlsFront(SSLContext context, int backendPort) throws IOException {
        this.backendPort = backendPort;
        server = context.getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        daemon(this::accept, "tls-front").start();
    }

    /** The loopback port clients connect to with TLS. */
    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket backend = new Socket("127.0.0.1", backendPort);
                daemon(() -> pump(client, backend), "tls-front-up").start();
                daemon(() -> pump(backend, client), "tls-front-down").start();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // this connection failed; keep serving the next
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
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
