package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.health.HealthCheckOptions;
import io.pharox.health.HealthChecker;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API with raw requests against a real server on PostgreSQL: every answer is checked
 * against the OpenAPI document (documented status, required fields, no password, no internals),
 * and every operation of the document must have succeeded once by the end.
 */
class HttpApiTest {

    static final OpenApiDocument DOC = OpenApiDocument.load();
    static TestServer fixture;
    static ApiCalls api;
    static String admin;
    static String consumer;

    static final Map<String, String> ALPHA = Map.of("pool", "alpha");

    @BeforeAll
    static void start() {
        fixture = TestServer.start(
                "server_http",
                20,
                b -> b.maxWait(Duration.ofSeconds(2))
                        .healthChecker(new HealthChecker(HealthCheckOptions.builder("http://127.0.0.1:9/")
                                .connectTimeout(Duration.ofSeconds(2))
                                .readTimeout(Duration.ofSeconds(2))
                                .build())));
        api = new ApiCalls(fixture.uri(), DOC);
        admin = fixture.adminKey;
        consumer = fixture.consumerKey;
        assertThat(api.call("POST", "/v1/pools", Map.of(), admin, "{\"name\":\"alpha\",\"description\":\"http\"}")
                        .status())
                .isEqualTo(201);
        assertThat(api.call(
                                "POST",
                                "/v1/pools/{pool}/proxies",
                                ALPHA,
                                admin,
                                "{\"proxies\":[{\"url\":\"socks5://alice:" + ApiCalls.PASSWORD
                                        + "@203.0.113.7:1080\",\"country\":\"DE\",\"maxConcurrency\":1},"
                                        + "{\"url\":\"http://203.0.113.8:8080\",\"country\":\"FR\"}]}")
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void theRoutesServedAreTheRoutesDocumented() {
        Set<String> served = fixture.server.routes().stream()
                .map(r -> r.method() + " " + r.path())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(served).isEqualTo(DOC.operations());
    }

    @Test
    void healthAndTheDocumentNeedNoKey() {
        ApiCalls.Answer health = api.call("GET", "/health", Map.of(), null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text()).isEqualTo("{\"status\":\"UP\"}");
        ApiCalls.Answer doc = api.call("GET", "/openapi.json", Map.of(), null, null);
        assertThat(doc.json().path("openapi").asText()).startsWith("3.");
    }

    @Nested
    class Keys {
        @Test
        void aMissingOrUnknownKeyGets401WithTheSameBody() {
            ApiCalls.Answer missing = api.call("GET", "/v1/pools", Map.of(), null, null);
            ApiCalls.Answer unknown = api.call("GET", "/v1/pools", Map.of(), "pharox_wrong", null);
            assertThat(missing.status()).isEqualTo(401);
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.text()).isEqualTo(missing.text());
            assertThat(missing.json().path("error").asText()).isEqualTo("unauthorized");
            // no key, no route list either
            ApiCalls.Answer acquire = api.call("POST", "/v1/pools/{pool}/leases", ALPHA, null, "{}");
            assertThat(acquire.text()).isEqualTo(missing.text());
        }

        @Test
        void aConsumerKeyOnAnAdminRouteGets403() {
            ApiCalls.Answer answer = api.call("GET", "/v1/pools/{pool}/proxies", ALPHA, consumer, null);
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.json().path("error").asText()).isEqualTo("forbidden");
            assertThat(api.call("POST", "/v1/pools", Map.of(), consumer, "{\"name\":\"mine\"}")
                            .status())
                    .isEqualTo(403);
            assertThat(fixture.storage.findPool("mine")).isEmpty();
        }

        @Test
        void aPoolOutsideTheKeysScopeGets403WhetherOrNotItExists() {
            fixture.storage.createPool("hidden", "");
            ApiCalls.Answer existing =
                    api.call("POST", "/v1/pools/{pool}/leases", Map.of("pool", "hidden"), consumer, "{}");
            ApiCalls.Answer missing =
                    api.call("POST", "/v1/pools/{pool}/leases", Map.of("pool", "nowhere"), consumer, "{}");
            assertThat(existing.status()).isEqualTo(403);
            assertThat(missing.status()).isEqualTo(403);
            assertThat(existing.json().path("error").asText()).isEqualTo("forbidden");
            ApiCalls.Answer pools = api.call("GET", "/v1/pools", Map.of(), consumer, null);
            assertThat(pools.json().findValuesAsText("name")).contains("alpha").doesNotContain("hidden");
        }

        @Test
        void aLeaseOfAPoolOutsideTheKeysScopeCannotBeReleasedOrRenewed() {
            io.pharox.model.ProxyPool pool = fixture.storage.createPool("secret-pool", "");
            fixture.storage.addProxy(io.pharox.model.Proxy.builder()
                    .poolId(pool.id())
                    .address("198.51.100.50", 3128)
                    .build());
            String lease = fixture.manager
                    .acquire("secret-pool")
                    .orElseThrow()
                    .lease()
                    .id()
                    .toString();
            ApiCalls.Answer release = api.call("POST", "/v1/leases/{id}/release", Map.of("id", lease), consumer, null);
            assertThat(release.status()).isEqualTo(403);
            assertThat(api.call("POST", "/v1/leases/{id}/renew", Map.of("id", lease), consumer, "{\"ttl\":\"PT1M\"}")
                            .status())
                    .isEqualTo(403);
            assertThat(fixture.storage.activeLeasesInPool("secret-pool")).hasSize(1);
        }
    }

