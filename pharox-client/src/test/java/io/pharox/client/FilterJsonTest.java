package io.pharox.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.ProxyProtocol;
import org.junit.jupiter.api.Test;

class FilterJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyClauseTypeGoesThereAndBack() {
        ProxyFilter filter = ProxyFilters.allOf(
                ProxyFilters.country("de"),
                ProxyFilters.anyOf(ProxyFilters.city("Berlin"), ProxyFilters.source("list-a"), ProxyFilters.isp("ISP")),
                ProxyFilters.noneOf(ProxyFilters.asn(3320), ProxyFilters.protocol(ProxyProtocol.SOCKS4)),
                ProxyFilters.within(52.5, 13.4, 50));
        JsonNode written = FilterJson.toJson(filter);
        assertThat(written.toString())
                .isEqualTo("{\"allOf\":[{\"country\":\"DE\"},{\"anyOf\":[{\"city\":\"Berlin\"},{\"source\":\"list-a\"},"
                        + "{\"isp\":\"ISP\"}]},{\"noneOf\":[{\"asn\":3320},{\"protocol\":\"SOCKS4\"}]},"
                        + "{\"geoRadius\":{\"latitude\":52.5,\"longitude\":13.4,\"radiusKm\":50.0}}]}");
        assertThat(FilterJson.fromJson(written)).isEqualTo(filter);
        assertThat(FilterJson.fromJson(FilterJson.toJson(ProxyFilters.matchAll())))
                .isEqualTo(ProxyFilters.matchAll());
    }

    @Test
    void aJavaPredicateHasNoJsonForm() {
        assertThatThrownBy(() -> FilterJson.toJson(
                        ProxyFilters.allOf(ProxyFilters.matching("even port", p -> p.port() % 2 == 0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("even port");
    }

    @Test
    void badJsonIsRefusedNamingTheClause() throws Exception {
        assertThatThrownBy(
                        () -> FilterJson.fromJson(json.readTree("{\"allOf\":[{\"country\":\"DE\"},{\"colour\":1}]}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colour")
                .hasMessageContaining("$.allOf[1]");
        assertThatThrownBy(() -> FilterJson.fromJson(json.readTree("{\"country\":\"DE\",\"city\":\"X\"}")))
                .hasMessageContaining("exactly one field");
        assertThatThrownBy(() -> FilterJson.fromJson(json.readTree("{\"asn\":\"many\"}")))
                .hasMessageContaining("$.asn");
        assertThatThrownBy(() -> FilterJson.fromJson(json.readTree("{\"anyOf\":{}}")))
                .hasMessageContaining("expected an array");
        assertThatThrownBy(() -> FilterJson.fromJson(json.readTree("{\"geoRadius\":{\"latitude\":1,\"longitude\":2}}")))
                .hasMessageContaining("radiusKm");
        assertThatThrownBy(() -> FilterJson.fromJson(
                        json.readTree("{\"geoRadius\":{\"latitude\":1,\"longitude\":2,\"radiusKm\":-1}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("$.geoRadius");
        assertThatThrownBy(() -> FilterJson.fromJson(json.readTree("[]"))).hasMessageContaining("at $");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() throws Exception {
        String deep = "{\"allOf\":[".repeat(ProxyFilter.MAX_DEPTH + 1) + "{\"country\":\"DE\"}"
                + "]}".repeat(ProxyFilter.MAX_DEPTH + 1);
        assertThatThrownBy(() -> FilterJson.fromJson(json.readTree(deep)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(ProxyFilter.MAX_DEPTH));
    }
}
