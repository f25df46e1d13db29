package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group commit of {@link Coalescer}, driven by latches: which calls go out in which batch
 * depends only on what ran when each call arrived, never on timing. (The waits below have long
 * limits only so that a broken coalescer fails instead of hanging the build.)
 */
class CoalescerTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    /** Per batch, by its first request: a latch that holds the batch's statement until opened. */
    private final Map<Integer, CountDownLatch> gates = new ConcurrentHashMap<>();
    /** Per batch, by its first request: counted down when the batch's statement is under way. */
    private final Map<Integer, CountDownLatch> started = new ConcurrentHashMap<>();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** A batch that records itself, waits at its gate (if one is set), and answers each request times ten. */
    private List<Integer> run(String key, List<Integer> requests) {
        batches.add(List.copyOf(requests));
        started.computeIfAbsent(requests.get(0), r -> new CountDownLatch(1)).countDown();
        CountDownLatch gate = gates.get(requests.get(0));
        if (gate != null) {
            try {
                gate.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Integer> results = new ArrayList<>();
        for (int r : requests) {
            results.add(r * 10);
        }
        return results;
    }

    private Future<Integer> submit(Coalescer<String, Integer, Integer> coalescer, int request) {
        return threads.submit(() -> coalescer.submit("lane", request));
    }

    /** Submits {@code request} with its statement held at a gate, and waits until that statement is under way. */
    private Future<Integer> submitHeld(Coalescer<String, Integer, Integer> coalescer, int request)
            throws InterruptedException {
        gates.put(request, new CountDownLatch(1));
        Future<Integer> future = submit(coalescer, request);
        started.computeIfAbsent(request, r -> new CountDownLatch(1)).await(1, TimeUnit.MINUTES);
        return future;
    }

    /** Submits {@code requests} one after the other, each once the one before is queued. */
    private List<Future<Integer>> submitQueued(Coalescer<String, Integer, Integer> coalescer, int first, int last)
            throws InterruptedException {
        List<Future<Integer>> queued = new ArrayList<>();
        for (int r = first; r <= last; r++) {
            queued.add(submit(coalescer, r));
            awaitQueued(coalescer, r - first + 1);
        }
        return queued;
    }

    private static void awaitQueued(Coalescer<String, Integer, Integer> coalescer, int count)
            throws InterruptedException {
        while (coalescer.queued("lane") < count) {
            Thread.sleep(1);
        }
    }

    @Test
    void a_lone_call_runs_at_once_without_waiting_for_company() throws Exception {
        Coalescer<String, Integer, Integer> coalescer = new Coalescer<>(this::run, 32, 1);

        // the statement of call 1 is held at its gate: it was issued while no other call existed
        Future<Integer> one = submitHeld(coalescer, 1);

        assertThat(batches).containsExactly(List.of(1));
        gates.get(1).countDown();
        assertThat(one.get(1, TimeUnit.MINUTES)).isEqualTo(10);
        // and in the calling thread itself, with nothing running: its own batch, at once
        assertThat(coalescer.submit("lane", 2)).isEqualTo(20);
        assertThat(batches).containsExactly(List.of(1), List.of(2));
    }

    @Test
    void calls_queued_behind_a_running_statement_go_out_together_in_the_next_one_in_arrival_order() throws Exception {
        Coalescer<String, Integer, Integer> coalescer = new Coalescer<>(this::run, 32, 1);
        Future<Integer> first = submitHeld(coalescer, 1);

        List<Future<Integer>> queued = submitQueued(coalescer, 2, 5);
        gates.get(1).countDown();

        assertThat(first.get(1, TimeUnit.MINUTES)).isEqualTo(10);
        for (int i = 0; i < queued.size(); i++) {
            assertThat(queued.get(i).get(1, TimeUnit.MINUTES)).isEqualTo((i + 2) * 10);
        }
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3, 4, 5));
    }

    @Test
    void a_full_batch_leaves_the_later_calls_for_the_next_one_so_none_is_overtaken() throws Exception {
        Coalescer<String, Integer, Integer> coalescer = new Coalescer<>(this::run, 2, 1);
        Future<Integer> first = submitHeld(coalescer, 1);
        List<Future<Integer>> queued = submitQueued(coalescer, 2, 6);
        gates.get(1).countDown();

        first.get(1, TimeUnit.MINUTES);
        for (Future<Integer> f : queued) {
            f.get(1, TimeUnit.MINUTES);
        }
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3), List.of(4, 5), List.of(6));
    }

    @Test
    void with_room_for_two_statements_a_second_call_runs_at_once_and_a_third_waits() throws Exception {
        Coalescer<String, Integer, Integer> coalescer = new Coalescer<>(this::run, 32, 2);
        Future<Integer> one = submitHeld(coalescer, 1);
        Future<Integer> two = submitHeld(coalescer, 2);
        Future<Integer> three = submit(coalescer, 3);
        awaitQueued(coalescer, 1);

        assertThat(batches).containsExactly(List.of(1), List.of(2));
        gates.get(2).countDown();
        assertThat(two.get(1, TimeUnit.MINUTES)).isEqualTo(20);
        assertThat(three.get(1, TimeUnit.MINUTES)).isEqualTo(30);
        gates.get(1).countDown();
        assertThat(one.get(1, TimeUnit.MINUTES)).isEqualTo(10);
        assertThat(batches).containsExactly(List.of(1), List.of(2), List.of(3));
    }

    @Test
    void a_failed_statement_fails_every_call_of_its_batch_and_the_lane_goes_on() throws Exception {
        IllegalStateException failure = new IllegalStateException("statement failed");
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        Coalescer<String, Integer, Integer> coalescer = new Coalescer<>(
                (key, requests) -> {
                    batches.add(List.copyOf(requests));
                    if (requests.get(0) == 1) {
                        running.countDown();
                        try {
                            gate.await(1, TimeUnit.MINUTES);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return List.of(10);
                    }
                    if (requests.contains(3)) {
                        throw failure;
                    }
                    return requests.stream().map(r -> r * 10).toList();
                },
                32,
                1);
        Future<Integer> first = submit(coalescer, 1);
        running.await(1, TimeUnit.MINUTES);
        Future<Integer> two = submit(coalescer, 2);
        awaitQueued(coalescer, 1);
        Future<Integer> three = submit(coalescer, 3);
        awaitQueued(coalescer, 2);
        gate.countDown();

        assertThat(first.get(1, TimeUnit.MINUTES)).isEqualTo(10);
        for (Future<Integer> failed : List.of(two, three)) {
            assertThatThrownBy(() -> failed.get(1, TimeUnit.MINUTES)).hasCause(failure);
        }
        assertThat(coalescer.submit("lane", 4)).isEqualTo(40);
        assertThat(batches).containsExactly(List.of(1), List.of(2, 3), List.of(4));
    }

    @Test
    void an_idle_lane_is_dropped_so_that_many_keys_do_not_pile_up() {
        Coalescer<String, Integer, Integer> coalescer = new Coalescer<>(this::run, 32, 1);
        for (int i = 0; i < 1_000; i++) {
            assertThat(coalescer.submit("key-" + i, i)).isEqualTo(i * 10);
        }
        assertThat(coalescer.lanes()).isZero();
    }

    @Test
    void refuses_a_batch_size_or_parallelism_below_one() {
        assertThatThrownBy(() -> new Coalescer<String, Integer, Integer>(this::run, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatch must be at least 1, was 0");
        assertThatThrownBy(() -> new Coalescer<String, Integer, Integer>(this::run, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism must be at least 1, was 0");
    }
}
