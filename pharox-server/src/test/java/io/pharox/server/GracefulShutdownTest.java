package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.client.PharoxClient;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stopping the server lets a request in flight, here a waiting acquire, finish. */
class GracefulShutdownTest {

    @Test
    void aWaitingAcquireInFlightCompletesWhileTheServerStops() throws Exception {
        try (TestServer fixture = TestServer.start("server_stop", 10, b -> b.stopTimeout(Duration.ofSeconds(60)))) {
            ProxyPool pool = fixture.storage.createPool("alpha", "");
            fixture.storage.addProxy(Proxy.builder()
                    .poolId(pool.id())
                    .address("203.0.113.1", 3128)
                    .build());
            LeasedProxy held = fixture.manager.acquire("alpha").orElseThrow();

            try (PharoxClient client = PharoxClient.builder(fixture.uri(), fixture.consumerKey)
                    .maxServerWait(Duration.ofSeconds(30))
                    .requestTimeout(Duration.ofSeconds(60))
                    .build()) {
                CompletableFuture<Optional<LeasedProxy>> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.acquire(client.request("alpha").build(), Duration.ofSeconds(30));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                awaitInFlight(fixture.server, 1);

                java.net.URI health = fixture.uri().resolve("/health");
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(fixture.server::stop);
                awaitRefused(health);
                assertThat(waiting).isNotDone();
                assertThat(stopping).isNotDone();

                fixture.manager.release(held);
                LeasedProxy got = waiting.get(60, TimeUnit.SECONDS).orElseThrow();
                assertThat(got.proxy().address()).isEqualTo("203.0.113.1:3128");
                stopping.get(60, TimeUnit.SECONDS);
                assertThat(fixture.storage.findLease(got.lease().id())).isPresent();
            }
        }
    }

    private static void awaitInFlight(PharoxServer server, int requests) throws InterruptedException {
        for (int i = 0; i < 1000 && server.requestsInFlight() < requests; i++) {
            Thread.sleep(10);
        }
        assertThat(server.requestsInFlight()).isEqualTo(requests);
    }

    /** Waits until a new request is refused: no connection, or 503 from the draining server. */
    private static void awaitRefused(java.net.URI health) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 1000; i++) {
            try {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 503) {
                    return;
                }
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the stopping server still takes new requests");
    }
}
