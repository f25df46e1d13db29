package io.pharox.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A broken proxy: it accepts each connection and closes it at once, without a byte. Counts
 * the connections, so tests can see retries happen.
 */
final class ClosingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Semaphore accepted = new Semaphore(0);
    private final Thread acceptor;

    /** Starts listening on a free loopback port. */
    public ClosingProxy() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = new Thread(this::acceptAndClose, "closing-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The loopback port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Waits until {@code count} connections have been accepted since the last call; true if they were. */
    public boolean awaitAccepted(int count) throws InterruptedException {
        return accepted.tryAcquire(count, 10, TimeUnit.SECONDS);
    }

    /** Connections accepted and not yet awaited. */
    public int pendingAccepted() {
        return accepted.availablePermits();
    }

    private void acceptAndClose() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                accepted.release();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // the next accept may work
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
