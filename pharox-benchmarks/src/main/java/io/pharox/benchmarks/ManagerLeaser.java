package io.pharox.benchmarks;

import io.pharox.ProxyManager;
import io.pharox.model.LeasedProxy;
import io.pharox.storage.AcquireRequest;
import java.util.Objects;

/** A {@link Leaser} through a {@link ProxyManager}: acquire and release as a service makes them. */
final class ManagerLeaser implements Leaser {

    private final ProxyManager manager;
    private final AcquireRequest request;
    private final Runnable onClose;

    ManagerLeaser(ProxyManager manager, AcquireRequest request, Runnable onClose) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.request = Objects.requireNonNull(request, "request");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    @Override
    public Object acquire() {
        return manager.acquire(request).orElse(null);
    }

    @Override
    public void release(Object lease) {
        manager.release((LeasedProxy) lease);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
