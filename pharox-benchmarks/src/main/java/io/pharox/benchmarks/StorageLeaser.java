package io.pharox.benchmarks;

import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import java.util.Objects;
import java.util.UUID;

/** A {@link Leaser} on an adapter: acquire and release through the {@link ProxyStorage} port. */
final class StorageLeaser implements Leaser {

    private final ProxyStorage storage;
    private final AcquireRequest request;
    private final Runnable onClose;

    StorageLeaser(ProxyStorage storage, AcquireRequest request, Runnable onClose) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.request = Objects.requireNonNull(request, "request");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    @Override
    public Object acquire() {
        return storage.acquire(request).map(leased -> leased.lease().id()).orElse(null);
    }

    @Override
    public void release(Object lease) {
        storage.release((UUID) lease);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
