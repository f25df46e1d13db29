package io.pharox.benchmarks;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pharox.LeaseListener;
import io.pharox.ProxyManager;
import io.pharox.micrometer.PharoxMetrics;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;

/** The leaser of an adapter for a {@code metrics} parameter of {@link LeaseBenchmark}. */
final class Leasers {

    private Leasers() {}

    /**
     * {@code off}: the storage port itself; {@code manager}: a {@link ProxyManager} on it without
     * listeners; {@code listener}: a manager with one listener that does nothing (the events'
     * cost without meters); {@code on}: a manager with {@link PharoxMetrics}' listener and observer on a
     * Prometheus registry, as a service that exports its metrics runs it.
     *
     * @throws IllegalArgumentException if {@code metrics} is none of those, naming it
     */
    static Leaser forAdapter(ProxyStorage storage, AcquireRequest request, String metrics, Runnable onClose) {
        switch (metrics) {
            case "off":
                return new StorageLeaser(storage, request, onClose);
            case "manager":
                return new ManagerLeaser(ProxyManager.of(storage), request, onClose);
            case "listener":
                // what the manager's events cost without meters: a listener that does nothing
                return new ManagerLeaser(
                        ProxyManager.builder(storage)
                                .listener(new LeaseListener() {})
                                .build(),
                        request,
                        onClose);
            case "on": {
                PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                PharoxMetrics pharoxMetrics = PharoxMetrics.builder(registry).build();
                ProxyManager manager = ProxyManager.builder(storage)
                        .listener(pharoxMetrics.listener())
                        .observer(pharoxMetrics.observer())
                        .build();
                return new ManagerLeaser(manager, request, () -> {
                    registry.close();
                    onClose.run();
                });
            }
            default:
                throw new IllegalArgumentException(
                        "metrics must be off, on, manager or listener, was '" + metrics + "'");
        }
    }
}
