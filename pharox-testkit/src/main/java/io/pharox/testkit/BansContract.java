package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.CircuitState;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Outcome;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.model.TargetBan;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.OutcomePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Target bans: a {@code TARGET_BLOCKED} report bans the proxy for that host only, for the
 * policy's ban cooldown ({@link ProxyStorageContract#shortTtl()} here); requests naming the host
 * skip it, others still get it; hosts compare without case; a ban in force is extended, never
 * shortened; cleanup deletes ended bans.
 */
abstract class BansContract extends ContractGroup {

    private static final String TARGET = "shop.example";

    BansContract(ProxyStorageContract kit) {
        super(kit);
    }

    private OutcomePolicy policy() {
        return OutcomePolicy.defaults().withBanCooldown(shortTtl());
    }

    private Optional<UUID> leasedFor(ProxyPool pool, String target, SelectorStrategy strategy) {
        Optional<LeasedProxy> leased = storage()
                .acquire(request(pool).strategy(strategy).forTarget(target).build());
        leased.ifPresent(l -> storage().release(l.lease().id()));
        return leased.map(l -> l.proxy().id());
    }

    private Optional<UUID> leasedWithoutTarget(ProxyPool pool) {
        Optional<LeasedProxy> leased = acquire(pool);
        leased.ifPresent(l -> storage().release(l.lease().id()));
        return leased.map(l -> l.proxy().id());
    }

    /** Bans {@code proxy} for {@code target} through a lease that is released afterwards; returns the ban. */
    private TargetBan ban(ProxyPool pool, Proxy proxy, String target) {
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, Outcome.targetBlocked(target), policy());
        storage().release(leased.lease().id());
        String normalized = Outcome.requireTarget(target);
        return storage().bans(proxy.id()).stream()
                .filter(b -> b.target().equals(normalized))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ban of " + proxy.id() + " for " + normalized));
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void a_blocked_target_skips_the_proxy_for_that_target_only(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(3));
        ban(pool, proxy, TARGET);

