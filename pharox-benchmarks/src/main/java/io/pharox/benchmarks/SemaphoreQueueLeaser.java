package io.pharox.benchmarks;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The in-memory baseline: the plainest thread-safe pool the JDK offers, a {@link Semaphore}
 * with one permit per slot and a {@link ConcurrentLinkedQueue} of the free slots (each proxy
 * as many times as its capacity). No filters, no strategies, no lease records.
 */
final class SemaphoreQueueLeaser implements Leaser {

    private final Semaphore permits;
    private final Queue<Integer> free = new ConcurrentLinkedQueue<>();

    SemaphoreQueueLeaser(int proxies, int capacity) {
        permits = new Semaphore(proxies * capacity);
        for (int slot = 0; slot < capacity; slot++) {
            for (int proxy = 0; proxy < proxies; proxy++) {
                free.add(proxy);
            }
        }
    }

    @Override
    public Object acquire() {
        if (!permits.tryAcquire()) {
            return null;
        }
        return free.poll();
    }

    @Override
    public void release(Object lease) {
        free.add((Integer) lease);
        permits.release();
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }
}
