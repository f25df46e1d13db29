package io.pharox.storage.sql;

import io.pharox.exception.CredentialDecryptionException;
import io.pharox.exception.CredentialDecryptionException.Reason;
import io.pharox.exception.CredentialEncryptionRequiredException;
import io.pharox.model.Credentials;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.jspecify.annotations.Nullable;

/**
 * How the SQL adapters store proxy passwords: sealed with AES-GCM under the
 * {@linkplain SqlStorageOptions#credentialKeyring() keyring's} current key when one is
 * configured, in plain text when the options {@linkplain
 * SqlStorageOptions#plaintextCredentialsAllowed() allow it}, and not at all otherwise.
 *
 * <p>A sealed password is a format byte ({@value #FORMAT}), a random 12-byte nonce, and the
 * ciphertext with its 128-bit tag, all through the JDK's {@code AES/GCM/NoPadding}. The
 * authenticated data binds the proxy id, the key id and the username, so a sealed value
 * copied to another row, relabelled with another key id, or paired with another username
 * does not decrypt: {@link #open} throws {@link CredentialDecryptionException}, never a
 * wrong password. Thread-safe.
 */
public final class CredentialCipher {

    /** The first byte of every sealed value: the version of this format. */
    public static final byte FORMAT = 1;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final @Nullable CredentialKeyring keyring;
    private final boolean plaintextAllowed;
    private final SecureRandom random = new SecureRandom();

    private CredentialCipher(@Nullable CredentialKeyring keyring, boolean plaintextAllowed) {
        this.keyring = keyring;
        this.plaintextAllowed = plaintextAllowed;
    }

    /** The cipher for {@code options}: its keyring, or plain text if allowed, or refusal. */
    public static CredentialCipher of(SqlStorageOptions options) {
        Objects.requireNonNull(options, "options");
        return new CredentialCipher(options.credentialKeyring().orElse(null), options.plaintextCredentialsAllowed());
    }

    /** The keyring this cipher seals with, if one is configured. */
    public Optional<CredentialKeyring> keyring() {
        return Optional.ofNullable(keyring);
    }

    /**
     * The columns that store {@code credentials} of the proxy {@code proxyId}: sealed under the
     * current key if a keyring is configured, else in plain text if that is allowed.
     *
     * @throws CredentialEncryptionRequiredException if there are credentials, no keyring, and
     *         plain text is not allowed
     */
    public StoredCredentials seal(UUID proxyId, @Nullable Credentials credentials) {
        Objects.requireNonNull(proxyId, "proxyId");
        if (credentials == null) {
            return StoredCredentials.NONE;
        }
        if (keyring == null) {
            if (!plaintextAllowed) {
                throw new CredentialEncryptionRequiredException(
                        proxyId,
                        "configure a key with SqlStorageOptions.builder().credentialKeyring(...) (for example"
                                + " EnvironmentKeyring.fromEnvironment(), reading " + EnvironmentKeyring.KEY
                                + "), or store them in plain text with"
                                + " SqlStorageOptions.builder().allowPlaintextCredentials()");
            }
            return new StoredCredentials(credentials.username(), credentials.password(), null, null);
        }
        String keyId = keyring.currentKeyId();
        SecretKey key = keyring.key(keyId)
                .orElseThrow(() -> new IllegalStateException(
                        "the credential keyring does not hold its own current key '" + keyId + "'"));
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(proxyId, keyId, credentials.username()));
            byte[] sealed = cipher.doFinal(credentials.password().getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
            out.put(FORMAT).put(nonce).put(sealed);
            return new StoredCredentials(credentials.username(), null, out.array(), keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "encrypting the credentials of proxy " + proxyId + " with key '" + keyId + "' failed: "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    /**
     * The credentials that {@code stored} holds for the proxy {@code proxyId}: empty when it
     * has none, the plain password of a row stored in plain text, or the sealed password
     * decrypted. Plain rows are read whatever the options say, so that rows written before a
     * key was configured stay readable until they are encrypted.
     *
     * @throws CredentialDecryptionException if the password is sealed and cannot be
     *         decrypted: no keyring, a key id the keyring does not hold, a key that does not
     *         authenticate the value, or a value not in this format
     * @throws IllegalStateException if the row has a username but no password at all
     */
    public Optional<Credentials> open(UUID proxyId, StoredCredentials stored) {
        Objects.requireNonNull(proxyId, "proxyId");
        Objects.requireNonNull(stored, "stored");
        String username = stored.username();
        if (username == null) {
            return Optional.empty();
        }
        byte[] ciphertext = stored.ciphertext();
        String keyId = stored.keyId();
        if (ciphertext == null || keyId == null) {
            String password = stored.password();
            if (password == null) {
                throw new IllegalStateException(
                        "proxy " + proxyId + " has a username but neither a password nor a sealed password");
            }
            return Optional.of(new Credentials(username, password));
        }
        if (keyring == null) {
            throw new CredentialDecryptionException(proxyId, keyId, Reason.NO_KEYRING);
        }
        SecretKey key = keyring.key(keyId)
                .orElseThrow(() -> new CredentialDecryptionException(proxyId, keyId, Reason.UNKNOWN_KEY));
        if (ciphertext.length < 1 + NONCE_BYTES + TAG_BITS / 8 || ciphertext[0] != FORMAT) {
            throw new CredentialDecryptionException(proxyId, keyId, Reason.MALFORMED);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(ciphertext, 1, 1 + NONCE_BYTES)));
            cipher.updateAAD(aad(proxyId, keyId, username));
            byte[] password = cipher.doFinal(ciphertext, 1 + NONCE_BYTES, ciphertext.length - 1 - NONCE_BYTES);
            return Optional.of(new Credentials(username, new String(password, StandardCharsets.UTF_8)));
        } catch (AEADBadTagException e) {
            throw new CredentialDecryptionException(proxyId, keyId, Reason.REJECTED, e);
        } catch (GeneralSecurityException e) {
            // e.g. a key of the wrong size under that id: the keyring is not the one that sealed it
            throw new CredentialDecryptionException(proxyId, keyId, Reason.REJECTED, e);
        }
    }

    /** What the tag authenticates besides the password: where the value belongs and under which key. */
    private static byte[] aad(UUID proxyId, String keyId, String username) {
        return ("pharox-credentials/1\0" + proxyId + "\0" + keyId + "\0" + username).getBytes(StandardCharsets.UTF_8);
    }
}
