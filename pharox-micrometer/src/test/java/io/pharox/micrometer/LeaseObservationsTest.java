package io.pharox.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.ProxyManager;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.memory.InMemoryStorage;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The observer makes one observation per acquire and release through a real {@link ProxyManager},
 * with bounded key values.
 */
class LeaseObservationsTest {

    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final PrometheusMeterRegistry registry = Scrapes.registry(new MockClock());
    private final InMemoryStorage storage = new InMemoryStorage();

    private Proxy seed() {
        ProxyPool pool = storage.createPool("residential", "");
        return storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("proxy-7f3a.internal.example", 3128)
                .credentials("scott", "tiger-s3cret-pw")
                .exclusive()
                .build());
    }

    private ProxyManager manager(PharoxMetrics metrics) {
        return ProxyManager.builder(storage)
                .listener(metrics.listener())
                .observer(metrics.observer())
                .build();
    }

    @Test
    void an_acquire_that_gets_a_lease_is_one_observation_tagged_with_pool_strategy_and_hit() throws Exception {
        Proxy proxy = seed();
        PharoxMetrics metrics = PharoxMetrics.builder(registry)
                .observationRegistry(observations)
                .build();
        AcquireRequest request = AcquireRequest.forPool("residential")
                .strategy(SelectorStrategy.LEAST_USED)
                .build();

        assertThat(manager(metrics).acquire(request)).isPresent();

        assertThat(observations)
                .hasNumberOfObservationsEqualTo(1)
                .hasSingleObservationThat()
                .hasNameEqualTo("pharox.lease.acquire")
                .hasContextualNameEqualTo("pharox acquire")
                .hasBeenStarted()
                .hasBeenStopped()
                .hasLowCardinalityKeyValue("pool", "residential")
                .hasLowCardinalityKeyValue("strategy", "least_used")
                .hasLowCardinalityKeyValue("outcome", "hit")
                .doesNotHaveHighCardinalityKeyValueWithKey("proxy")
                .doesNotHaveError()
                .satisfies(context -> assertThat(context.getAllKeyValues().toString())
                        .doesNotContain(proxy.id().toString())
                        .doesNotContain("proxy-7f3a")
                        .doesNotContain("tiger-s3cret-pw"));
    }

    @Test
    void a_miss_is_tagged_miss_and_a_proxy_id_is_a_high_cardinality_value_only_when_asked_for() throws Exception {
        Proxy proxy = seed();
        PharoxMetrics metrics = PharoxMetrics.builder(registry)
                .observationRegistry(observations)
                .tagProxies(true)
                .build();
        AcquireRequest request = AcquireRequest.forPool("residential").build();

        ProxyManager manager = manager(metrics);
        Optional<LeasedProxy> leased = manager.acquire(request);
        assertThat(manager.acquire(request)).isEmpty();
        boolean released = manager.release(leased.orElseThrow());

        assertThat(released).isTrue();
        assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo("pharox.lease.acquire", 2)
                .hasAnObservation(o -> o.hasLowCardinalityKeyValue("outcome", "hit")
                        .hasHighCardinalityKeyValue("proxy", proxy.id().toString()))
                .hasAnObservation(
                        o -> o.hasLowCardinalityKeyValue("outcome", "miss").hasHighCardinalityKeyValue("proxy", "none"))
                .hasAnObservation(o -> o.hasNameEqualTo("pharox.lease.release")
                        .hasLowCardinalityKeyValue("pool", "residential")
                        .hasLowCardinalityKeyValue("outcome", "released")
                        .hasHighCardinalityKeyValue("proxy", proxy.id().toString()));
    }

    @Test
    void an_acquire_that_throws_is_an_observation_with_the_error_and_counts_in_the_errors_meter() {
        PharoxMetrics metrics = PharoxMetrics.builder(registry)
                .observationRegistry(observations)
                .build();
        AcquireRequest request = AcquireRequest.forPool("nowhere").build();

        assertThatThrownBy(() -> manager(metrics).acquire(request)).isInstanceOf(PoolNotFoundException.class);

        assertThat(observations)
                .hasSingleObservationThat()
                .hasLowCardinalityKeyValue("outcome", "error")
                .hasError()
                .hasBeenStopped();
        assertThat(Scrapes.value(
                        registry.scrape(),
                        "pharox_errors_total",
                        "exception=\"PoolNotFoundException\",operation=\"acquire\",pool=\"nowhere\""))
                .isEqualTo(1);
    }

    @Test
    void without_an_observation_registry_errors_are_still_counted() {
        PharoxMetrics metrics = PharoxMetrics.builder(registry).build();
        AcquireRequest request = AcquireRequest.forPool("nowhere").build();

        assertThatThrownBy(() -> manager(metrics).acquire(request)).isInstanceOf(PoolNotFoundException.class);

        assertThat(Scrapes.value(
                        registry.scrape(),
                        "pharox_errors_total",
                        "exception=\"PoolNotFoundException\",operation=\"acquire\",pool=\"nowhere\""))
                .isEqualTo(1);
    }
}
