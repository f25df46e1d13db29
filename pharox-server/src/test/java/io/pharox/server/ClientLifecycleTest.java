package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.ProxyLeasing;
import io.pharox.client.PharoxAdminClient;
import io.pharox.client.PharoxClient;
import io.pharox.client.PharoxClientException;
import io.pharox.client.wire.ProxyImport;
import io.pharox.client.wire.ProxyJson;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.storage.AcquireRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java client against a real server on PostgreSQL: the lease lifecycle and the admin calls. */
class ClientLifecycleTest {

    static TestServer fixture;
    static PharoxAdminClient admin;

    @BeforeAll
    static void start() {
        fixture = TestServer.start("server_client");
        admin = new PharoxAdminClient(fixture.uri(), fixture.adminKey);
        admin.createPool("alpha", "lifecycle");
        admin.importProxies(
                "alpha",
                List.of(
                        new ProxyImport(
                                "socks5://alice:s3cret@203.0.113.7:1080",
                                1,
                                "DE",
                                "Berlin",
                                "list-a",
                                null,
                                3320L,
                                null,
                                null,
                                null),
                        new ProxyImport(
                                "http://203.0.113.8:8080", 1, "FR", null, "list-a", null, null, null, null, null)));
    }

    @AfterAll
    static void stop() {
        admin.close();
        fixture.close();
    }

    private static PharoxClient client(String key) {
        return PharoxClient.builder(fixture.uri(), key)
                .defaultConsumer("crawler-1")
                .defaultTtl(Duration.ofMinutes(1))
                .build();
    }

    @Test
    void acquireRenewReleaseWithTheProxysCredentials() {
        try (PharoxClient client = client(fixture.consumerKey)) {
            ProxyLeasing leasing = client;
            LeasedProxy leased = leasing.acquire(leasing.request("alpha")
                            .filter(ProxyFilters.allOf(
                                    ProxyFilters.country("DE"), ProxyFilters.protocol(ProxyProtocol.SOCKS5)))
                            .build())
                    .orElseThrow();
            assertThat(leased.proxy().host()).isEqualTo("203.0.113.7");
            assertThat(leased.proxy().credentials().orElseThrow().password()).isEqualTo("s3cret");
            assertThat(leased.lease().status()).isEqualTo(LeaseStatus.ACTIVE);
            assertThat(fixture.storage.findLease(leased.lease().id())).isPresent();

            Lease renewed = leasing.renew(leased.lease(), Duration.ofMinutes(10));
            assertThat(renewed.expiresAt()).isAfter(leased.lease().expiresAt());

            assertThat(leasing.release(leased)).isTrue();
            assertThat(leasing.release(leased)).isFalse();
            assertThatThrownBy(() -> leasing.renew(leased.lease(), Duration.ofMinutes(1)))
                    .isInstanceOf(LeaseNotActiveException.class);
        }
    }

    @Test
    void errorsArriveAsTheInterfacesExceptions() {
        try (PharoxClient client = client(fixture.adminKey)) {
            assertThatThrownBy(() -> client.acquire("nowhere"))
                    .isInstanceOf(PoolNotFoundException.class)
                    .hasMessageContaining("nowhere");
            LeasedProxy leased = client.acquire("alpha").orElseThrow();
            client.release(leased);
            Lease unknown = new Lease(
                    UUID.randomUUID(),
                    leased.lease().poolId(),
                    leased.lease().proxyId(),
                    leased.lease().consumerId(),
                    LeaseStatus.ACTIVE,
                    leased.lease().acquiredAt(),
                    leased.lease().expiresAt(),
                    null);
            assertThatThrownBy(() -> client.release(unknown)).isInstanceOf(LeaseNotFoundException.class);
            assertThatThrownBy(() -> client.acquire(client.request("alpha")
                            .filter(ProxyFilters.matching("odd port", p -> p.port() % 2 == 1))
                            .build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("odd port");
        }
    }

    @Test
    void aRefusedKeyIsAClientException() {
        try (PharoxClient wrong = client("pharox_not-a-key")) {
            assertThatThrownBy(() -> wrong.acquire("alpha")).isInstanceOfSatisfying(PharoxClientException.class, e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.code()).isEqualTo("unauthorized");
            });
        }
        try (PharoxAdminClient consumerAsAdmin = new PharoxAdminClient(fixture.uri(), fixture.consumerKey)) {
            assertThatThrownBy(() -> consumerAsAdmin.proxies("alpha"))
                    .isInstanceOfSatisfying(
                            PharoxClientException.class,
                            e -> assertThat(e.status()).isEqualTo(403));
            assertThat(consumerAsAdmin.pools()).extracting(p -> p.name()).containsExactly("alpha");
        }
    }

