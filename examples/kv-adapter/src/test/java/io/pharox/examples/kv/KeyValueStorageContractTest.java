package io.pharox.examples.kv;

import io.pharox.storage.ProxyStorage;
import io.pharox.testkit.MutableClock;
import io.pharox.testkit.ProxyStorageContract;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The key-value adapter against the full storage contract: a new store for every test, on a clock the tests move. */
class KeyValueStorageContractTest extends ProxyStorageContract {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private KeyValueStore store;

    @Override
    protected ProxyStorage createStorage() {
        store = new InProcessKeyValueStore();
        return new KeyValueStorage(store, clock);
    }

    @Override
    protected void advancePast(Instant instant) {
        Instant later = instant.plusMillis(1);
        if (clock.instant().isBefore(later)) {
            clock.set(later);
        }
    }

    @Override
    protected Clock clock() {
        return clock;
    }

    /** Every key with its value: any write shows. */
    @Override
    protected Object storeFingerprint() {
        Map<String, String> dump = new TreeMap<>();
        for (String key : store.keys("")) {
            store.get(key).ifPresent(entry -> dump.put(key, entry.value()));
        }
        return dump;
    }
}
