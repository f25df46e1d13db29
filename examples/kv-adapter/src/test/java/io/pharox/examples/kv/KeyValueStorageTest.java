package io.pharox.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.StorageException;
import io.pharox.model.CircuitState;
import io.pharox.model.FailureReason;
import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStanding;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the contract cannot see: the records in the store (slots and learned state included) and
 * what the adapter makes of a damaged one.
 */
class KeyValueStorageTest {

    private static final String PASSWORD = "s3cret-pw";

    private final KeyValueStore store = new InProcessKeyValueStore();
    private final KeyValueStorage storage = new KeyValueStorage(store);
    private final ProxyPool pool = storage.createPool("eu", "");
    private final Proxy proxy = storage.addProxy(Proxy.builder()
            .poolId(pool.id())
            .address("10.0.0.1", 3128)
            .credentials("user", PASSWORD)
            .shared(2)
            .build());

    @Test
    void a_lease_and_its_slot_are_written_together() {
        LeasedProxy leased =
                storage.acquire(AcquireRequest.forPool("eu").build()).orElseThrow();

        ProxyRecord record =
                Records.proxy(store.get(Keys.proxy(proxy.id())).orElseThrow().value());
        Lease lease = Records.lease(
                store.get(Keys.lease(leased.lease().id())).orElseThrow().value());

        assertThat(record.slots()).containsExactly(new ProxyRecord.Slot(lease.id(), lease.expiresAt()));
        assertThat(lease).isEqualTo(leased.lease());
        assertThat(record.proxy()).isEqualTo(leased.proxy());
    }

    @Test
    void what_a_proxy_learns_is_written_in_its_record_and_read_back_whole() {
        OutcomePolicy policy = OutcomePolicy.defaults().withFailureThreshold(1);
        LeasedProxy leased =
                storage.acquire(AcquireRequest.forPool("eu").build()).orElseThrow();
        storage.report(leased.lease().id(), 1, Outcome.success(Duration.ofMillis(40)), policy);
        storage.report(leased.lease().id(), 1, Outcome.targetBlocked("Shop.Example"), policy);
        ProxyStanding opened = storage.report(leased.lease().id(), 1, Outcome.failure(FailureReason.TIMEOUT), policy);

        Versioned entry = store.get(Keys.proxy(proxy.id())).orElseThrow();
        ProxyRecord record = Records.proxy(entry.value());

        assertThat(opened.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(record.learned().lastToken()).isEqualTo(1);
        assertThat(record.learned().bans()).containsOnlyKeys("shop.example");
        assertThat(opened.circuitBefore()).isEqualTo(CircuitState.CLOSED);
        assertThat(record.learned().standing(proxy.id(), leased.lease().acquiredAt()))
                .isEqualTo(opened.withCircuitBefore(CircuitState.OPEN));
        assertThat(Records.encode(record)).as("encoding is stable").isEqualTo(entry.value());
    }

    @Test
    void a_damaged_record_is_a_storage_error_that_names_its_key_and_not_its_text() {
        String key = Keys.proxy(proxy.id());
        // the password's field claims three chars more than it has, so every later field is misread
        Versioned entry = store.get(key).orElseThrow();
        String damaged =
                entry.value().replace(PASSWORD.length() + ":" + PASSWORD, (PASSWORD.length() + 3) + ":" + PASSWORD);
        assertThat(damaged).isNotEqualTo(entry.value());
        assertThat(store.replace(key, entry.version(), damaged)).isTrue();

        assertThatThrownBy(() -> storage.findProxy(proxy.id()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(e.getMessage() + " / " + e.getCause().getMessage())
                        .doesNotContain(PASSWORD)
                        .contains("field"));
    }

    @Test
    void an_active_lease_whose_proxy_holds_no_slot_ends_in_a_storage_error_not_a_loop() {
        Lease lease = storage.acquire(AcquireRequest.forPool("eu").build())
                .orElseThrow()
                .lease();
        String key = Keys.proxy(proxy.id());
        Versioned entry = store.get(key).orElseThrow();
        ProxyRecord withoutSlot = Records.proxy(entry.value()).without(List.of(lease.id()));
        assertThat(store.replace(key, entry.version(), Records.encode(withoutSlot)))
                .isTrue();

        assertThatThrownBy(() -> storage.release(lease.id()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(lease.id().toString())
                .hasMessageContaining(String.valueOf(KeyValueStorage.MAX_ATTEMPTS));
    }
}
