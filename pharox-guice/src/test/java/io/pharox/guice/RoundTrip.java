package io.pharox.guice;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Injector;
import io.pharox.ProxyManager;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import java.util.Optional;

/** A lease acquired and released through what an injector built, with the capacity rule checked on the way. */
final class RoundTrip {

    private RoundTrip() {}

    /** Leases through the injector's {@link ProxyManager}; returns the proxy that was leased. */
    static Proxy leaseThrough(Injector injector, String poolName) {
        ProxyManager manager = injector.getInstance(ProxyManager.class);
        ProxyStorage storage = injector.getInstance(ProxyStorage.class);
        assertThat(manager.storage())
                .as("the manager works on the bound storage")
                .isSameAs(storage);
        assertThat(injector.getInstance(ProxyManager.class))
                .as("one manager per injector")
                .isSameAs(manager);

        ProxyPool pool = storage.createPool(poolName, "a pool for the Guice tests");
        Proxy proxy = storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("198.51.100.7", 8080)
                .country("DE")
                .exclusive()
                .build());

        LeasedProxy first = manager.acquire(poolName).orElseThrow();
        assertThat(first.proxy().id()).isEqualTo(proxy.id());
        assertThat(storage.activeLeases(proxy.id()))
                .extracting(l -> l.id())
                .containsExactly(first.lease().id());
        assertThat(manager.acquire(poolName))
                .as("an exclusive proxy is not leased twice")
                .isEmpty();

        assertThat(manager.release(first)).isTrue();
        assertThat(storage.activeLeases(proxy.id())).isEmpty();
        Optional<LeasedProxy> again = manager.acquire(poolName);
        assertThat(again).as("the released slot is free again").isPresent();
        assertThat(manager.release(again.get())).isTrue();
        return proxy;
    }
}
