package io.pharox.spring.boot.app;

import io.pharox.ProxyManager;
import io.pharox.model.LeasedProxy;
import java.util.Optional;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/** A tiny application using the starter: nothing Pharox-specific but a service that leases. */
@SpringBootApplication
public class LeasingApplication {

    /** The application's own service, with the auto-configured manager injected. */
    @Service
    public static class Crawler {
        private final ProxyManager proxies;

        Crawler(ProxyManager proxies) {
            this.proxies = proxies;
        }

        /** Leases a proxy of the pool, "uses" it, and gives it back; the proxy's port, or empty. */
        public Optional<Integer> crawlOnce(String pool) {
            Optional<LeasedProxy> leased = proxies.acquire(pool);
            leased.ifPresent(proxies::release);
            return leased.map(l -> l.proxy().port());
        }
    }
}
