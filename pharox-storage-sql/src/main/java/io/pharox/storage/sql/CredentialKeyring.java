package io.pharox.storage.sql;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where the SQL adapters get the AES keys that encrypt proxy credentials at rest: the port
 * through which the application supplies them. Every stored value carries the id of the key
 * that encrypted it, so that keys can rotate: new values are encrypted with the
 * {@linkplain #currentKeyId() current key}, and older values stay readable for as long as the
 * keyring still holds their key.
 *
 * <p>Two implementations ship: {@link #of(String, Map)} holds keys the application already
 * has (from its secret store), and {@link EnvironmentKeyring} reads them from environment
 * variables. An implementation of your own must be thread-safe and must always return the
 * same key for an id: a different key under an id that has encrypted values makes those
 * values unreadable (a {@link io.pharox.exception.CredentialDecryptionException}).
 */
public interface CredentialKeyring {

    /** The id of the key that encrypts new values; {@link #key} must return it. */
    String currentKeyId();

    /** The AES key named {@code keyId}, or empty if this keyring does not hold it. */
    Optional<SecretKey> key(String keyId);

    /**
     * A keyring holding {@code keys} by id, encrypting with the one named {@code currentKeyId};
     * the others decrypt values not yet rotated to it.
     *
     * @throws IllegalArgumentException if a key id is not {@linkplain #requireKeyId well formed},
     *         a key is not an AES key of 16, 24 or 32 bytes, or {@code keys} holds no key named
     *         {@code currentKeyId} (the message names ids and lengths, never a key)
     */
    static CredentialKeyring of(String currentKeyId, Map<String, SecretKey> keys) {
        return new FixedKeyring(currentKeyId, keys);
    }

    /** A keyring holding the one key {@code key}, named {@code keyId}, as {@link #of(String, Map)}. */
    static CredentialKeyring of(String keyId, SecretKey key) {
        return of(keyId, Map.of(requireKeyId(keyId), Objects.requireNonNull(key, "key")));
    }

    /**
     * {@code bytes} as an AES key.
     *
     * @throws IllegalArgumentException if there are not 16, 24 or 32 bytes
     */
    static SecretKey aesKey(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalArgumentException("an AES key must be 16, 24 or 32 bytes, was " + bytes.length + " bytes");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /**
     * {@code keyId}, if it is a well-formed key id: 1 to 64 letters, digits, {@code .},
     * {@code _} or {@code -} (it is stored with every value and read from environment lists).
     *
     * @throws IllegalArgumentException naming the id otherwise
     */
    static String requireKeyId(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (!keyId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(
                    "a credential key id must be 1 to 64 letters, digits, '.', '_' or '-', was '" + keyId + "'");
        }
        return keyId;
    }
}
