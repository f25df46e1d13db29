package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PoolStatsTest {

    private static final UUID POOL = UUID.randomUUID();
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private static Proxy proxy(ProxyStatus status, int maxConcurrency) {
        return Proxy.builder()
                .poolId(POOL)
                .address("10.0.0.1", 3128)
                .status(status)
                .maxConcurrency(maxConcurrency)
                .build();
    }

    @Test
    void a_tally_counts_by_the_records_definitions() {
        PoolStats stats = new PoolStats.Tally("p", NOW)
                .add(proxy(ProxyStatus.ACTIVE, 2), 1, false) // leasable, one free slot
                .add(proxy(ProxyStatus.ACTIVE, 1), 1, false) // full
                .add(proxy(ProxyStatus.ACTIVE, 3), 0, true) // circuit open: free slots, not leasable
                .add(proxy(ProxyStatus.ACTIVE, Proxy.UNLIMITED), 5, false) // unlimited, leasable
                .add(proxy(ProxyStatus.INACTIVE, 4), 2, false) // leases counted, capacity not
                .add(proxy(ProxyStatus.BANNED, 1), 0, false)
                .build();

        assertThat(stats.poolName()).isEqualTo("p");
        assertThat(stats.asOf()).isEqualTo(NOW);
        assertThat(stats.proxies()).isEqualTo(6);
        assertThat(stats.proxies(ProxyStatus.ACTIVE)).isEqualTo(4);
        assertThat(stats.proxies(ProxyStatus.INACTIVE)).isEqualTo(1);
        assertThat(stats.proxies(ProxyStatus.BANNED)).isEqualTo(1);
        assertThat(stats.proxies(ProxyStatus.SLOW)).isZero();
        assertThat(stats.capacity()).isEqualTo(6);
        assertThat(stats.unlimitedProxies()).isEqualTo(1);
        assertThat(stats.activeLeases()).isEqualTo(9);
        assertThat(stats.freeSlots()).isEqualTo(4);
        assertThat(stats.leasableProxies()).isEqualTo(2);
    }

    @Test
    void an_empty_tally_has_every_status_at_zero() {
        PoolStats stats = new PoolStats.Tally("p", NOW).build();
        assertThat(stats.proxiesByStatus())
                .hasSize(ProxyStatus.values().length)
                .containsValue(0)
                .doesNotContainValue(1);
        assertThat(stats.proxies()).isZero();
    }

    @Test
    void bad_counts_are_rejected_naming_the_value() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PoolStats.Tally("p", NOW).add(proxy(ProxyStatus.ACTIVE, 1), -1, false))
                .withMessageContaining("-1");
        Map<ProxyStatus, Integer> byStatus = new EnumMap<>(ProxyStatus.class);
        for (ProxyStatus status : ProxyStatus.values()) {
            byStatus.put(status, 0);
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PoolStats("p", NOW, byStatus, 0, 0, 0, -3, 0))
                .withMessageContaining("activeLeases -3");
        byStatus.remove(ProxyStatus.SLOW);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PoolStats("p", NOW, byStatus, 0, 0, 0, 0, 0))
                .withMessageContaining("SLOW");
        assertThatNullPointerException().isThrownBy(() -> new PoolStats.Tally("p", NOW).add(null, 0, false));
    }

    @Test
    void the_counts_by_status_cannot_be_changed() {
        PoolStats stats = new PoolStats.Tally("p", NOW).build();
        assertThatThrownBy(() -> stats.proxiesByStatus().put(ProxyStatus.ACTIVE, 7))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
