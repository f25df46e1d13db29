package io.pharox.model;

import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifiers for pools, proxies, consumers and leases.
 *
 * <p>{@link #next()} makes time-ordered (version 7 layout) UUIDs that are strictly
 * increasing within one JVM under {@link #ORDER}, so proxies added one after another are
 * also ordered one after another. {@link #ORDER} compares UUIDs as unsigned 128-bit
 * numbers, which is the order PostgreSQL uses for its {@code uuid} type; every storage
 * adapter orders proxies by it, so "first available" and round-robin mean the same thing
 * in memory and in SQL.
 */
public final class Ids {

    /** Orders UUIDs as unsigned 128-bit numbers (PostgreSQL's {@code uuid} order). */
    public static final Comparator<UUID> ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    /** Milliseconds shifted left by 12, plus a 12-bit counter for ids made in the same millisecond. */
    private static final AtomicLong LAST = new AtomicLong();

    private Ids() {}

    /** A new time-ordered UUID, greater under {@link #ORDER} than every earlier one of this JVM. */
    public static UUID next() {
        long candidate = System.currentTimeMillis() << 12;
        long stamp = LAST.updateAndGet(last -> Math.max(last + 1, candidate));
        long millis = stamp >>> 12;
        long msb = (millis << 16) | 0x7000L | (stamp & 0xFFFL);
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
