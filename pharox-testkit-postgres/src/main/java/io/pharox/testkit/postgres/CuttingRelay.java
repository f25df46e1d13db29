package io.pharox.testkit.postgres;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A TCP relay between a test's JDBC driver and PostgreSQL that cuts a connection at a chosen
 * moment: the fault of a network or a server that goes away while a statement runs. It listens
 * on an ephemeral port of 127.0.0.1 and forwards every connection to the server, reading the
 * PostgreSQL wire protocol just enough to see message boundaries.
 *
 * <p>{@link #arm(String, Cut)} arms one cut: the next message a client sends whose bytes
 * contain the marker text (the SQL text of a statement; give the driver {@code prepareThreshold=0}
 * so that every execution sends its text) is the trigger.
 *
 * <ul>
 *   <li>{@link Cut#BEFORE_SENDING}: the trigger is not forwarded; both sides of the connection
 *       are closed. The server never sees the statement: nothing commits.</li>
 *   <li>{@link Cut#AFTER_COMMIT}: the trigger is forwarded, and the server's replies flow back
 *       until the server reports the transaction over ({@code ReadyForQuery} with status idle),
 *       which is the moment the commit has happened: in auto-commit mode right after the
 *       statement, in a transaction after its {@code COMMIT}. That last message is dropped and
 *       both sides are closed: the client never learns that its commit succeeded.</li>
 * </ul>
 *
 * The relay answers a client's {@code SSLRequest} and {@code GSSENCRequest} itself with "no",
 * so the connection to the server is always plain text. One cut at a time: a new {@code arm}
 * replaces an armed cut that has not fired.
 *
 * <pre>{@code
 * try (CuttingRelay relay = CuttingRelay.inFrontOf(TestPostgres.get())) {
 *     String url = relay.url(TestPostgres.get()) + "&prepareThreshold=0";
 *     relay.arm("insert into", CuttingRelay.Cut.AFTER_COMMIT);
 *     ...
 *     assertThat(relay.cuts(CuttingRelay.Cut.AFTER_COMMIT)).isEqualTo(1);
 * }
 * }</pre>
 */
public final class CuttingRelay implements AutoCloseable {

    /** Where a connection is cut, relative to the marked message. */
    public enum Cut {
        /** Before the marked message reaches the server: nothing of it commits. */
        BEFORE_SENDING,
        /** After the server has committed the marked message's transaction, before the client hears so. */
        AFTER_COMMIT
    }

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;

    private final InetSocketAddress server;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<@Nullable Armed> armed = new AtomicReference<>();
    private final AtomicInteger cutsBefore = new AtomicInteger();
    private final AtomicInteger cutsAfter = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private record Armed(byte[] marker, Cut cut) {}

    private CuttingRelay(InetSocketAddress server) throws IOException {
        this.server = server;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "cutting-relay-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * A relay to the server at {@code host}:{@code port}, listening on an ephemeral port of
     * 127.0.0.1.
     *
     * @throws IllegalStateException if it cannot listen
     */
    public static CuttingRelay to(String host, int port) {
        Objects.requireNonNull(host, "host");
        try {
            return new CuttingRelay(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on 127.0.0.1 for a relay to " + host + ":" + port, e);
        }
    }

    /**
     * A relay to the server {@code postgres} points at.
     *
     * @throws IllegalStateException if its URL names no host, or the relay cannot listen
     */
    public static CuttingRelay inFrontOf(TestPostgres postgres) {
        URI uri = uriOf(postgres.url());
        if (uri.getHost() == null) {
            throw new IllegalStateException("the test PostgreSQL's URL names no host: " + redacted(postgres.url()));
        }
        return to(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
    }

    /**
     * The JDBC URL of {@code postgres} with its host and port replaced by this relay's; its
     * database and parameters are kept. The result always has a query part, so a caller can
     * append {@code "&name=value"}.
     */
    public String url(TestPostgres postgres) {
        URI uri = uriOf(postgres.url());
        String query = uri.getRawQuery();
        return "jdbc:postgresql://127.0.0.1:" + port() + uri.getRawPath() + "?"
                + (query == null ? "sslmode=disable" : query);
    }

    private static URI uriOf(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalStateException("not a JDBC URL: " + redacted(jdbcUrl));
        }
        return URI.create(jdbcUrl.substring("jdbc:".length()));
    }

    private static String redacted(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?…";
    }

    /** The port the relay listens on, on 127.0.0.1. */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Arms one cut: the next client message containing {@code marker} (as UTF-8 bytes) triggers
     * it, on whichever connection sends it.
     *
     * @throws IllegalArgumentException if the marker is empty
     */
    public void arm(String marker, Cut cut) {
        Objects.requireNonNull(marker, "marker");
        Objects.requireNonNull(cut, "cut");
        if (marker.isEmpty()) {
            throw new IllegalArgumentException("marker must not be empty");
        }
        armed.set(new Armed(marker.getBytes(StandardCharsets.UTF_8), cut));
    }

    /** Disarms a cut that has not fired; returns whether one was armed. */
    public boolean disarm() {
        return armed.getAndSet(null) != null;
    }

    /** Whether a cut is armed and has not fired yet. */
    public boolean isArmed() {
        return armed.get() != null;
    }

    /** How many connections have been cut this way so far. */
    public int cuts(Cut cut) {
        return cut == Cut.BEFORE_SENDING ? cutsBefore.get() : cutsAfter.get();
    }

    /** How many client connections the relay has accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Stops listening and closes every relayed connection. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        open.forEach(CuttingRelay::closeQuietly);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            Thread t = new Thread(() -> relay(client), "cutting-relay-" + client.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    /** One relayed connection: this thread carries client → server; another carries the replies. */
    private void relay(Socket client) {
        Socket upstream = new Socket();
        open.add(client);
        open.add(upstream);
        Connection connection = new Connection(client, upstream);
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(server, 10_000);
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream toServer = upstream.getOutputStream();
            if (!startup(in, client.getOutputStream(), toServer)) {
                return;
            }
            Thread replies = new Thread(() -> connection.carryReplies(), "cutting-relay-replies-" + client.getPort());
            replies.setDaemon(true);
            replies.start();
            while (true) {
                int type = in.read();
                if (type < 0) {
                    return;
                }
                int length = in.readInt();
                byte[] body = new byte[length - 4];
                in.readFully(body);
                Armed trigger = armed.get();
                if (trigger != null && contains(body, trigger.marker()) && armed.compareAndSet(trigger, null)) {
                    if (trigger.cut() == Cut.BEFORE_SENDING) {
                        cutsBefore.incrementAndGet();
                        return;
                    }
                    connection.cutAtNextIdle();
                }
                toServer.write(type);
                writeInt(toServer, length);
                toServer.write(body);
                toServer.flush();
            }
        } catch (IOException e) {
            // either side went away: the connection ends
        } finally {
            connection.close();
        }
    }

    /**
     * Carries the untyped start of a connection: answers SSL and GSS encryption requests with
     * "no", forwards the startup message (or a cancel request).
     *
     * @return whether typed messages follow
     */
    private static boolean startup(DataInputStream in, OutputStream toClient, OutputStream toServer)
            throws IOException {
        while (true) {
            int length;
            try {
                length = in.readInt();
            } catch (EOFException e) {
                return false;
            }
            byte[] body = new byte[length - 4];
            in.readFully(body);
            int code = ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
            if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                toClient.write('N');
                toClient.flush();
                continue;
            }
            writeInt(toServer, length);
            toServer.write(body);
            toServer.flush();
            return code != CANCEL_REQUEST;
        }
    }

    /** The two sockets of one relayed connection and the reply side's cut. */
    private final class Connection {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean cutAtNextIdle;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void cutAtNextIdle() {
            cutAtNextIdle = true;
        }

        /** Server → client, message by message, until the cut or either side ends. */
        void carryReplies() {
            try {
                DataInputStream in = new DataInputStream(upstream.getInputStream());
                OutputStream out = client.getOutputStream();
                while (true) {
                    int type = in.read();
                    if (type < 0) {
                        return;
                    }
                    int length = in.readInt();
                    byte[] body = new byte[length - 4];
                    in.readFully(body);
                    if (type == 'Z' && body.length == 1 && body[0] == 'I' && cutAtNextIdle) {
                        // the transaction of the marked message is over on the server: committed
                        cutsAfter.incrementAndGet();
                        return;
                    }
                    out.write(type);
                    writeInt(out, length);
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                close();
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
            open.remove(client);
            open.remove(upstream);
        }
    }

    private static void writeInt(OutputStream out, int value) throws IOException {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing is best effort
        }
    }
}
