package io.pharox.exception;

import java.util.UUID;

/** No proxy has the given id. */
public class ProxyNotFoundException extends PharoxException {

    private static final long serialVersionUID = 1L;

    /** @param proxyId the id that was looked up */
    public ProxyNotFoundException(UUID proxyId) {
        super("proxy " + proxyId + " does not exist");
    }
}