    @Nested
    class BadRequests {
        @Test
        void badJsonGets400() {
            ApiCalls.Answer answer = api.call("POST", "/v1/pools/{pool}/leases", ALPHA, consumer, "{\"ttl\":");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().path("error").asText()).isEqualTo("bad_json");
            ApiCalls.Answer unknownField =
                    api.call("POST", "/v1/pools/{pool}/leases", ALPHA, consumer, "{\"tll\":\"PT1M\"}");
            assertThat(unknownField.json().path("error").asText()).isEqualTo("bad_json");
            assertThat(unknownField.json().path("message").asText()).contains("tll");
            ApiCalls.Answer badTtl = api.call("POST", "/v1/pools/{pool}/leases", ALPHA, consumer, "{\"ttl\":\"soon\"}");
            assertThat(badTtl.status()).isEqualTo(400);
        }

        @Test
        void anUnknownPoolGets404() {
            ApiCalls.Answer answer =
                    api.call("POST", "/v1/pools/{pool}/leases", Map.of("pool", "nowhere"), admin, "{}");
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.json().path("error").asText()).isEqualTo("pool_not_found");
            assertThat(answer.json().path("pool").asText()).isEqualTo("nowhere");
            assertThat(api.call("GET", "/v1/pools/{pool}/stats", Map.of("pool", "nowhere"), admin, null)
                            .status())
                    .isEqualTo(404);
        }

        @Test
        void aBadFilterGets400NamingTheClause() {
            ApiCalls.Answer unknown = api.call(
                    "POST",
                    "/v1/pools/{pool}/leases",
                    ALPHA,
                    consumer,
                    "{\"filter\":{\"allOf\":[{\"colour\":\"red\"}]}}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().path("error").asText()).isEqualTo("bad_filter");
            assertThat(unknown.json().path("message").asText())
                    .contains("colour")
                    .contains("$.allOf[0]");
            ApiCalls.Answer twoFields = api.call(
                    "POST",
                    "/v1/pools/{pool}/leases",
                    ALPHA,
                    consumer,
                    "{\"filter\":{\"country\":\"DE\",\"city\":\"Berlin\"}}");
            assertThat(twoFields.json().path("error").asText()).isEqualTo("bad_filter");
            ApiCalls.Answer protocol = api.call(
                    "POST", "/v1/pools/{pool}/leases", ALPHA, consumer, "{\"filter\":{\"protocol\":\"gopher\"}}");
            assertThat(protocol.json().path("error").asText()).isEqualTo("bad_filter");
        }

        @Test
        void badValuesGet400() {
            assertThat(api.call("POST", "/v1/pools/{pool}/leases", ALPHA, consumer, "{\"strategy\":\"BEST\"}")
                            .json()
                            .path("error")
                            .asText())
                    .isEqualTo("bad_request");
            assertThat(api.call("POST", "/v1/pools/{pool}/leases", ALPHA, consumer, "{\"ttl\":\"P400D\"}")
                            .status())
                    .isEqualTo(400);
            assertThat(api.call("POST", "/v1/pools/{pool}/leases", ALPHA, consumer, "{\"wait\":\"PT1H\"}")
                            .json()
                            .path("message")
                            .asText())
                    .contains("PT2S");
            assertThat(api.call("POST", "/v1/leases/{id}/release", Map.of("id", "not-a-uuid"), consumer, null)
                            .status())
                    .isEqualTo(400);
        }

        @Test
        void aBadProxyInAnImportIsNamedByItsIndexAndNothingIsAdded() {
            int before = fixture.storage.listProxies("alpha").size();
            ApiCalls.Answer answer = api.call(
                    "POST",
                    "/v1/pools/{pool}/proxies",
                    ALPHA,
                    admin,
                    "{\"proxies\":[{\"url\":\"http://198.51.100.1:80\"},{\"url\":\"http://u:" + ApiCalls.PASSWORD
                            + "@198.51.100.2:99999\"}]}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().path("error").asText()).isEqualTo("bad_proxy");
            assertThat(answer.json().path("index").asInt()).isEqualTo(1);
            assertThat(fixture.storage.listProxies("alpha")).hasSize(before);
        }

        @Test
        void anUnknownRouteGets404OnlyWithAKey() {
            assertThat(api.call("GET", "/health", Map.of(), null, null).status())
                    .isEqualTo(200);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            try {
                var withKey = http.send(
                        java.net.http.HttpRequest.newBuilder(fixture.uri().resolve("/v1/nothing"))
                                .header("Authorization", "Bearer " + admin)
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                var without = http.send(
                        java.net.http.HttpRequest.newBuilder(fixture.uri().resolve("/v1/nothing"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(withKey.statusCode()).isEqualTo(404);
                assertThat(withKey.body()).contains("not_found");
                assertThat(without.statusCode()).isEqualTo(401);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theLeaseLifecycle() {
        ApiCalls.Answer granted = api.call(
                "POST",
                "/v1/pools/{pool}/leases",
                ALPHA,
                consumer,
                "{\"consumer\":\"http-test\",\"ttl\":\"PT1M\",\"filter\":{\"country\":\"DE\"}}");
        assertThat(granted.status()).isEqualTo(201);
        assertThat(granted.json().path("proxy").path("password").asText()).isEqualTo(ApiCalls.PASSWORD);
        String id = granted.json().path("lease").path("id").asText();
        Map<String, String> lease = Map.of("id", id);

        ApiCalls.Answer none = api.call(
                "POST",
                "/v1/pools/{pool}/leases",
                ALPHA,
                consumer,
                "{\"filter\":{\"country\":\"DE\"},\"wait\":\"PT0.2S\"}");
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.json().path("error").asText()).isEqualTo("no_proxy_available");

        assertThat(api.call("GET", "/v1/leases", Map.of(), "?pool=alpha", admin, null)
                        .json()
                        .toString())
                .contains(id);
        assertThat(api.call("GET", "/v1/leases", Map.of(), "", admin, null).status())
                .isEqualTo(400);

        ApiCalls.Answer renewed = api.call("POST", "/v1/leases/{id}/renew", lease, consumer, "{\"ttl\":\"PT10M\"}");
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(renewed.json().path("status").asText()).isEqualTo("ACTIVE");

        assertThat(api.call("POST", "/v1/leases/{id}/release", lease, consumer, null)
                        .json()
                        .path("released")
                        .asBoolean())
                .isTrue();
        assertThat(api.call("POST", "/v1/leases/{id}/release", lease, consumer, null)
                        .json()
                        .path("released")
                        .asBoolean())
                .isFalse();
        ApiCalls.Answer notActive = api.call("POST", "/v1/leases/{id}/renew", lease, consumer, "{\"ttl\":\"PT1M\"}");
        assertThat(notActive.status()).isEqualTo(409);
        assertThat(notActive.json().path("leaseStatus").asText()).isEqualTo("RELEASED");
        ApiCalls.Answer unknown = api.call(
                "POST",
                "/v1/leases/{id}/release",
                Map.of("id", java.util.UUID.randomUUID().toString()),
                consumer,
                null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").asText()).isEqualTo("lease_not_found");

        ApiCalls.Answer stats = api.call("GET", "/v1/pools/{pool}/stats", ALPHA, consumer, null);
        assertThat(stats.json().path("activeLeases").asInt()).isZero();
    }

    @Test
    void adminRoutesOnAPoolOfItsOwn() {
        Map<String, String> pool = Map.of("pool", "admin-http");
        assertThat(api.call("POST", "/v1/pools", Map.of(), admin, "{\"name\":\"admin-http\"}")
                        .status())
                .isEqualTo(201);
        assertThat(api.call("POST", "/v1/pools", Map.of(), admin, "{\"name\":\"admin-http\"}")
                        .json()
                        .path("error")
                        .asText())
                .isEqualTo("pool_exists");
        ApiCalls.Answer added = api.call(
                "POST",
                "/v1/pools/{pool}/proxies",
                pool,
                admin,
                "{\"proxies\":[{\"url\":\"http://127.0.0.1:1\"},{\"url\":\"http://127.0.0.1:2\",\"status\":\"INACTIVE\"}]}");
        assertThat(added.json().path("added").asInt()).isEqualTo(2);
        String first = added.json().path("proxies").get(0).path("id").asText();
        String second = added.json().path("proxies").get(1).path("id").asText();
        ApiCalls.Answer again = api.call(
                "POST", "/v1/pools/{pool}/proxies", pool, admin, "{\"proxies\":[{\"url\":\"http://127.0.0.1:1\"}]}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("error").asText()).isEqualTo("proxy_exists");
        assertThat(again.json().path("index").asInt()).isZero();

        assertThat(api.call("GET", "/v1/pools/{pool}/proxies", pool, admin, null)
                        .json()
                        .path("proxies")
                        .size())
                .isEqualTo(2);
        assertThat(api.call("GET", "/v1/pools/{pool}/available", pool, "?limit=5", admin, null)
                        .json()
                        .findValuesAsText("id"))
                .containsExactly(first);
        assertThat(api.call("GET", "/v1/pools/{pool}/available", pool, "?limit=0", admin, null)
                        .status())
                .isEqualTo(400);
        ApiCalls.Answer checked = api.call("POST", "/v1/pools/{pool}/health-checks", pool, admin, null);
        assertThat(checked.status()).isEqualTo(200);
        assertThat(checked.json().path("checked").asInt()).isEqualTo(2);
        assertThat(checked.json().path("byStatus").path("UNREACHABLE").asInt()).isEqualTo(2);
        assertThat(checked.json().path("removedFromRotation").toString()).contains(first);

        ApiCalls.Answer patched =
                api.call("PATCH", "/v1/proxies/{id}", Map.of("id", second), admin, "{\"status\":\"ACTIVE\"}");
        assertThat(patched.json().path("status").asText()).isEqualTo("ACTIVE");
        assertThat(api.call("PATCH", "/v1/proxies/{id}", Map.of("id", second), admin, "{\"status\":\"GONE\"}")
                        .status())
                .isEqualTo(400);

        ApiCalls.Answer leased =
                api.call("POST", "/v1/pools/{pool}/leases", pool, admin, "{\"consumer\":\"admin-http\"}");
        assertThat(leased.json().path("proxy").path("id").asText()).isEqualTo(second);
        String leaseId = leased.json().path("lease").path("id").asText();
        ApiCalls.Answer inUse = api.call("DELETE", "/v1/pools/{pool}", pool, admin, null);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.json().path("error").asText()).isEqualTo("pool_in_use");
        assertThat(api.call("GET", "/v1/leases", Map.of(), "?consumer=admin-http", admin, null)
                        .json()
                        .toString())
                .contains(leaseId);

        ApiCalls.Answer deleted = api.call("DELETE", "/v1/proxies/{id}", Map.of("id", first), admin, null);
        assertThat(deleted.json().path("deleted").asBoolean())
                .as(deleted.text())
                .isTrue();
        assertThat(api.call("DELETE", "/v1/proxies/{id}", Map.of("id", first), admin, null)
                        .status())
                .isEqualTo(404);
        assertThat(api.call("DELETE", "/v1/pools/{pool}", pool, "?force=true", admin, null)
                        .status())
                .isEqualTo(200);
        assertThat(fixture.storage.findPool("admin-http")).isEmpty();
        assertThat(api.call("POST", "/v1/leases/{id}/release", Map.of("id", leaseId), admin, null)
                        .status())
                .isEqualTo(404);
    }

    @AfterAll
    static void everyOperationSucceededOnce() {
        // runs before stop(): JUnit calls @AfterAll methods of a class in declaration order? Not
        // guaranteed, so the check needs no server.
        Set<String> expected = new TreeSet<>(DOC.operations());
        assertThat(api.succeeded).as("operations answered 2xx").isEqualTo(expected);
    }
}
