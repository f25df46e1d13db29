package io.pharox.storage.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Group commit for calls that one statement can serve together. Calls with the same key form
 * a lane; at most {@code parallelism} batches of a lane run at a time. A call that finds fewer
 * running runs at once, alone: it never waits for company. Calls that arrive while the lane is
 * full queue in arrival order; when a batch ends, the first of them leads the next batch: itself
 * and the calls behind it at the head of the queue, {@code maxBatch} calls at most. So no call
 * is overtaken by one that arrived after it, and a call waits for at most the batches running
 * when it arrived plus the batches of the calls queued before it.
 *
 * <p>Each call gets its own result, or the failure of its batch. A waiting call is not
 * interruptible: its request may already be in a statement that commits, and its result must
 * reach it; an interrupt that arrives while it waits is restored once it has its result.
 *
 * @param <K> what makes calls batchable together (pool, strategy, filter…)
 * @param <R> one call's request
 * @param <V> one call's result
 */
final class Coalescer<K, R, V> {

    /** Runs one batch: one result per request, in the order of {@code requests}. */
    @FunctionalInterface
    interface Batch<K, R, V> {
        List<V> run(K key, List<R> requests);
    }

    private final Batch<K, R, V> batch;
    private final int maxBatch;
    private final int parallelism;
    private final ConcurrentHashMap<K, Lane<R, V>> lanes = new ConcurrentHashMap<>();

    /**
     * @param batch       runs a batch
     * @param maxBatch    the most calls in one batch
     * @param parallelism the most batches of one lane running at once
     * @throws IllegalArgumentException if {@code maxBatch} or {@code parallelism} is below 1
     */
    Coalescer(Batch<K, R, V> batch, int maxBatch, int parallelism) {
        this.batch = Objects.requireNonNull(batch, "batch");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.maxBatch = maxBatch;
        this.parallelism = parallelism;
    }

    /**
     * Runs {@code request} in a batch of its lane {@code key} and returns its result.
     *
     * @throws RuntimeException the failure of the batch, as {@link Batch#run} threw it
     */
    V submit(K key, R request) {
        Call<R, V> call = new Call<>(request);
        while (true) {
            Lane<R, V> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
            boolean lead;
            synchronized (lane) {
                if (lane.retired) {
                    continue; // idled and removed meanwhile: the key has a new lane
                }
                lead = lane.running < parallelism;
                if (lead) {
                    lane.running++;
                } else {
                    lane.queue.addLast(call);
                }
            }
            if (!lead && !call.awaitTurn()) {
                return call.result();
            }
            lead(key, lane, call);
            return call.result();
        }
    }

    /**
     * Runs a batch of {@code leader}'s call and the calls at the head of the lane's queue, then
     * hands the lane's place to the next queued call or frees it.
     */
    private void lead(K key, Lane<R, V> lane, Call<R, V> leader) {
        List<Call<R, V>> calls = new ArrayList<>();
        calls.add(leader);
        synchronized (lane) {
            while (calls.size() < maxBatch && !lane.queue.isEmpty()) {
                calls.add(lane.queue.removeFirst());
            }
        }
        try {
            List<R> requests = new ArrayList<>(calls.size());
            for (Call<R, V> c : calls) {
                requests.add(c.request);
            }
            List<V> results;
            try {
                results = batch.run(key, requests);
                if (results.size() != calls.size()) {
                    throw new IllegalStateException(
                            "a batch of " + calls.size() + " calls returned " + results.size() + " results");
                }
            } catch (RuntimeException | Error e) {
                for (Call<R, V> c : calls) {
                    c.fail(e);
                }
                return;
            }
            for (int i = 0; i < calls.size(); i++) {
                calls.get(i).complete(results.get(i));
            }
        } finally {
            Call<R, V> next;
            synchronized (lane) {
                next = lane.queue.peekFirst();
                if (next == null) {
                    lane.running--;
                    if (lane.running == 0) {
                        // an idle lane is dropped, so that keys (filters are the application's) do not pile up
                        lane.retired = true;
                        lanes.remove(key, lane);
                    }
                } else {
                    // the next batch's leader: no longer queued for the other batches to take
                    lane.queue.removeFirst();
                }
            }
            if (next != null) {
                next.lead();
            }
        }
    }

    /** For tests: the number of lanes with a statement running. */
    int lanes() {
        return lanes.size();
    }

    /** For tests: the calls of lane {@code key} waiting for a batch. */
    int queued(K key) {
        Lane<R, V> lane = lanes.get(key);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.queue.size();
        }
    }

    /** The calls of one key. Guarded by its own monitor. */
    private static final class Lane<R, V> {
        final ArrayDeque<Call<R, V>> queue = new ArrayDeque<>();
        int running;
        boolean retired;
    }

    /** One call: its request, and how it ends (a result, a failure, or its turn to lead). */
    private static final class Call<R, V> {
        final R request;
        private final CountDownLatch woken = new CountDownLatch(1);
        private volatile boolean leads;
        private volatile boolean done;
        private volatile @Nullable V result;
        private volatile @Nullable Throwable failure;

        Call(R request) {
            this.request = request;
        }

        void complete(V value) {
            result = value;
            done = true;
            woken.countDown();
        }

        void fail(Throwable e) {
            failure = e;
            done = true;
            woken.countDown();
        }

        void lead() {
            leads = true;
            woken.countDown();
        }

        /** Waits until this call has its result (false) or its turn to lead a batch (true). */
        boolean awaitTurn() {
            boolean interrupted = false;
            while (true) {
                try {
                    woken.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return leads && !done;
        }

        @SuppressWarnings("NullAway") // V may be a nullable type argument; done means result was set
        V result() {
            Throwable e = failure;
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (!done) {
                throw new IllegalStateException("the call ended without a result");
            }
            return result;
        }
    }
}
