package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.Consumer;
import io.pharox.model.LeasedProxy;
import io.pharox.model.ProxyPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

abstract class ConsumersContract extends ContractGroup {

    ConsumersContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void a_consumer_is_created_once_and_found_again() {
        String name = uniqueName("crawler");
        Consumer first = storage().ensureConsumer(name);
        Consumer second = storage().ensureConsumer(name);

        assertThat(first.name()).isEqualTo(name);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void distinct_names_are_distinct_consumers() {
        Consumer a = storage().ensureConsumer(uniqueName("a"));
        Consumer b = storage().ensureConsumer(uniqueName("b"));

        assertThat(a.id()).isNotEqualTo(b.id());
    }

    @Test
    void acquiring_creates_the_consumer_on_first_use() {
        ProxyPool pool = seedPool();
        seedProxy(pool);
        String name = uniqueName("first-use");

        LeasedProxy leased =
                storage().acquire(request(pool).consumer(name).build()).orElseThrow();

        assertThat(leased.lease().consumerId())
                .isEqualTo(storage().ensureConsumer(name).id());
    }

    @Test
    void concurrent_first_uses_of_a_name_agree_on_one_consumer() throws Exception {
        String name = uniqueName("racing");
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Consumer>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(CompletableFuture.supplyAsync(
                        () -> {
                            await(start);
                            return storage().ensureConsumer(name);
                        },
                        executor));
            }
            start.countDown();
            List<Consumer> consumers = new ArrayList<>();
            for (CompletableFuture<Consumer> result : results) {
                consumers.add(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(consumers).allSatisfy(c -> assertThat(c).isEqualTo(consumers.get(0)));
        } finally {
            executor.shutdownNow();
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