        assertThat(leasedFor(pool, TARGET, strategy))
                .as("a request for the banning target")
                .isEmpty();
        assertThat(leasedFor(pool, "other.example", strategy))
                .as("a request for another target")
                .contains(proxy.id());
        assertThat(storage()
                        .acquire(request(pool).strategy(strategy).build())
                        .map(l -> l.proxy().id()))
                .as("a request without a target")
                .contains(proxy.id());
        assertThat(standing(proxy).circuit()).isEqualTo(CircuitState.CLOSED);
    }

    @ParameterizedTest
    @EnumSource(SelectorStrategy.class)
    void a_request_for_the_target_gets_another_proxy(SelectorStrategy strategy) {
        ProxyPool pool = seedPool();
        Proxy banned = seedProxy(pool, b -> b.shared(3));
        Proxy other = seedProxy(pool, b -> b.shared(3));
        ban(pool, banned, TARGET);

        for (int i = 0; i < 3; i++) {
            assertThat(leasedFor(pool, TARGET, strategy)).contains(other.id());
        }
    }

    @Test
    void the_target_is_trimmed_and_compared_without_case() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        TargetBan ban = ban(pool, proxy, "  Shop.EXAMPLE ");

        assertThat(ban.target()).isEqualTo(TARGET);
        assertThat(ban.proxyId()).isEqualTo(proxy.id());
        assertThat(leasedFor(pool, TARGET, SelectorStrategy.FIRST_AVAILABLE)).isEmpty();
        assertThat(leasedFor(pool, "SHOP.example", SelectorStrategy.FIRST_AVAILABLE))
                .isEmpty();
        assertThat(leasedFor(pool, " shop.example\t", SelectorStrategy.FIRST_AVAILABLE))
                .isEmpty();
        assertThat(leasedFor(pool, "shop.example.org", SelectorStrategy.FIRST_AVAILABLE))
                .contains(proxy.id());
    }

    @Test
    void bans_lists_the_bans_in_force_by_target_until_the_ban_cooldown() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        Proxy clean = seedProxy(pool);
        long start = System.nanoTime();
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, Outcome.targetBlocked("zeta.example"), policy());
        report(leased, Outcome.targetBlocked("alpha.example"), policy());
        long elapsed = System.nanoTime() - start;

        List<TargetBan> bans = storage().bans(proxy.id());

        assertThat(bans).extracting(TargetBan::target).containsExactly("alpha.example", "zeta.example");
        assertThat(bans).allSatisfy(b -> {
            assertThat(b.proxyId()).isEqualTo(proxy.id());
            assertThat(Duration.between(leased.lease().acquiredAt(), b.until()))
                    .isGreaterThanOrEqualTo(shortTtl())
                    .isLessThanOrEqualTo(shortTtl().plusNanos(elapsed).plusMillis(20));
        });
        assertThat(storage().bans(clean.id())).isEmpty();
    }

    @Test
    void a_ban_ends_at_its_time() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        TargetBan ban = ban(pool, proxy, TARGET);

        advancePast(ban.until());

        assertThat(storage().bans(proxy.id())).isEmpty();
        assertThat(leasedFor(pool, TARGET, SelectorStrategy.FIRST_AVAILABLE)).contains(proxy.id());
    }

    @Test
    void cleanup_deletes_ended_bans_and_counts_only_leases() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool, b -> b.shared(2));
        Proxy other = seedProxy(pool);
        TargetBan first = ban(pool, proxy, TARGET);
        TargetBan second = ban(pool, other, "other.example");
        LeasedProxy lapsing = acquireShort(pool);
        Instant last = lapsing.lease().expiresAt();
        for (Instant t : List.of(first.until(), second.until())) {
            if (t.isAfter(last)) {
                last = t;
            }
        }

        advancePast(last);

        assertThat(storage().cleanupExpiredLeases())
                .as("leases expired by cleanup")
                .isEqualTo(1);
        assertThat(storage().bans(proxy.id())).isEmpty();
        assertThat(storage().bans(other.id())).isEmpty();
        assertThat(storage().cleanupExpiredLeases()).isZero();
        assertThat(leasedFor(pool, TARGET, SelectorStrategy.FIRST_AVAILABLE)).contains(proxy.id());
        assertInvariant(pool);
    }

    @Test
    void a_second_block_extends_the_ban() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, Outcome.targetBlocked(TARGET), policy());
        TargetBan first = storage().bans(proxy.id()).get(0);

        advancePast(first.until().minus(shortTtl()));
        report(leased, Outcome.targetBlocked(TARGET.toUpperCase(java.util.Locale.ROOT)), policy());

        List<TargetBan> bans = storage().bans(proxy.id());
        assertThat(bans).hasSize(1);
        assertThat(bans.get(0).until()).isAfter(first.until());
    }

    @Test
    void a_ban_in_force_is_never_shortened() {
        ProxyPool pool = seedPool();
        Proxy proxy = seedProxy(pool);
        LeasedProxy leased = leaseOf(pool, proxy);
        report(leased, Outcome.targetBlocked(TARGET), policy().withBanCooldown(Duration.ofHours(1)));
        TargetBan longBan = storage().bans(proxy.id()).get(0);

        report(leased, Outcome.targetBlocked(TARGET), policy());

        assertThat(storage().bans(proxy.id())).containsExactly(longBan);
    }

    @Test
    void bans_go_with_the_proxys_removal_and_do_not_touch_other_proxies() {
        ProxyPool pool = seedPool();
        Proxy removed = seedProxy(pool);
        Proxy kept = seedProxy(pool);
        ban(pool, removed, TARGET);
        TargetBan keptBan = ban(pool, kept, TARGET);

        storage().removeProxy(removed.id());

        assertThat(storage().bans(removed.id())).isEmpty();
        assertThat(storage().bans(kept.id())).containsExactly(keptBan);
    }
}
