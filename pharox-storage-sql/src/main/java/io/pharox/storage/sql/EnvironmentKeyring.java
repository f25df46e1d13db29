package io.pharox.storage.sql;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The shipped {@link CredentialKeyring} that reads base64-encoded AES keys from environment
 * variables:
 *
 * <ul>
 *   <li>{@value #KEY}: the current key, 16, 24 or 32 bytes in base64 (e.g. {@code openssl rand
 *       -base64 32});
 *   <li>{@value #KEY_ID}: its id, stored with every value it encrypts (1 to 64 letters, digits,
 *       {@code .}, {@code _} or {@code -}); required whenever {@value #KEY} is set, so that a
 *       new key always comes with a new id;
 *   <li>{@value #OLD_KEYS} (optional): earlier keys that still decrypt values not yet rotated,
 *       as {@code id:base64} pairs separated by commas.
 * </ul>
 *
 * <p>A malformed variable is refused with an {@link IllegalArgumentException} that names the
 * variable (and the entry, by position), never its value.
 */
public final class EnvironmentKeyring {

    /** The variable holding the current key, in base64. */
    public static final String KEY = "PHAROX_CREDENTIAL_KEY";

    /** The variable holding the current key's id. */
    public static final String KEY_ID = "PHAROX_CREDENTIAL_KEY_ID";

    /** The variable holding earlier keys, {@code id:base64} pairs separated by commas. */
    public static final String OLD_KEYS = "PHAROX_CREDENTIAL_OLD_KEYS";

    private EnvironmentKeyring() {}

    /**
     * The keyring of this process's environment ({@link System#getenv()}).
     *
     * @throws IllegalStateException if {@value #KEY} is not set
     * @throws IllegalArgumentException if a variable is malformed
     */
    public static CredentialKeyring fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * The keyring that the variables {@code env} describe.
     *
     * @throws IllegalStateException if {@value #KEY} is not set
     * @throws IllegalArgumentException if a variable is malformed
     */
    public static CredentialKeyring from(Map<String, String> env) {
        return ifConfigured(env)
                .orElseThrow(() -> new IllegalStateException("no credential key configured: set " + KEY
                        + " to a base64 AES key (16, 24 or 32 bytes) and " + KEY_ID + " to its id"));
    }

    /**
     * The keyring that the variables {@code env} describe, or empty if {@value #KEY} is not set
     * (and {@value #KEY_ID} and {@value #OLD_KEYS} are not set either).
     *
     * @throws IllegalArgumentException if a variable is malformed, or {@value #KEY_ID} or
     *         {@value #OLD_KEYS} is set without {@value #KEY}
     */
    public static Optional<CredentialKeyring> ifConfigured(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String key = blankToNull(env.get(KEY));
        String keyId = blankToNull(env.get(KEY_ID));
        String oldKeys = blankToNull(env.get(OLD_KEYS));
        if (key == null) {
            if (keyId != null || oldKeys != null) {
                throw new IllegalArgumentException((keyId != null ? KEY_ID : OLD_KEYS) + " is set but " + KEY
                        + " is not: set the current key too");
            }
            return Optional.empty();
        }
        if (keyId == null) {
            throw new IllegalArgumentException(
                    KEY + " is set but " + KEY_ID + " is not: give the key an id, stored with every value it encrypts");
        }
        String id = keyId.trim();
        try {
            CredentialKeyring.requireKeyId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY_ID + ": " + e.getMessage(), e);
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        keys.put(id, decode(key, KEY));
        if (oldKeys != null) {
            String[] entries = oldKeys.split(",", -1);
            for (int i = 0; i < entries.length; i++) {
                String where = OLD_KEYS + " entry " + (i + 1);
                String entry = entries[i].trim();
                int colon = entry.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(where + " must be id:base64-key");
                }
                String oldId = entry.substring(0, colon).trim();
                try {
                    CredentialKeyring.requireKeyId(oldId);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
                if (keys.containsKey(oldId)) {
                    throw new IllegalArgumentException(where + " repeats the key id '" + oldId + "'");
                }
                keys.put(oldId, decode(entry.substring(colon + 1), where));
            }
        }
        return Optional.of(CredentialKeyring.of(id, keys));
    }

    private static SecretKey decode(String base64, String where) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            // the decoder's message quotes a character of the key: leave it out
            throw new IllegalArgumentException(where + " is not valid base64");
        }
        if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalArgumentException(
                    where + " must decode to an AES key of 16, 24 or 32 bytes, decodes to " + bytes.length + " bytes");
        }
        return CredentialKeyring.aesKey(bytes);
    }

    private static @org.jspecify.annotations.Nullable String blankToNull(@org.jspecify.annotations.Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
