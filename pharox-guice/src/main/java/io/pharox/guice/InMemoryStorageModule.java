package io.pharox.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.memory.InMemoryStorage;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Binds {@link ProxyStorage} to one {@link InMemoryStorage} (a singleton) whose "now" is the
 * bound {@link Clock}, so install it beside {@link PharoxModule}, which binds that clock.
 * Needs {@code pharox-storage-memory} on the class path. Nothing to close: the storage lives
 * as long as the injector that holds it.
 */
public final class InMemoryStorageModule extends AbstractModule {

    private final Duration finishedLeaseRetention;

    /** A module whose storage keeps finished leases readable for {@link InMemoryStorage#DEFAULT_FINISHED_LEASE_RETENTION}. */
    public InMemoryStorageModule() {
        this(InMemoryStorage.DEFAULT_FINISHED_LEASE_RETENTION);
    }

    /**
     * A module whose storage keeps finished leases readable for {@code finishedLeaseRetention}.
     *
     * @throws IllegalArgumentException if the retention is negative
     */
    public InMemoryStorageModule(Duration finishedLeaseRetention) {
        Objects.requireNonNull(finishedLeaseRetention, "finishedLeaseRetention");
        if (finishedLeaseRetention.isNegative()) {
            throw new IllegalArgumentException(
                    "finishedLeaseRetention must not be negative, was " + finishedLeaseRetention);
        }
        this.finishedLeaseRetention = finishedLeaseRetention;
    }

    @Provides
    @Singleton
    ProxyStorage storage(Clock clock) {
        return new InMemoryStorage(clock, finishedLeaseRetention);
    }
}
