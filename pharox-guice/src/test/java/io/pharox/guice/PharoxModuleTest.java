package io.pharox.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.event.AcquiredEvent;
import io.pharox.health.HealthCheckOptions;
import io.pharox.health.HealthChecker;
import io.pharox.health.HealthMonitor;
import io.pharox.health.PoolHealthReport;
import io.pharox.health.ProbeResult;
import io.pharox.health.ProxyProbe;
import io.pharox.model.HealthStatus;
import io.pharox.model.LeaseStatus;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What {@link PharoxModule} binds, on the in-memory adapter. */
class PharoxModuleTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void the_manager_carries_the_builder_settings() {
        Injector injector = Guice.createInjector(
                PharoxModule.builder()
                        .defaultConsumer("crawler-1")
                        .defaultTtl(Duration.ofSeconds(42))
                        .defaultStrategy(SelectorStrategy.LEAST_USED)
                        .waitPollInterval(Duration.ofMillis(5))
                        .build(),
                new InMemoryStorageModule());

        AcquireRequest request =
                injector.getInstance(ProxyManager.class).request("any").build();

        assertThat(request.consumerName()).isEqualTo("crawler-1");
        assertThat(request.ttl()).isEqualTo(Duration.ofSeconds(42));
        assertThat(request.strategy()).isEqualTo(SelectorStrategy.LEAST_USED);
    }

    @Test
    void the_defaults_are_those_of_the_plain_manager_builder() {
        Injector injector = Guice.createInjector(new PharoxModule(), new InMemoryStorageModule());

        AcquireRequest injected =
                injector.getInstance(ProxyManager.class).request("any").build();
        AcquireRequest plain = ProxyManager.of(injector.getInstance(ProxyStorage.class))
                .request("any")
                .build();

        assertThat(injected).isEqualTo(plain);
        assertThat(injector.getInstance(Clock.class)).isEqualTo(Clock.systemUTC());
    }

    @Test
    void the_builder_clock_is_bound_and_drives_the_in_memory_storage() {
        MutableClock clock = new MutableClock(T0);
        Injector injector =
                Guice.createInjector(PharoxModule.builder().clock(clock).build(), new InMemoryStorageModule());

        LeasedProxy leased = leaseOne(injector);

        assertThat(injector.getInstance(Clock.class)).isSameAs(clock);
        assertThat(leased.lease().acquiredAt()).isEqualTo(T0);
    }

    @Test
    void another_module_can_replace_the_clock() {
        MutableClock clock = new MutableClock(T0);
        Injector injector = Guice.createInjector(new PharoxModule(), new InMemoryStorageModule(), new AbstractModule() {
            @Override
            protected void configure() {
                PharoxModule.clockBinding(binder()).toInstance(clock);
            }
        });

        LeasedProxy leased = leaseOne(injector);
        clock.advance(Duration.ofMinutes(6));

        assertThat(leased.lease().acquiredAt()).isEqualTo(T0);
        assertThat(injector.getInstance(ProxyStorage.class)
                        .findLease(leased.lease().id())
                        .orElseThrow()
                        .status())
                .as("the default ttl of 5 minutes ran out on the replaced clock")
                .isEqualTo(LeaseStatus.EXPIRED);
    }

    @Test
    void listeners_bound_by_any_module_hear_the_manager() {
        List<String> heard = new CopyOnWriteArrayList<>();
        LeaseListener listener = new LeaseListener() {
            @Override
            public void onAcquired(AcquiredEvent event) {
                heard.add("acquired " + event.leased().proxy().address());
            }
        };
        Injector injector = Guice.createInjector(new PharoxModule(), new InMemoryStorageModule(), new AbstractModule() {
            @Override
            protected void configure() {
                PharoxModule.leaseListeners(binder()).addBinding().toInstance(listener);
            }
        });

        leaseOne(injector);

        assertThat(heard).containsExactly("acquired 192.0.2.1:3128");
    }

    @Test
    void a_user_class_gets_the_manager_injected() {
        Injector injector = Guice.createInjector(new PharoxModule(), new InMemoryStorageModule());
        leaseOne(injector);
        ProxyStorage storage = injector.getInstance(ProxyStorage.class);
        storage.addProxy(Proxy.builder()
                .poolId(storage.findPool("p").orElseThrow().id())
                .address("192.0.2.2", 3128)
                .country("DE")
                .build());

        assertThat(injector.getInstance(LeasingService.class).fetchThroughGermany("p"))
                .contains("192.0.2.2:3128");
    }

    @Test
    void without_a_storage_module_the_injector_names_the_missing_port() {
        assertThatThrownBy(() -> Guice.createInjector(new PharoxModule()).getInstance(ProxyManager.class))
                .hasMessageContaining(ProxyStorage.class.getName());
    }

    @Test
    void two_storage_modules_are_refused() {
        assertThatThrownBy(() -> Guice.createInjector(
                        new PharoxModule(), new InMemoryStorageModule(), new InMemoryStorageModule()))
                .isInstanceOf(CreationException.class)
                .hasMessageContaining(ProxyStorage.class.getName());
    }

    @Test
    void bad_settings_are_refused_with_the_value() {
        assertThatThrownBy(() -> PharoxModule.builder().defaultConsumer(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PharoxModule.builder().defaultTtl(Duration.ofSeconds(-3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-3S");
        assertThatThrownBy(() -> PharoxModule.builder().waitPollInterval(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT2M");
        assertThatThrownBy(() -> PharoxModule.builder().clock(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("clock");
        assertThatThrownBy(() -> new InMemoryStorageModule(Duration.ofHours(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1H");
    }

    @Test
    void a_lease_round_trips_through_the_in_memory_module() {
        Injector injector = Guice.createInjector(new PharoxModule(), new InMemoryStorageModule());

        Proxy leased = RoundTrip.leaseThrough(injector, "memory");

        assertThat(injector.getInstance(ProxyStorage.class).getClass().getSimpleName())
                .isEqualTo("InMemoryStorage");
        assertThat(leased.address()).isEqualTo("198.51.100.7:8080");
    }

    @Test
    void the_health_monitor_probes_through_the_bound_storage_and_takes_a_dead_proxy_out_of_rotation()
            throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free once closed: nothing listens there
        }
        HealthCheckOptions options = HealthCheckOptions.builder("http://127.0.0.1:9/")
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        Injector injector = Guice.createInjector(
                PharoxModule.builder().healthChecks(options).build(), new InMemoryStorageModule());
        ProxyStorage storage = injector.getInstance(ProxyStorage.class);
        ProxyPool pool = storage.createPool("checked", "");
        Proxy dead = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("127.0.0.1", closedPort)
                .build());

        PoolHealthReport report = injector.getInstance(HealthMonitor.class).checkPool("checked");

        assertThat(injector.getInstance(HealthChecker.class).options()).isSameAs(options);
        assertThat(injector.getInstance(HealthMonitor.class)).isSameAs(injector.getInstance(HealthMonitor.class));
        assertThat(report.count(HealthStatus.UNREACHABLE)).isEqualTo(1);
        assertThat(report.removedFromRotation()).containsExactly(dead.id());
        assertThat(storage.findProxy(dead.id()).orElseThrow().status()).isEqualTo(ProxyStatus.INACTIVE);
        assertThat(injector.getInstance(ProxyManager.class).acquire("checked")).isEmpty();
    }

    @Test
    void another_module_can_give_the_health_check_options() {
        HealthCheckOptions options =
                HealthCheckOptions.builder("https://example.org/").build();
        Injector injector = Guice.createInjector(new PharoxModule(), new InMemoryStorageModule(), new AbstractModule() {
            @Override
            protected void configure() {
                PharoxModule.healthCheckOptionsBinding(binder()).toInstance(options);
            }
        });

        assertThat(injector.getInstance(HealthChecker.class).options()).isSameAs(options);
    }

    @Test
    void a_module_can_replace_the_built_in_probe_of_a_protocol() {
        ProxyProbe maintenance =
                (proxy, options) -> ProbeResult.failed(HealthStatus.UNEXPECTED_RESPONSE, "in a maintenance window");
        Injector injector = Guice.createInjector(
                PharoxModule.builder()
                        .healthChecks(HealthCheckOptions.builder("http://127.0.0.1:9/")
                                .build())
                        .build(),
                new InMemoryStorageModule(),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        PharoxModule.healthProbes(binder())
                                .addBinding(ProxyProtocol.HTTP)
                                .toInstance(maintenance);
                    }
                });
        ProxyStorage storage = injector.getInstance(ProxyStorage.class);
        ProxyPool pool = storage.createPool("maintained", "");
        Proxy proxy = storage.addProxy(
                Proxy.builder().poolId(pool.id()).address("192.0.2.1", 3128).build());

        PoolHealthReport report = injector.getInstance(HealthMonitor.class).checkPool("maintained");

        assertThat(injector.getInstance(HealthChecker.class).probe(ProxyProtocol.HTTP))
                .isSameAs(maintenance);
        assertThat(injector.getInstance(HealthChecker.class).probe(ProxyProtocol.SOCKS5))
                .isNotSameAs(maintenance);
        assertThat(report.removedFromRotation()).containsExactly(proxy.id());
        assertThat(report.results().get(0).error()).hasValue("in a maintenance window");
    }

    @Test
    void without_health_check_options_asking_for_the_checker_says_how_to_give_them() {
        Injector injector = Guice.createInjector(new PharoxModule(), new InMemoryStorageModule());

        assertThat(injector.getInstance(ProxyManager.class)).isNotNull();
        assertThatThrownBy(() -> injector.getInstance(HealthMonitor.class))
                .hasMessageContaining("HealthCheckOptions")
                .hasMessageContaining("healthChecks(options)");
        assertThatThrownBy(() -> PharoxModule.builder().healthChecks(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("options");
    }

    private static LeasedProxy leaseOne(Injector injector) {
        ProxyStorage storage = injector.getInstance(ProxyStorage.class);
        ProxyPool pool = storage.createPool("p", "test");
        storage.addProxy(
                Proxy.builder().poolId(pool.id()).address("192.0.2.1", 3128).build());
        return injector.getInstance(ProxyManager.class).acquire("p").orElseThrow();
    }
}
