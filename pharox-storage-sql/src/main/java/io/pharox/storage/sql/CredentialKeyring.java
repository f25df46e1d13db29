package io.pharox.storage.sql;

import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * Where the SQL adapters get the AES keys that encrypt proxy credentials at rest: the port
 * through which the application supplies them. Every stored value carries the id of the key
 * that encrypted it, so that keys can rotate: new values are encrypted with the
 * {@linkplain #currentKeyId() current key}, and older values stay readable for as long as the
 * keyring still holds their key.
 */
public interface CredentialKeyring {

    /** The id of the key that encrypts new values; {@link #key} must return it. */
    String currentKeyId();

    /** The AES key named {@code keyId}, or empty if this keyring does not hold it. */
    Optional<SecretKey> key(String keyId);
}
