package io.pharox.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.pharox.model.Lease;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.SessionBinding;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StickySessionTest {

    @Test
    void of_gives_the_defaults() {
        StickySession session = StickySession.of("checkout-42");

        assertThat(session.key()).isEqualTo("checkout-42");
        assertThat(session.idleTimeout())
                .isEqualTo(StickySession.DEFAULT_IDLE_TIMEOUT)
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(session.maxUses()).isEmpty();
        assertThat(session.onUnavailable()).isEqualTo(SessionFallback.REBIND);
    }

    @Test
    void copies_change_one_value_and_leave_the_original() {
        StickySession base = StickySession.of("k");
        StickySession changed =
                base.withIdleTimeout(Duration.ofSeconds(30)).withMaxUses(5).waitForProxy();

        assertThat(changed)
                .isEqualTo(new StickySession("k", Duration.ofSeconds(30), OptionalInt.of(5), SessionFallback.WAIT));
        assertThat(base).isEqualTo(StickySession.of("k"));
        assertThat(changed.withoutMaxUses().maxUses()).isEmpty();
        assertThat(changed.rebindToAnotherProxy().onUnavailable()).isEqualTo(SessionFallback.REBIND);
    }

    @Test
    void the_idle_timeout_is_kept_to_the_microsecond_within_its_range() {
        assertThat(StickySession.of("k")
                        .withIdleTimeout(Duration.ofNanos(1_000_999))
                        .idleTimeout())
                .isEqualTo(Duration.ofNanos(1_000_000));
        assertThat(StickySession.of("k").withIdleTimeout(Duration.ofDays(7)).idleTimeout())
                .isEqualTo(Duration.ofDays(7));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StickySession.of("k").withIdleTimeout(Duration.ofNanos(999_999)))
                .withMessageContaining("idleTimeout")
                .withMessageContaining("PT0.000999S");
    }

    @Test
    void a_session_ends_at_its_max_uses_only() {
        StickySession limited = StickySession.of("k").withMaxUses(3);

        assertThat(limited.endsAt(2)).isFalse();
        assertThat(limited.endsAt(3)).isTrue();
        assertThat(StickySession.of("k").endsAt(Integer.MAX_VALUE)).isFalse();
    }

    @Test
    void a_request_carries_its_session_through_its_builder() {
        AcquireRequest request =
                AcquireRequest.forPool("p").session("checkout-42").build();

        assertThat(request.session()).contains(StickySession.of("checkout-42"));
        assertThat(request.toBuilder().build()).isEqualTo(request);
        assertThat(AcquireRequest.forPool("p").build().session()).isEmpty();
    }

    @Test
    void a_request_with_a_session_and_an_idempotency_key_is_refused_naming_both() {
        UUID key = UUID.randomUUID();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> AcquireRequest.forPool("p")
                        .session("checkout-42")
                        .idempotencyKey(key)
                        .build())
                .withMessageContaining("checkout-42")
                .withMessageContaining(key.toString());
    }

    @Test
    void a_leased_proxy_keeps_its_binding_when_its_proxy_is_replaced() {
        Proxy proxy = Proxy.builder()
                .poolId(UUID.randomUUID())
                .address("10.0.0.1", 8080)
                .build();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        Lease lease = Lease.active(
                UUID.randomUUID(), proxy.poolId(), proxy.id(), UUID.randomUUID(), now, now.plusSeconds(60));
        SessionBinding binding = new SessionBinding("k", SessionBinding.State.REBOUND, 2);

        LeasedProxy leased = new LeasedProxy(lease, proxy).withSession(binding);

        assertThat(leased.session()).contains(binding);
        assertThat(leased.withProxy(proxy.toBuilder().credentials(null).build()).session())
                .contains(binding);
        assertThat(binding.rebound()).isTrue();
        assertThat(new LeasedProxy(lease, proxy).session()).isEmpty();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionBinding("k", SessionBinding.State.NEW, 0))
                .withMessageContaining("0");
    }
}
