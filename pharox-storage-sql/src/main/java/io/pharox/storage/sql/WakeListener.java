package io.pharox.storage.sql;

import io.pharox.storage.WaitQueue;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL adapters' {@link WaitQueue}: tickets in {@code pool_waiter}, wake-ups by
 * {@code LISTEN}/{@code NOTIFY} on one connection per storage, held by a daemon thread while
 * any acquire waits (and {@link #IDLE} after the last one left), taken again after it is lost.
 * While it is down, waiters are told wake-ups are not {@linkplain Waiter#live() live} and poll;
 * when it comes back, every waiter is woken once to claim, since notifications sent meanwhile
 * were lost.
 */
final class WakeListener implements WaitQueue {

    private static final Logger LOG = LoggerFactory.getLogger(WakeListener.class);

    /** How long the listener keeps its connection after the last waiter left. */
    static final Duration IDLE = Duration.ofSeconds(5);

    /** How long a ticket lives without being renewed; waiters renew it well before. */
    static final Duration TICKET_TTL = Duration.ofSeconds(60);

    /** A waiter renews its ticket when less than this is left. */
    private static final Duration RENEW_BEFORE = Duration.ofSeconds(20);

    /** How long a pool counts as contended after a wake-up or a queued join was seen in it. */
    private static final long CONTENDED_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final int POLL_MILLIS = 250;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final ListenConnections connections;
    private final Function<String, UUID> poolIds;
    private final SqlAccess db;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<UUID, Long> contendedUntil = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final Object lifecycle = new Object();
    private volatile boolean live;
    private volatile boolean closed;
    private @Nullable Thread thread;

    WakeListener(ListenConnections connections, Function<String, UUID> poolIds, SqlAccess db) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.poolIds = Objects.requireNonNull(poolIds, "poolIds");
        this.db = Objects.requireNonNull(db, "db");
    }

    @Override
    public Waiter join(String poolName, Duration maxWait) {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
        }
        UUID pool = poolIds.apply(poolName);
        Slot slot = new Slot();
        // listen before the ticket exists, so that no wake-up of it can be missed while connected
        ensureRunning();
        Duration ttl = ttl(maxWait);
        Wakes.Joined joined = db.statement(ctx -> Wakes.join(ctx, pool, ttl));
        slots.put(key(pool, joined.ticket()), slot);
        if (joined.behindOthers()) {
            markContended(pool);
        }
        return new TicketWaiter(pool, joined, slot, epoch.get(), System.nanoTime() + ttl.toNanos());
    }

    @Override
    public boolean contended(String poolName) {
        Long until = contendedUntil.get(poolIds.apply(poolName));
        return until != null && until - System.nanoTime() > 0;
    }

    /** Whether wake-ups are being delivered now. */
    boolean live() {
        return live;
    }

    /** Whether {@link #close()} was called. */
    boolean closed() {
        return closed;
    }

    /** Stops the listener and gives its connection back. */
    void close() {
        closed = true;
        Thread t;
        synchronized (lifecycle) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    private static Duration ttl(Duration maxWait) {
        Duration withMargin = maxWait.plusSeconds(5);
        return withMargin.compareTo(TICKET_TTL) < 0 ? withMargin : TICKET_TTL;
    }

    private static String key(UUID pool, long ticket) {
        return pool + ":" + ticket;
    }

    private void markContended(UUID pool) {
        contendedUntil.put(pool, System.nanoTime() + CONTENDED_NANOS);
    }

    private void ensureRunning() {
        if (closed) {
            throw new IllegalStateException("the storage's wait queue is closed");
        }
        synchronized (lifecycle) {
            if (thread == null) {
                Thread t = new Thread(this::run, "pharox-wake-listener");
                t.setDaemon(true);
                thread = t;
                t.start();
            }
        }
    }

    private void run() {
        @Nullable Connection connection = null;
        long backoff = 50;
        long idleSince = System.nanoTime();
        try {
            while (!closed) {
                if (!slots.isEmpty()) {
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > IDLE.toNanos()) {
                    synchronized (lifecycle) {
                        // a join that raced this check finds the thread gone and starts another
                        if (slots.isEmpty()) {
                            thread = null;
                            return;
                        }
                    }
                }
                if (connection == null) {
                    try {
                        connection = connect();
                        live = true;
                        epoch.incrementAndGet();
                        backoff = 50;
                        // notifications sent while no connection listened are lost: let everyone claim
                        slots.values().forEach(Slot::wake);
                    } catch (SQLException | RuntimeException e) {
                        LOG.warn("wait-queue listener could not connect ({}); waiters poll meanwhile", e.toString());
                        Thread.sleep(backoff);
                        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                        continue;
                    }
                }
                try {
                    PGNotification[] notes =
                            connection.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
                    if (notes != null) {
                        for (PGNotification note : notes) {
                            dispatch(note.getParameter());
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.warn(
                            "wait-queue listener lost its connection ({}); waiters poll until it is back",
                            e.toString());
                    live = false;
                    epoch.incrementAndGet();
                    giveListening(connection);
                    connection = null;
                    slots.values().forEach(Slot::wake);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            live = false;
            epoch.incrementAndGet();
            if (connection != null) {
                // a pooled connection left listening would hold back PostgreSQL's notification queue
                giveListening(connection);
            }
            synchronized (lifecycle) {
                if (thread == Thread.currentThread()) {
                    thread = null;
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        Connection c = connections.open();
        try {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + Wakes.CHANNEL);
            }
            c.unwrap(PGConnection.class);
            return c;
        } catch (SQLException | RuntimeException e) {
            giveListening(c);
            throw e;
        }
    }

    /**
     * Gives back a connection, which stops listening first since pools lend it out again. Also
     * for a connection that failed while waiting for notifications: that wait reads the driver's
     * connection directly, past the pool's wrapper, so the pool has not seen the failure; the
     * {@code UNLISTEN} through the wrapper shows it, and a pool such as HikariCP then evicts the
     * connection instead of lending it out again.
     */
    private void giveListening(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
        } catch (SQLException | RuntimeException e) {
            LOG.debug("UNLISTEN on the wait-queue listener's connection failed", e);
        }
        give(c);
    }

    private void give(Connection c) {
        try {
            connections.close(c);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing the wait-queue listener's connection failed", e);
        }
    }

    /** {@code <pool id>:<ticket>,<ticket>...}: wakes the waiters this process holds. */
    private void dispatch(String payload) {
        int colon = payload.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String pool = payload.substring(0, colon);
        try {
            markContended(UUID.fromString(pool));
        } catch (IllegalArgumentException e) {
            return;
        }
        for (String ticket : payload.substring(colon + 1).split(",")) {
            Slot slot = slots.get(pool + ":" + ticket);
            if (slot != null) {
                slot.heard();
            }
        }
    }

    /** One waiter's mailbox: woken by a notification (its ticket was deleted) or by the listener. */
    private static final class Slot {
        private boolean woken;
        private boolean ticketGone;

        synchronized void heard() {
            ticketGone = true;
            woken = true;
            notifyAll();
        }

        synchronized void wake() {
            woken = true;
            notifyAll();
        }

        synchronized boolean await(long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            while (!woken) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            woken = false;
            return true;
        }

        /** Whether a notification said the ticket was deleted since the last call; clears it. */
        synchronized boolean takeTicketGone() {
            boolean gone = ticketGone;
            ticketGone = false;
            return gone;
        }
    }

    private final class TicketWaiter implements Waiter {
        private final UUID pool;
        private final long ticket;
        private final boolean behindOthers;
        private final Slot slot;
        private long seenEpoch;
        private long expiresAt;
        private long lastStay = System.nanoTime();
        private boolean ticketPresent = true;
        private boolean closedWaiter;

        TicketWaiter(UUID pool, Wakes.Joined joined, Slot slot, long seenEpoch, long expiresAt) {
            this.pool = pool;
            this.ticket = joined.ticket();
            this.behindOthers = joined.behindOthers();
            this.slot = slot;
            this.seenEpoch = seenEpoch;
            this.expiresAt = expiresAt;
        }

        @Override
        public boolean behindOthers() {
            return behindOthers;
        }

        @Override
        public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
            if (!closed) {
                // the listener stops when idle; a waiter that outlived that restarts it
                ensureRunning();
            }
            return slot.await(unit.toNanos(timeout));
        }

        @Override
        public boolean live() {
            return live;
        }

        @Override
        public boolean stay() {
            boolean heardGone = slot.takeTicketGone();
            if (heardGone) {
                ticketPresent = false;
            }
            long now = System.nanoTime();
            long currentEpoch = epoch.get();
            boolean mayHaveMissed = currentEpoch != seenEpoch || !live;
            boolean renew = expiresAt - now < RENEW_BEFORE.toNanos();
            if (ticketPresent && !renew && !(mayHaveMissed && now - lastStay > TimeUnit.SECONDS.toNanos(1))) {
                return false;
            }
            // woken, and the claim found nothing: the wake-up goes on to the next waiter
            boolean passOn = heardGone;
            boolean gone = db.statement(ctx -> Wakes.stay(ctx, ticket, pool, TICKET_TTL, passOn));
            seenEpoch = currentEpoch;
            lastStay = now;
            expiresAt = now + TICKET_TTL.toNanos();
            ticketPresent = true;
            // gone and not heard: a wake-up this waiter missed
            return gone && !heardGone;
        }

        @Override
        public void close() {
            if (closedWaiter) {
                return;
            }
            closedWaiter = true;
            slots.remove(key(pool, ticket));
            if (slot.takeTicketGone()) {
                ticketPresent = false;
            }
            if (ticketPresent) {
                try {
                    db.statement(ctx -> {
                        Wakes.leave(ctx, ticket);
                        return Boolean.TRUE;
                    });
                } catch (RuntimeException e) {
                    // the ticket lapses by itself; a waiter leaving must not fail the acquire
                    LOG.debug("leaving the wait queue failed; ticket {} lapses at its expiry", ticket, e);
                }
            }
        }
    }
}
