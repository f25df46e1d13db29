package io.pharox.exception;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The stored credentials of a proxy cannot be turned back into its password: no key is
 * configured, the key that encrypted them is not held, the key held under that id is not the
 * one that encrypted them, or the stored value was altered. A storage throws this instead of
 * ever returning a wrong password. The message names the proxy and the key id; it never
 * holds a password, a key or a ciphertext.
 */
public class CredentialDecryptionException extends PharoxException {

    private static final long serialVersionUID = 1L;

    /** Why the credentials could not be decrypted. */
    public enum Reason {
        /** The credentials are encrypted, but the storage has no keys at all. */
        NO_KEYRING,
        /** The key id stored with the credentials is not among the keys the storage holds. */
        UNKNOWN_KEY,
        /**
         * The key held under the stored id did not authenticate the value: a different key
         * under the same id, or a stored value that was altered or moved from another row.
         */
        REJECTED,
        /** The stored value is not in a format this version reads. */
        MALFORMED
    }

    private final UUID proxyId;
    private final @Nullable String keyId;
    private final Reason reason;

    /**
     * @param proxyId the proxy whose credentials were read
     * @param keyId   the key id stored with them, if any
     * @param reason  why they could not be decrypted
     */
    public CredentialDecryptionException(UUID proxyId, @Nullable String keyId, Reason reason) {
        this(proxyId, keyId, reason, null);
    }

    /**
     * @param proxyId the proxy whose credentials were read
     * @param keyId   the key id stored with them, if any
     * @param reason  why they could not be decrypted
     * @param cause   the cryptographic failure, if any (its message holds no secret)
     */
    public CredentialDecryptionException(
            UUID proxyId, @Nullable String keyId, Reason reason, @Nullable Throwable cause) {
        super(message(proxyId, keyId, reason));
        if (cause != null) {
            initCause(cause);
        }
        this.proxyId = proxyId;
        this.keyId = keyId;
        this.reason = reason;
    }

    private static String message(UUID proxyId, @Nullable String keyId, Reason reason) {
        Objects.requireNonNull(proxyId, "proxyId");
        Objects.requireNonNull(reason, "reason");
        String key = "key '" + keyId + "'";
        return switch (reason) {
            case NO_KEYRING ->
                "credentials of proxy " + proxyId + " are encrypted with " + key
                        + ", but this storage has no credential keyring configured";
            case UNKNOWN_KEY ->
                "credentials of proxy " + proxyId + " are encrypted with " + key
                        + ", which the credential keyring does not hold";
            case REJECTED ->
                "credentials of proxy " + proxyId + " do not decrypt with " + key
                        + ": the keyring holds a different key under that id, or the stored value was altered";
            case MALFORMED ->
                "credentials of proxy " + proxyId + " (" + key + ") are not in a format this version of Pharox reads";
        };
    }

    /** The proxy whose credentials could not be decrypted. */
    public UUID proxyId() {
        return proxyId;
    }

    /** The key id stored with the credentials, if the row had one. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** Why the credentials could not be decrypted. */
    public Reason reason() {
        return reason;
    }
}
