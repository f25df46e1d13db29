package io.pharox.micrometer;

import io.pharox.storage.ProxyStorage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage that passes every call to a real one and counts the {@code poolStats} calls: the gauges'
 * reads of the store.
 */
final class CountingStorage {

    private final AtomicInteger poolStatsCalls = new AtomicInteger();
    private final ProxyStorage storage;

    CountingStorage(ProxyStorage delegate) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("poolStats")) {
                poolStatsCalls.incrementAndGet();
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        this.storage = (ProxyStorage) java.lang.reflect.Proxy.newProxyInstance(
                ProxyStorage.class.getClassLoader(), new Class<?>[] {ProxyStorage.class}, handler);
    }

    /** The counting storage. */
    ProxyStorage storage() {
        return storage;
    }

    /** How many times {@code poolStats} was called on it. */
    int poolStatsCalls() {
        return poolStatsCalls.get();
    }
}
