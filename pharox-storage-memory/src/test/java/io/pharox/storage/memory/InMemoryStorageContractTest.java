package io.pharox.storage.memory;

import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.MutableClock;
import io.pharox.testkit.ProxyStorageContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The in-memory adapter against the full storage contract, on a clock the tests move. */
class InMemoryStorageContractTest extends ProxyStorageContract {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected ProxyStorage createStorage() {
        return new InMemoryStorage(clock);
    }

    @Override
    protected void advancePast(Instant instant) {
        if (!clock.instant().isAfter(instant)) {
            clock.set(instant.plus(Duration.ofMillis(1)));
        }
    }

    /** The managers of the suite read the storage's clock, as a real deployment's should. */
    @Override
    protected Clock clock() {
        return clock;
    }
}
