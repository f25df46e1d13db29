package io.pharox.storage.sample;

import jakarta.inject.Inject;

/**
 * Breaks the rule of {@code io.pharox.guice.ArchitectureTest} on purpose: an "adapter" that
 * asks a container for its dependencies. A test class, so the rule's own import never sees it.
 */
public final class InjectedStorage {

    @Inject
    public InjectedStorage() {}
}
