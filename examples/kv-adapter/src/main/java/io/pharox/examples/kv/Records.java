package io.pharox.examples.kv;

import io.pharox.model.Consumer;
import io.pharox.model.Lease;
import io.pharox.model.LeaseStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The stored form of pools, consumers, leases and proxies, in the {@link Fields} format. Each
 * record begins with its kind ({@code pool}, {@code consumer}, {@code lease}, {@code proxy}),
 * so that a value read under the wrong key fails to decode instead of decoding as something
 * else. Decoders throw {@link RuntimeException}s whose messages never quote a password.
 */
final class Records {

    private Records() {}

    static String encode(ProxyPool pool) {
        return new Fields.Writer()
                .field("pool")
                .field(pool.id())
                .field(pool.name())
                .field(pool.description())
                .field(pool.createdAt())
                .optional(pool.minGrantInterval())
                .toString();
    }

    static ProxyPool pool(String text) {
        Fields.Reader r = reader("pool", text);
        ProxyPool pool = new ProxyPool(
                r.field("an id", UUID::fromString),
                r.text(),
                r.text(),
                r.field("an instant", Instant::parse),
                r.optional("a duration", Duration::parse));
        r.end();
        return pool;
    }

    static String encode(Consumer consumer) {
        return new Fields.Writer()
                .field("consumer")
                .field(consumer.id())
                .field(consumer.name())
                .field(consumer.createdAt())
                .toString();
    }

    static Consumer consumer(String text) {
        Fields.Reader r = reader("consumer", text);
        Consumer consumer =
                new Consumer(r.field("an id", UUID::fromString), r.text(), r.field("an instant", Instant::parse));
        r.end();
        return consumer;
    }

    static String encode(Lease lease) {
        return new Fields.Writer()
                .field("lease")
                .field(lease.id())
                .field(lease.poolId())
                .field(lease.proxyId())
                .field(lease.consumerId())
                .field(lease.status())
                .field(lease.acquiredAt())
                .field(lease.expiresAt())
                .optional(lease.releasedAt())
                .field(lease.fencingToken())
                .toString();
    }

    static Lease lease(String text) {
        Fields.Reader r = reader("lease", text);
        Lease lease = new Lease(
                r.field("an id", UUID::fromString),
                r.field("an id", UUID::fromString),
                r.field("an id", UUID::fromString),
                r.field("an id", UUID::fromString),
                r.field("a lease status", LeaseStatus::valueOf),
                r.field("an instant", Instant::parse),
                r.field("an instant", Instant::parse),
                r.optional("an instant", Instant::parse).orElse(null),
                r.field("a fencing token", Long::parseLong));
        r.end();
        return lease;
    }

    static String encode(ProxyRecord record) {
        Proxy p = record.values();
        Fields.Writer w = new Fields.Writer()
                .field("proxy")
                .field(p.id())
                .field(p.poolId())
                .field(p.host())
                .field(p.port())
                .field(p.protocol())
                .optional(p.credentials().map(c -> c.username()))
                .optional(p.credentials().map(c -> c.password()))
                .field(p.status())
                .field(p.maxConcurrency())
                .optional(p.country())
                .optional(p.city())
                .optional(p.source())
                .optional(p.isp())
                .optional(p.asn().isPresent() ? Optional.of(p.asn().getAsLong()) : Optional.empty())
                .optional(p.location().map(l -> l.latitude()))
                .optional(p.location().map(l -> l.longitude()))
                .optional(p.lastCheckedAt())
                .optional(p.lastLatency())
                .optional(p.minGrantInterval())
                .field(record.slots().size());
        for (ProxyRecord.Slot slot : record.slots()) {
            w.field(slot.leaseId()).field(slot.expiresAt());
        }
        Learned learned = record.learned();
        w.field(learned.lastToken())
                .field(learned.consecutiveFailures())
                .field(learned.openings())
                .optional(learned.openUntil())
                .optional(learned.probe())
                .field(learned.successRate())
                .optional(learned.latency())
                .field(learned.bans().size());
        // in target order, so that equal records encode to equal text
        for (Map.Entry<String, Instant> ban : new TreeMap<>(learned.bans()).entrySet()) {
            w.field(ban.getKey()).field(ban.getValue());
        }
        w.optional(record.lastGrant());
        return w.toString();
    }

    static ProxyRecord proxy(String text) {
        Fields.Reader r = reader("proxy", text);
        Proxy.Builder b = Proxy.builder()
                .id(r.field("an id", UUID::fromString))
                .poolId(r.field("an id", UUID::fromString))
                .host(r.text())
                .port(r.field("a port", Integer::parseInt))
                .protocol(r.field("a protocol", ProxyProtocol::valueOf));
        Optional<String> username = r.optional();
        Optional<String> password = r.optional();
        if (username.isPresent()) {
            b.credentials(
                    username.get(),
                    password.orElseThrow(() -> new IllegalStateException("credentials without a password")));
        }
        b.status(r.field("a proxy status", ProxyStatus::valueOf))
                .maxConcurrency(r.field("a capacity", Integer::parseInt))
                .country(r.optional().orElse(null))
                .city(r.optional().orElse(null))
                .source(r.optional().orElse(null))
                .isp(r.optional().orElse(null))
                .asn(r.optional("an ASN", Long::valueOf).orElse(null));
        Optional<Double> latitude = r.optional("a latitude", Double::valueOf);
        Optional<Double> longitude = r.optional("a longitude", Double::valueOf);
        if (latitude.isPresent()) {
            b.location(
                    latitude.get(),
                    longitude.orElseThrow(() -> new IllegalStateException("a latitude without a longitude")));
        }
        b.lastCheckedAt(r.optional("an instant", Instant::parse).orElse(null))
                .lastLatency(r.optional("a duration", Duration::parse).orElse(null))
                .minGrantInterval(r.optional("a duration", Duration::parse).orElse(null));
        int count = r.field("a slot count", Integer::parseInt);
        List<ProxyRecord.Slot> slots = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            slots.add(new ProxyRecord.Slot(r.field("an id", UUID::fromString), r.field("an instant", Instant::parse)));
        }
        long lastToken = r.field("a fencing token", Long::parseLong);
        int failures = r.field("a count", Integer::parseInt);
        int openings = r.field("a count", Integer::parseInt);
        Optional<Instant> openUntil = r.optional("an instant", Instant::parse);
        Optional<UUID> probe = r.optional("an id", UUID::fromString);
        double successRate = r.field("a success rate", Double::parseDouble);
        Optional<Duration> latency = r.optional("a duration", Duration::parse);
        int banCount = r.field("a ban count", Integer::parseInt);
        Map<String, Instant> bans = new HashMap<>();
        for (int i = 0; i < banCount; i++) {
            bans.put(r.text(), r.field("an instant", Instant::parse));
        }
        Optional<Instant> lastGrant = r.optional("an instant", Instant::parse);
        r.end();
        return new ProxyRecord(
                b.build(),
                slots,
                new Learned(lastToken, failures, openings, openUntil, probe, successRate, latency, bans),
                lastGrant);
    }

    private static Fields.Reader reader(String kind, String text) {
        Fields.Reader r = new Fields.Reader(text);
        if (!r.text().equals(kind)) {
            throw new IllegalStateException("the value is not a " + kind + " record");
        }
        return r;
    }
}
