package io.pharox.storage.sql;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.SecretKey;

/** The keyring of {@link CredentialKeyring#of(String, Map)}: keys held in memory. */
final class FixedKeyring implements CredentialKeyring {

    private final String currentKeyId;
    private final Map<String, SecretKey> keys;

    FixedKeyring(String currentKeyId, Map<String, SecretKey> keys) {
        CredentialKeyring.requireKeyId(currentKeyId);
        Objects.requireNonNull(keys, "keys");
        TreeMap<String, SecretKey> copy = new TreeMap<>();
        keys.forEach((id, key) -> {
            CredentialKeyring.requireKeyId(id);
            Objects.requireNonNull(key, () -> "key '" + id + "'");
            byte[] encoded = key.getEncoded();
            int length = encoded == null ? 0 : encoded.length;
            if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || (length != 16 && length != 24 && length != 32)) {
                throw new IllegalArgumentException("credential key '" + id
                        + "' must be an AES key of 16, 24 or 32 bytes, was " + key.getAlgorithm() + " of "
                        + length + " bytes");
            }
            copy.put(id, key);
        });
        if (!copy.containsKey(currentKeyId)) {
            throw new IllegalArgumentException(
                    "the current credential key '" + currentKeyId + "' is not among the keys " + copy.keySet());
        }
        this.currentKeyId = currentKeyId;
        this.keys = Map.copyOf(copy);
    }

    @Override
    public String currentKeyId() {
        return currentKeyId;
    }

    @Override
    public Optional<SecretKey> key(String keyId) {
        return Optional.ofNullable(keys.get(Objects.requireNonNull(keyId, "keyId")));
    }

    /** The ids, never the keys. */
    @Override
    public String toString() {
        return "CredentialKeyring[current=" + currentKeyId + ", keys=" + new TreeMap<>(keys).keySet() + "]";
    }
}
