package io.pharox.guice;

import io.pharox.ProxyManager;
import io.pharox.filter.ProxyFilters;
import jakarta.inject.Inject;
import java.util.Optional;

/** A user's class as Guice builds it: it asks for a {@link ProxyManager} and knows nothing of the adapter. */
final class LeasingService {

    private final ProxyManager manager;

    @Inject
    LeasingService(ProxyManager manager) {
        this.manager = manager;
    }

    /** The address of a German proxy of {@code pool}, leased and released again; empty if none is free. */
    Optional<String> fetchThroughGermany(String pool) {
        return manager.withLease(
                manager.request(pool).filter(ProxyFilters.country("DE")).build(),
                leased -> leased.proxy().address());
    }
}
