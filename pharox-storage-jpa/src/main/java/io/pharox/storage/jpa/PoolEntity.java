package io.pharox.storage.jpa;

import io.pharox.model.ProxyPool;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A row of {@code pool}. */
@Entity(name = "PharoxPool")
@Table(name = "pool")
class PoolEntity {

    @Id
    @Column(name = "id", nullable = false)
    UUID id;

    @Column(name = "name", nullable = false)
    String name;

    @Column(name = "description", nullable = false)
    String description;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    /** The pool's default minimum interval between grants, in milliseconds; set by the engine, never by JPA. */
    @Column(name = "min_grant_interval_ms", insertable = false, updatable = false)
    @Nullable
    Long minGrantIntervalMs;

    protected PoolEntity() {}

    PoolEntity(UUID id, String name, String description, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.createdAt = createdAt;
    }

    ProxyPool toPool() {
        return new ProxyPool(id, name, description, createdAt)
                .withMinGrantInterval(minGrantIntervalMs == null ? null : Duration.ofMillis(minGrantIntervalMs));
    }
}
