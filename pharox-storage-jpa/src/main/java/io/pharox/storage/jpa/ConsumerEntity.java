package io.pharox.storage.jpa;

import io.pharox.model.Consumer;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code consumer}; written by an upsert, read through this mapping. */
@Entity(name = "PharoxConsumer")
@Table(name = "consumer")
class ConsumerEntity {

    @Id
    @Column(name = "id", nullable = false)
    UUID id;

    @Column(name = "name", nullable = false)
    String name;

    @Column(name = "created_at", nullable = false)
    Instant createdAt;

    protected ConsumerEntity() {
    }

    Consumer toConsumer() {
        return new Consumer(id, name, createdAt);
    }
}
