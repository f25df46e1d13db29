package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.client.PharoxClient;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 64 clients, each with its own {@link PharoxClient}, lease and release repeatedly from a pool of
 * 5 exclusive proxies through the server. No proxy is ever over-leased: an observer asks
 * PostgreSQL throughout the run, the clients count holders per proxy, and the end state has no
 * active lease.
 */
class ConcurrentClientsTest {

    static final int CLIENTS = 64;
    static final int PROXIES = 5;
    static final int ROUNDS = 5;

    /** Proxies of the pool with more active, unexpired leases than their limit, in one statement. */
    static final String OVER_LEASED = "SELECT count(*) FROM (SELECT l.proxy_id FROM %1$s.lease l"
            + " JOIN %1$s.proxy p ON p.id = l.proxy_id"
            + " WHERE l.status = 'ACTIVE' AND l.expires_at > now() AND l.pool_id = ?"
            + " GROUP BY l.proxy_id, p.max_concurrency HAVING count(*) > p.max_concurrency) over";

    @Test
    void sixtyFourClientsOnFiveProxiesNeverOverLease() throws Exception {
        try (TestServer fixture = TestServer.start("server_load", 30, b -> b.maxWait(Duration.ofSeconds(5)))) {
            ProxyPool pool = fixture.storage.createPool("big", "load");
            for (int i = 1; i <= PROXIES; i++) {
                fixture.storage.addProxy(Proxy.builder()
                        .poolId(pool.id())
                        .address("203.0.113." + i, 3128)
                        .exclusive()
                        .build());
            }
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger observations = new AtomicInteger();
            AtomicLong overLeasedSeen = new AtomicLong();
            Thread observer = new Thread(() -> {
                String sql = String.format(OVER_LEASED, "\"" + fixture.db.name() + "\"");
                try (Connection c = fixture.db.dataSource().getConnection();
                        PreparedStatement s = c.prepareStatement(sql)) {
                    s.setObject(1, pool.id());
                    while (running.get()) {
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            overLeasedSeen.addAndGet(rs.getLong(1));
                        }
                        observations.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            observer.start();

            Map<UUID, AtomicInteger> holders = new ConcurrentHashMap<>();
            AtomicInteger mostHolders = new AtomicInteger();
            AtomicInteger grants = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String consumer = "client-" + c;
                done.add(threads.submit(() -> {
                    try (PharoxClient client = PharoxClient.builder(fixture.uri(), fixture.consumerKey)
                            .defaultConsumer(consumer)
                            .defaultTtl(Duration.ofMinutes(5))
                            .maxServerWait(Duration.ofSeconds(5))
                            .requestTimeout(Duration.ofSeconds(60))
                            .build()) {
                        go.await();
                        for (int round = 0; round < ROUNDS; round++) {
                            Optional<LeasedProxy> leased =
                                    client.acquire(client.request("big").build(), Duration.ofSeconds(120));
                            LeasedProxy held = leased.orElseThrow(() -> new AssertionError(consumer + " got nothing"));
                            int now = holders.computeIfAbsent(held.proxy().id(), id -> new AtomicInteger())
                                    .incrementAndGet();
                            mostHolders.accumulateAndGet(now, Math::max);
                            grants.incrementAndGet();
                            holders.get(held.proxy().id()).decrementAndGet();
                            assertThat(client.release(held)).isTrue();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            threads.shutdown();
            running.set(false);
            observer.join();

            assertThat(grants.get()).isEqualTo(CLIENTS * ROUNDS);
            assertThat(mostHolders.get()).isEqualTo(1);
            assertThat(observations.get()).isPositive();
            assertThat(overLeasedSeen.get()).isZero();
            assertThat(fixture.storage.activeLeasesInPool("big")).isEmpty();
            try (Connection c = fixture.db.dataSource().getConnection();
                    PreparedStatement s =
                            c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE status = 'RELEASED')"
                                    + " FROM \"" + fixture.db.name() + "\".lease WHERE pool_id = ?")) {
                s.setObject(1, pool.id());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(CLIENTS * ROUNDS);
                    assertThat(rs.getInt(2)).isEqualTo(CLIENTS * ROUNDS);
                }
            }
        }
    }
}
