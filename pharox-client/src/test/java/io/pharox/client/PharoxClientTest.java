package io.pharox.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.client.wire.AcquireBody;
import io.pharox.client.wire.WireJson;
import io.pharox.filter.ProxyFilters;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.StickySession;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client's parts that need no server: its request body and its argument checks. */
class PharoxClientTest {

    @Test
    void theRequestCarriesTheDefaultsAndTheWait() throws Exception {
        try (PharoxClient client = PharoxClient.builder(URI.create("http://127.0.0.1:1/"), "pharox_key")
                .defaultConsumer("crawler")
                .defaultTtl(Duration.ofSeconds(90))
                .defaultStrategy(SelectorStrategy.ROUND_ROBIN)
                .build()) {
            AcquireRequest request =
                    client.request("alpha").filter(ProxyFilters.country("DE")).build();
            AcquireBody body = PharoxClient.body(request, Duration.ofSeconds(5));
            assertThat(WireJson.mapper().writeValueAsString(body))
                    .isEqualTo("{\"consumer\":\"crawler\",\"filter\":{\"country\":\"DE\"},\"strategy\":\"ROUND_ROBIN\","
                            + "\"ttl\":\"PT1M30S\",\"wait\":\"PT5S\"}");
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() ->
                        PharoxClient.builder(URI.create("ftp://host/"), "k").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://host/");
        assertThatThrownBy(() ->
                        PharoxClient.builder(URI.create("http://host/"), " ").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        PharoxClient.builder(URI.create("http://host/"), "k").defaultTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        AcquireRequest custom = AcquireRequest.forPool("alpha")
                .session(new StickySession(
                        "s1",
                        Duration.ofMinutes(1),
                        java.util.OptionalInt.of(3),
                        io.pharox.storage.SessionFallback.REBIND))
                .build();
        assertThatThrownBy(() -> PharoxClient.body(custom, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s1");
    }

    @Test
    void anUnreachableServerIsAClientException() {
        try (PharoxClient client = PharoxClient.builder(URI.create("http://127.0.0.1:1"), "pharox_key")
                .connectTimeout(Duration.ofSeconds(2))
                .build()) {
            assertThatThrownBy(() -> client.acquire("alpha"))
                    .isInstanceOfSatisfying(
                            PharoxClientException.class,
                            e -> assertThat(e.status()).isZero());
        }
    }
}
