package io.pharox.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The endpoint serves the registry's scrape over HTTP, on {@code /metrics} only. */
class MetricsEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_get_of_metrics_answers_the_scrape_in_the_prometheus_text_format() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("pharox.test.scrapes")
                .tag("pool", "residential")
                .register(registry)
                .increment(3);

        try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, 0)) {
            HttpResponse<String> response = get(endpoint.port(), "/metrics");
            HttpResponse<String> elsewhere = get(endpoint.port(), "/admin");

            assertThat(endpoint.port()).isPositive();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body()).contains("pharox_test_scrapes_total{pool=\"residential\"} 3");
            assertThat(elsewhere.statusCode()).isEqualTo(404);
        }
    }
}
