package io.pharox.reliability;

import io.pharox.storage.ProxyStorage;
import io.pharox.storage.memory.InMemoryStorage;
import io.pharox.testkit.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The in-memory adapter: no password in any log line or exception. */
class MemoryCredentialTraceTest extends CredentialTraceContract {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    protected ProxyStorage createAdapter() {
        return new InMemoryStorage(clock);
    }

    @Override
    protected void advancePast(Instant instant) {
        if (!clock.instant().isAfter(instant)) {
            clock.set(instant.plus(Duration.ofMillis(1)));
        }
    }

    /** The suite's managers read the storage's clock (a release's held time is by it). */
    @Override
    protected Clock clock() {
        return clock;
    }
}
