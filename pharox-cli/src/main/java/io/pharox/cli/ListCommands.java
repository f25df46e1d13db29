package io.pharox.cli;

import io.pharox.model.Lease;
import io.pharox.model.PoolStats;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyStatus;
import io.pharox.model.ProxyUrl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that print what is stored: pools, proxies, leases, stats. */
final class ListCommands {

    private ListCommands() {}

    /** A list command: tab-separated columns with a header, or JSON. */
    abstract static class Listing extends StoreCommand {
        @Option(names = "--json", description = "print JSON instead of tab-separated columns")
        boolean json;
    }

    /** {@code pharox pools}. */
    @Command(
            name = "pools",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the pools by name.",
                "Columns (tab-separated, header first): NAME, ID, CREATED, DESCRIPTION."
            },
            footerHeading = "%n",
            footer = PharoxCli.EXIT_CODES)
    static final class Pools extends Listing {
        @Override
        int run(Admin admin) {
            Table table = new Table("NAME", "ID", "CREATED", "DESCRIPTION");
            for (ProxyPool pool : admin.pools()) {
                table.row(
                        pool.name(),
                        pool.id(),
                        pool.createdAt(),
                        pool.description().isEmpty() ? null : pool.description());
            }
            table.print(out(), json);
            return PharoxCli.OK;
        }
    }

    /** {@code pharox proxies POOL}. */
    @Command(
            name = "proxies",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the proxies of a pool, without their credentials.",
                "Columns (tab-separated, header first, - for none): ID, URL, STATUS, LEASES (active), MAX"
                        + " (concurrent leases, or unlimited), COUNTRY, CITY, SOURCE, ISP, ASN, CHECKED"
                        + " (last health check), LATENCY_MS."
            },
            footerHeading = "%n",
            footer = PharoxCli.EXIT_CODES)
    static final class Proxies extends Listing {
        @Parameters(index = "0", paramLabel = "POOL", description = "the pool")
        @SuppressWarnings("NullAway.Init")
        String pool;

        @Override
        int run(Admin admin) {
            Table table = new Table(
                    "ID",
                    "URL",
                    "STATUS",
                    "LEASES",
                    "MAX",
                    "COUNTRY",
                    "CITY",
                    "SOURCE",
                    "ISP",
                    "ASN",
                    "CHECKED",
                    "LATENCY_MS");
            for (Proxy p : admin.proxies(pool)) {
                table.row(
                        p.id(),
                        ProxyUrl.of(p).format(false),
                        p.status(),
                        p.currentLeases(),
                        p.isUnlimited() ? "unlimited" : p.maxConcurrency(),
                        p.country().orElse(null),
                        p.city().orElse(null),
                        p.source().orElse(null),
                        p.isp().orElse(null),
                        p.asn().isPresent() ? p.asn().getAsLong() : null,
                        p.lastCheckedAt().orElse(null),
                        p.lastLatency().map(d -> d.toMillis()).orElse(null));
            }
            table.print(out(), json);
            return PharoxCli.OK;
        }
    }

    /** {@code pharox leases --pool P | --consumer C}. */
    @Command(
            name = "leases",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the active leases of a pool, or of a consumer in every pool, oldest first.",
                "Columns (tab-separated, header first): ID, POOL, PROXY_ID, PROXY (URL), CONSUMER_ID, ACQUIRED,"
                        + " EXPIRES, TOKEN (fencing token)."
            },
            footerHeading = "%n",
            footer = PharoxCli.EXIT_CODES)
    static final class Leases extends Listing {

        static final class Whose {
            @Option(names = "--pool", paramLabel = "POOL", description = "the pool's leases")
            @Nullable
            String pool;

            @Option(names = "--consumer", paramLabel = "CONSUMER", description = "the consumer's leases")
            @Nullable
            String consumer;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        @SuppressWarnings("NullAway.Init")
        Whose whose;

        @Override
        int run(Admin admin) {
            String pool = whose.pool;
            String consumer = whose.consumer;
            List<Lease> leases =
                    pool != null ? admin.leasesInPool(pool) : admin.leasesOfConsumer(String.valueOf(consumer));
            Map<UUID, String> pools = new HashMap<>();
            if (pool == null && !leases.isEmpty()) {
                admin.pools().forEach(p -> pools.put(p.id(), p.name()));
            }
            // the proxies of the pools these leases are in, by id, for their URLs
            Map<UUID, Proxy> proxies = new HashMap<>();
            leases.stream()
                    .map(l -> pool != null ? pool : pools.get(l.poolId()))
                    .filter(java.util.Objects::nonNull)
                    .distinct()
                    .forEach(name -> admin.proxies(name).forEach(p -> proxies.put(p.id(), p)));
            Table table = new Table("ID", "POOL", "PROXY_ID", "PROXY", "CONSUMER_ID", "ACQUIRED", "EXPIRES", "TOKEN");
            for (Lease lease : leases) {
                Optional<Proxy> proxy = Optional.ofNullable(proxies.get(lease.proxyId()));
                table.row(
                        lease.id(),
                        pool != null ? pool : pools.get(lease.poolId()),
                        lease.proxyId(),
                        proxy.map(p -> ProxyUrl.of(p).format(false)).orElse(null),
                        lease.consumerId(),
                        lease.acquiredAt(),
                        lease.expiresAt(),
                        lease.fencingToken());
            }
            table.print(out(), json);
            return PharoxCli.OK;
        }
    }

    /** {@code pharox stats POOL}. */
    @Command(
            name = "stats",
            mixinStandardHelpOptions = true,
            description = {
                "Prints a snapshot of a pool's proxies, capacity and active leases.",
                "One NAME<tab>value line each (or a JSON object): POOL, AS_OF, PROXIES, ACTIVE, SLOW, INACTIVE, BANNED (proxies by status), LEASABLE (proxies an"
                        + " acquire could lease now), CAPACITY (sum of the limits of the ACTIVE proxies that have"
                        + " one), UNLIMITED (ACTIVE proxies without a limit), ACTIVE_LEASES, FREE_SLOTS."
            },
            footerHeading = "%n",
            footer = PharoxCli.EXIT_CODES)
    static final class Stats extends Listing {
        @Parameters(index = "0", paramLabel = "POOL", description = "the pool")
        @SuppressWarnings("NullAway.Init")
        String pool;

        @Override
        int run(Admin admin) {
            PoolStats s = admin.stats(pool);
            new Table(
                            "POOL",
                            "AS_OF",
                            "PROXIES",
                            "ACTIVE",
                            "SLOW",
                            "INACTIVE",
                            "BANNED",
                            "LEASABLE",
                            "CAPACITY",
                            "UNLIMITED",
                            "ACTIVE_LEASES",
                            "FREE_SLOTS")
                    .row(
                            s.poolName(),
                            s.asOf(),
                            s.proxies(),
                            s.proxies(ProxyStatus.ACTIVE),
                            s.proxies(ProxyStatus.SLOW),
                            s.proxies(ProxyStatus.INACTIVE),
                            s.proxies(ProxyStatus.BANNED),
                            s.leasableProxies(),
                            s.capacity(),
                            s.unlimitedProxies(),
                            s.activeLeases(),
                            s.freeSlots())
                    .printRecord(out(), json);
            return PharoxCli.OK;
        }
    }
}
