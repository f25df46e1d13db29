package io.pharox.testkit;

import io.pharox.PoolNotFoundException;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.AcquireRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

abstract class ValidationContract extends ContractGroup {

    ValidationContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void acquiring_from_an_unknown_pool_fails_with_its_name() {
        String name = uniqueName("nowhere");

        assertThatThrownBy(() -> storage().acquire(AcquireRequest.forPool(name).build()))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(name)
                .satisfies(e -> assertThat(((PoolNotFoundException) e).pool()).isEqualTo(name));
    }

    @Test
    void reading_an_unknown_pool_fails_with_its_name() {
        String name = uniqueName("nowhere");

        assertThatThrownBy(() -> storage().listProxies(name)).isInstanceOf(PoolNotFoundException.class).hasMessageContaining(name);
        assertThatThrownBy(() -> storage().activeLeasesInPool(name)).isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(name);
    }

    @Test
    void an_unknown_pool_name_with_quotes_is_just_unknown() {
        String name = "x' OR '1'='1";
        seedProxy(seedPool());

        assertThatThrownBy(() -> storage().acquire(AcquireRequest.forPool(name).build()))
                .isInstanceOf(PoolNotFoundException.class)
                .hasMessageContaining(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "\n"})
    void blank_pool_and_consumer_names_are_rejected(String blank) {
        assertThatThrownBy(() -> storage().createPool(blank, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> storage().ensureConsumer(blank)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThat(storage().listPools()).noneMatch(p -> p.name().equals(blank));
    }

    @Test
    void a_too_long_pool_name_is_rejected() {
        assertThatThrownBy(() -> storage().createPool("p".repeat(256), ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256");
    }

    @Test
    void unknown_ids_read_as_absent() {
        UUID unknown = UUID.randomUUID();

        assertThat(storage().findProxy(unknown)).isEmpty();
        assertThat(storage().findLease(unknown)).isEmpty();
        assertThat(storage().activeLeases(unknown)).isEmpty();
    }

    @Test
    void null_arguments_are_rejected_by_name() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("createPool(null, ..)", () -> storage().createPool(null, ""));
        calls.put("findPool", () -> storage().findPool(null));
        calls.put("addProxy", () -> storage().addProxy(null));
        calls.put("updateProxy", () -> storage().updateProxy(null));
        calls.put("removeProxy", () -> storage().removeProxy(null));
        calls.put("findProxy", () -> storage().findProxy(null));
        calls.put("listProxies", () -> storage().listProxies(null));
        calls.put("ensureConsumer", () -> storage().ensureConsumer(null));
        calls.put("acquire", () -> storage().acquire(null));
        calls.put("release", () -> storage().release(null));
        calls.put("renew(null, ..)", () -> storage().renew(null, Duration.ofMinutes(1)));
        calls.put("renew(.., null)", () -> storage().renew(UUID.randomUUID(), null));
        calls.put("applyHealthCheckResult", () -> storage().applyHealthCheckResult(null));
        calls.put("findLease", () -> storage().findLease(null));
        calls.put("activeLeases", () -> storage().activeLeases(null));
        calls.put("activeLeasesInPool", () -> storage().activeLeasesInPool(null));

        calls.forEach((call, executable) -> assertThat(catchThrowable(executable::execute))
                .as(call).isInstanceOf(NullPointerException.class));
        assertThat(storage().listProxies(pool.name())).containsExactly(proxy);
    }

    @Test
    void a_rejected_call_leaves_the_storage_as_it_was() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        catchThrowable(() -> storage().addProxy(proxyIn(pool).address(proxy.host(), proxy.port()).build()));
        catchThrowable(() -> storage().createPool(pool.name(), ""));

        assertThat(storage().listProxies(pool.name())).containsExactly(proxy);
        assertThat(acquire(pool)).isPresent();
        assertThat(acquire(pool)).isEmpty();
    }
}
