package io.pharox.storage.memory;

import io.pharox.model.LeasedProxy;
import io.pharox.model.SessionBinding;
import io.pharox.model.SessionInfo;
import io.pharox.storage.SessionFallback;
import io.pharox.storage.StickySession;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The sticky sessions of an {@link InMemoryStorage} ({@code docs/sessions.md}): one entry per
 * pool and key, whose acquires run under the entry's own lock, so that concurrent acquires of
 * one session decide one after the other and agree on its proxy, while acquires of other
 * sessions and acquires without a session never wait for it. An entry without a proxy, or past
 * its idle deadline, is no session; {@link #deleteLapsed} forgets such entries.
 */
final class SessionTable {

    private final Clock clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    SessionTable(Clock clock) {
        this.clock = clock;
    }

    private record Key(UUID pool, String key) {}

    /** A session's state, guarded by its own monitor. */
    private static final class Entry {
        @Nullable
        UUID proxy;

        int uses;
        Instant idleUntil = Instant.MIN;
        /** Forgotten: a thread that locked it after that takes a new entry. */
        boolean gone;

        boolean liveAt(Instant now) {
            return proxy != null && idleUntil.isAfter(now);
        }
    }

    /**
     * Acquires through {@code session} of {@code pool}.
     *
     * @param leaseAny  leases any proxy matching the request but the one given (none if {@code null})
     * @param leaseOnly leases exactly the proxy given, if it is in the pool, under every rule of an acquire
     * @param exists    whether the proxy given is still stored
     */
    Optional<LeasedProxy> acquire(
            UUID pool,
            StickySession session,
            Function<@Nullable UUID, Optional<LeasedProxy>> leaseAny,
            Function<UUID, Optional<LeasedProxy>> leaseOnly,
            Function<UUID, Boolean> exists) {
        Key key = new Key(pool, session.key());
        while (true) {
            Entry entry = entries.computeIfAbsent(key, k -> new Entry());
            synchronized (entry) {
                if (entry.gone) {
                    continue;
                }
                UUID bound = entry.liveAt(clock.instant()) ? entry.proxy : null;
                if (bound == null) {
                    return leaseAny.apply(null)
                            .map(leased -> bind(key, entry, session, leased, SessionBinding.State.NEW, 1));
                }
                int uses = entry.uses + 1;
                Optional<LeasedProxy> kept = leaseOnly.apply(bound);
                if (kept.isPresent()) {
                    return Optional.of(bind(key, entry, session, kept.get(), SessionBinding.State.KEPT, uses));
                }
                if (session.onUnavailable() == SessionFallback.WAIT && exists.apply(bound)) {
                    return Optional.empty();
                }
                return leaseAny.apply(bound)
                        .map(leased -> bind(key, entry, session, leased, SessionBinding.State.REBOUND, uses));
            }
        }
    }

    /** Binds {@code entry} (locked by the caller) to {@code leased}'s proxy after its {@code uses}-th grant. */
    private LeasedProxy bind(
            Key key, Entry entry, StickySession session, LeasedProxy leased, SessionBinding.State state, int uses) {
        if (session.endsAt(uses)) {
            forget(key, entry);
        } else {
            Instant idleUntil = leased.lease().expiresAt().plus(session.idleTimeout());
            entry.idleUntil = state == SessionBinding.State.NEW || idleUntil.isAfter(entry.idleUntil)
                    ? idleUntil
                    : entry.idleUntil;
            entry.proxy = leased.proxy().id();
            entry.uses = uses;
        }
        return leased.withSession(new SessionBinding(session.key(), state, uses));
    }

    private void forget(Key key, Entry entry) {
        entry.gone = true;
        entries.remove(key, entry);
    }

    Optional<SessionInfo> find(UUID pool, String key) {
        Entry entry = entries.get(new Key(pool, key));
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            UUID proxy = entry.proxy;
            if (entry.gone || proxy == null || !entry.liveAt(clock.instant())) {
                return Optional.empty();
            }
            return Optional.of(new SessionInfo(key, proxy, entry.uses, entry.idleUntil));
        }
    }

    boolean end(UUID pool, String key) {
        Key k = new Key(pool, key);
        Entry entry = entries.get(k);
        if (entry == null) {
            return false;
        }
        synchronized (entry) {
            if (entry.gone || !entry.liveAt(clock.instant())) {
                return false;
            }
            forget(k, entry);
            return true;
        }
    }

    /** Forgets every session of {@code pool}: it is being deleted. */
    void deletePool(UUID pool) {
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            if (e.getKey().pool().equals(pool)) {
                Entry entry = e.getValue();
                synchronized (entry) {
                    if (!entry.gone) {
                        forget(e.getKey(), entry);
                    }
                }
            }
        }
    }

    /** Forgets every entry that is no live session at {@code now}; returns how many. */
    int deleteLapsed(Instant now) {
        int deleted = 0;
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            synchronized (entry) {
                if (!entry.gone && !entry.liveAt(now)) {
                    forget(e.getKey(), entry);
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
