package io.pharox.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pharox.storage.StorageListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The storage half of {@link PharoxMetrics}: counts the statements a SQL adapter ran again after
 * PostgreSQL rolled them back, by operation and SQL state. Both are short fixed names, so the
 * series stay few.
 */
final class StorageMeters implements StorageListener {

    private final MeterRegistry registry;
    private final Map<List<String>, Counter> retries = new ConcurrentHashMap<>();

    StorageMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onStatementRetried(String operation, String sqlState) {
        retries.computeIfAbsent(
                        List.of(operation, sqlState),
                        key -> Counter.builder(MeterNames.STORAGE_RETRIES)
                                .description("Statements the storage ran again after the database rolled them back")
                                .tags(MeterNames.TAG_OPERATION, operation, MeterNames.TAG_SQL_STATE, sqlState)
                                .register(registry))
                .increment();
    }
}
