package io.pharox.storage.jpa;

import io.pharox.model.ProxyPool;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

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

    protected PoolEntity() {}

    PoolEntity(UUID id, String name, String description, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.createdAt = createdAt;
    }

    ProxyPool toPool() {
        return new ProxyPool(id, name, description, createdAt);
    }
}
