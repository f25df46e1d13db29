package io.pharox.exception;

import java.util.Objects;
import java.util.UUID;

/**
 * A proxy with credentials was to be stored, but the storage has no key to encrypt them at
 * rest and was not told that plain text is acceptable. Nothing was written. The message names
 * the proxy and how to configure the storage; it never holds the password.
 */
public class CredentialEncryptionRequiredException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final UUID proxyId;

    /**
     * @param proxyId the proxy that was not stored
     * @param remedy  how to configure the storage so that it stores credentials: a key, or
     *                plain text allowed explicitly
     */
    public CredentialEncryptionRequiredException(UUID proxyId, String remedy) {
        super("proxy " + Objects.requireNonNull(proxyId, "proxyId")
                + " has credentials, and this storage has no key to encrypt them at rest: "
                + Objects.requireNonNull(remedy, "remedy"));
        this.proxyId = proxyId;
    }

    /** The proxy that was not stored. */
    public UUID proxyId() {
        return proxyId;
    }
}
