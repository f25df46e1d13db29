package io.pharox.storage.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** A row of {@code pool_selector_state}: ROUND_ROBIN's cursor, shared by every process. */
@Entity(name = "PharoxSelectorState")
@Table(name = "pool_selector_state")
@IdClass(SelectorStateEntity.Key.class)
class SelectorStateEntity {

    @Id
    @Column(name = "pool_id", nullable = false)
    UUID poolId;

    @Id
    @Column(name = "strategy", nullable = false, length = 16)
    String strategy;

    @Column(name = "cursor_proxy_id")
    UUID cursorProxyId;

    protected SelectorStateEntity() {
    }

    /** The primary key. */
    static final class Key implements Serializable {
        private static final long serialVersionUID = 1L;

        UUID poolId;
        String strategy;

        Key() {
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(poolId, k.poolId) && Objects.equals(strategy, k.strategy);
        }

        @Override
        public int hashCode() {
            return Objects.hash(poolId, strategy);
        }
    }
}
