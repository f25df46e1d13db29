package io.pharox.model;

import static io.pharox.Fixtures.POOL_ID;
import static io.pharox.Fixtures.T0;
import static io.pharox.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class LeasedProxyTest {

    @Test
    void a_lease_on_the_given_proxy_is_accepted() {
        Proxy p = proxy().currentLeases(1).build();
        Lease lease = Lease.active(Ids.next(), POOL_ID, p.id(), Ids.next(), T0, T0.plusSeconds(60));

        LeasedProxy leased = new LeasedProxy(lease, p);

        assertThat(leased.lease()).isSameAs(lease);
        assertThat(leased.proxy()).isSameAs(p);
    }

    @Test
    void a_lease_on_another_proxy_is_rejected_naming_the_lease_and_both_proxies() {
        Proxy p = proxy().build();
        Lease lease = Lease.active(Ids.next(), POOL_ID, Ids.next(), Ids.next(), T0, T0.plusSeconds(60));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LeasedProxy(lease, p))
                .withMessage("lease " + lease.id() + " is on proxy " + lease.proxyId() + ", not on " + p.id());
    }

    @Test
    void a_missing_lease_or_proxy_is_rejected_naming_it() {
        Proxy p = proxy().build();
        Lease lease = Lease.active(Ids.next(), POOL_ID, p.id(), Ids.next(), T0, T0.plusSeconds(60));

        assertThatNullPointerException()
                .isThrownBy(() -> new LeasedProxy(null, p))
                .withMessage("lease");
        assertThatNullPointerException()
                .isThrownBy(() -> new LeasedProxy(lease, null))
                .withMessage("proxy");
    }
}
