package io.pharox.examples.postgres;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Puts the proxies of a {@link ProxyFile} into the storage, creating their pools. Running it
 * again with the same file adds nothing: a proxy whose host and port its pool already holds
 * is skipped, so the service can restart on the same schema.
 */
final class ProxyImporter {

    /** What an import did. */
    record Result(int imported, int alreadyPresent, List<String> pools) {}

    private final ProxyStorage storage;

    @Inject
    ProxyImporter(ProxyStorage storage) {
        this.storage = storage;
    }

    Result importAll(List<ProxyFile.Entry> entries) {
        Map<String, ProxyPool> pools = new LinkedHashMap<>();
        Map<String, Set<String>> present = new LinkedHashMap<>();
        int imported = 0;
        int skipped = 0;
        for (ProxyFile.Entry entry : entries) {
            ProxyPool pool = pools.computeIfAbsent(
                    entry.pool(),
                    name -> storage.findPool(name)
                            .orElseGet(() -> storage.createPool(name, "imported by the PostgreSQL service example")));
            Set<String> addresses = present.computeIfAbsent(pool.name(), name -> {
                Set<String> known = new HashSet<>();
                storage.listProxies(name).forEach(p -> known.add(key(p)));
                return known;
            });
            if (addresses.add(key(entry.proxy()))) {
                storage.addProxy(entry.inPool(pool.id()));
                imported++;
            } else {
                skipped++;
            }
        }
        return new Result(imported, skipped, List.copyOf(pools.keySet()));
    }

    private static String key(Proxy proxy) {
        return proxy.host().toLowerCase(Locale.ROOT) + ":" + proxy.port();
    }
}