    @Test
    void withLeaseReleasesAndAnExhaustedPoolGivesEmpty() {
        admin.createPool("solo", "one proxy");
        admin.importProxies("solo", List.of(ProxyImport.of("http://203.0.113.9:3128")));
        try (PharoxClient client = client(fixture.adminKey)) {
            Optional<String> host = client.withLease(
                    client.request("solo").build(), leased -> leased.proxy().host());
            assertThat(host).contains("203.0.113.9");
            assertThat(fixture.storage.activeLeasesInPool("solo")).isEmpty();

            LeasedProxy held = client.acquire("solo").orElseThrow();
            assertThat(client.acquire("solo")).isEmpty();
            client.release(held);
        }
    }

    @Test
    void aWaitingAcquireGetsTheProxyReleasedMeanwhile() throws Exception {
        admin.createPool("waiting", "one proxy");
        admin.importProxies("waiting", List.of(ProxyImport.of("http://203.0.113.10:3128")));
        try (PharoxClient client = PharoxClient.builder(fixture.uri(), fixture.adminKey)
                .maxServerWait(Duration.ofSeconds(2))
                .build()) {
            LeasedProxy held = client.acquire("waiting").orElseThrow();
            CompletableFuture<Optional<LeasedProxy>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.acquire(client.request("waiting").build(), Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The waiter asks in rounds of 2 s; the release comes while one is open or between two.
            Thread.sleep(300);
            client.release(held);
            LeasedProxy got = waiting.get(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(got.proxy().id()).isEqualTo(held.proxy().id());
            assertThat(got.lease().id()).isNotEqualTo(held.lease().id());
            client.release(got);
        }
    }

    @Test
    void adminCallsManagePoolsAndProxies() {
        admin.createPool("managed", "");
        List<ProxyJson> added = admin.importProxies(
                "managed", List.of(ProxyImport.of("http://u:pw@198.51.100.1:80"), ProxyImport.of("198.51.100.2:81")));
        assertThat(added).hasSize(2);
        assertThat(added.get(0).hasCredentials()).isTrue();
        assertThat(added.get(0).password()).isNull();
        assertThat(added.get(0).url()).isEqualTo("http://198.51.100.1:80");

        assertThatThrownBy(() -> admin.importProxies(
                        "managed", List.of(ProxyImport.of("http://198.51.100.3:80"), ProxyImport.of("bad url:99999"))))
                .isInstanceOfSatisfying(
                        ProxyBatchException.class, e -> assertThat(e.index()).isEqualTo(1));
        assertThat(admin.proxies("managed")).hasSize(2);

        ProxyJson inactive = admin.setStatus(added.get(1).id(), ProxyStatus.INACTIVE);
        assertThat(inactive.status()).isEqualTo("INACTIVE");
        assertThat(admin.stats("managed").proxiesByStatus())
                .containsEntry("INACTIVE", 1)
                .containsEntry("ACTIVE", 1);
        assertThat(admin.available("managed", 10))
                .extracting(ProxyJson::id)
                .containsExactly(added.get(0).id());

        try (PharoxClient client = client(fixture.adminKey)) {
            LeasedProxy leased = client.acquire("managed").orElseThrow();
            assertThat(admin.leasesInPool("managed"))
                    .extracting(l -> l.id())
                    .containsExactly(leased.lease().id());
            assertThat(admin.leasesOfConsumer("crawler-1"))
                    .extracting(l -> l.id())
                    .contains(leased.lease().id());
            assertThatThrownBy(() -> admin.deletePool("managed", false)).isInstanceOf(PoolInUseException.class);
            assertThat(admin.release(leased.lease().id())).isTrue();
        }
        assertThat(admin.deleteProxy(added.get(1).id())).isTrue();
        assertThat(admin.deletePool("managed", false)).isTrue();
        assertThat(fixture.storage.findPool("managed")).isEmpty();
        assertThat(admin.pools()).extracting(p -> p.name()).doesNotContain("managed");
    }

    @Test
    void anAcquireRepeatedWithItsIdempotencyKeyGetsTheSameLease() {
        admin.createPool("repeat", "");
        admin.importProxies(
                "repeat",
                List.of(ProxyImport.of("http://203.0.113.20:3128"), ProxyImport.of("http://203.0.113.21:3128")));
        try (PharoxClient client = client(fixture.adminKey)) {
            UUID key = UUID.randomUUID();
            AcquireRequest request =
                    client.request("repeat").idempotencyKey(key).build();
            LeasedProxy first = client.acquire(request).orElseThrow();
            LeasedProxy again = client.acquire(request).orElseThrow();
            assertThat(first.lease().id()).isEqualTo(key);
            assertThat(again.lease().id()).isEqualTo(key);
            assertThat(fixture.storage.activeLeasesInPool("repeat")).hasSize(1);
            client.release(first);
        }
    }

    @Test
    void healthChecksNeedAChecker() {
        assertThatThrownBy(() -> admin.checkHealth("alpha"))
                .isInstanceOfSatisfying(
                        PharoxClientException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(AcquireRequest.DEFAULT_TTL).isPositive();
    }
}
