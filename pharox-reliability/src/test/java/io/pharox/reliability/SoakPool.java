package io.pharox.reliability;

import io.pharox.filter.ProxyFilter;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.storage.ProxyStorage;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The pool the soak leases from: 16 proxies of capacity 1, 2 or 3, tagged DE (in Berlin), FR
 * (in Paris), US or nothing, and the filters workers pick from at random: every kind the SQL
 * adapters translate, plus a Java predicate that they evaluate on locked rows.
 */
final class SoakPool {

    static final String NAME = "soak";
    static final int PROXIES = 16;

    static final List<ProxyFilter> FILTERS = List.of(
            ProxyFilters.matchAll(),
            ProxyFilters.country("DE"),
            ProxyFilters.anyOf(ProxyFilters.country("DE"), ProxyFilters.country("FR")),
            ProxyFilters.noneOf(ProxyFilters.country("US")),
            ProxyFilters.within(52.52, 13.40, 50),
            ProxyFilters.matching("even port", p -> p.port() % 2 == 0),
            ProxyFilters.allOf(
                    ProxyFilters.country("FR"), ProxyFilters.matching("port below 3140", p -> p.port() < 3140)));

    private SoakPool() {}

    /** Creates the pool and its proxies in {@code storage}. */
    static ProxyPool seed(ProxyStorage storage) {
        int[] capacities = {1, 2, 3, 1};
        return seed(storage, NAME, PROXIES, i -> capacities[i % capacities.length]);
    }

    /**
     * Creates pool {@code name} of {@code proxies} proxies in {@code storage}, tagged and placed
     * as those of the soak's pool (so that every one of {@link #FILTERS} matches some), proxy
     * {@code i} of capacity {@code capacity.applyAsInt(i)}.
     */
    static ProxyPool seed(ProxyStorage storage, String name, int proxies, IntUnaryOperator capacity) {
        ProxyPool pool = storage.createPool(name, "leased by the soak's workers");
        String[] countries = {"DE", "FR", "US", null};
        for (int i = 0; i < proxies; i++) {
            Proxy.Builder b = Proxy.builder()
                    .poolId(pool.id())
                    .address("10.77.0." + (i + 1), 3128 + i)
                    .maxConcurrency(capacity.applyAsInt(i))
                    .country(countries[i % countries.length]);
            if (i % 4 == 0) {
                b.location(52.52, 13.40);
            } else if (i % 4 == 1) {
                b.location(48.86, 2.35);
            }
            storage.addProxy(b.build());
        }
        return pool;
    }
}
