package io.pharox.storage.sql;

import org.jspecify.annotations.Nullable;

/**
 * A proxy's credentials as the {@code proxy} table holds them: the username in clear, and the
 * password either in clear ({@code password}, when plain text is allowed or the row predates
 * the key) or sealed ({@code ciphertext} with the id of the key that sealed it). All four
 * are {@code null} for a proxy without credentials. {@link CredentialCipher} makes and opens
 * these.
 *
 * @param username   the username, or {@code null} if the proxy has no credentials
 * @param password   the password in plain text, or {@code null}
 * @param ciphertext the sealed password, or {@code null}
 * @param keyId      the id of the key that sealed {@code ciphertext}, or {@code null}
 */
@SuppressWarnings("ArrayRecordComponent") // a column value, never compared
public record StoredCredentials(
        @Nullable String username,
        @Nullable String password,
        byte @Nullable [] ciphertext,
        @Nullable String keyId) {

    /** The columns of a proxy without credentials. */
    public static final StoredCredentials NONE = new StoredCredentials(null, null, null, null);

    /** Whether the password is sealed. */
    public boolean encrypted() {
        return ciphertext != null;
    }

    /** The username and key id only: never the password or the ciphertext. */
    @Override
    public String toString() {
        return "StoredCredentials[username=" + username + ", password=" + (password == null ? "null" : "****")
                + ", ciphertext=" + (ciphertext == null ? "null" : ciphertext.length + " bytes") + ", keyId="
                + keyId + "]";
    }
}
