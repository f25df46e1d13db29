package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.CredentialDecryptionException;
import io.pharox.exception.CredentialDecryptionException.Reason;
import io.pharox.exception.CredentialEncryptionRequiredException;
import io.pharox.model.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class CredentialCipherTest {

    private static final UUID PROXY = UUID.fromString("00000000-0000-7000-8000-000000000001");
    private static final UUID OTHER_PROXY = UUID.fromString("00000000-0000-7000-8000-000000000002");
    private static final SecretKey K1 = CredentialKeyring.aesKey(filled(32, 1));
    private static final SecretKey K2 = CredentialKeyring.aesKey(filled(32, 2));
    private static final Credentials ALICE = new Credentials("alice", "s3cret-pässword");

    private static CredentialCipher cipher(CredentialKeyring keyring) {
        return CredentialCipher.of(
                SqlStorageOptions.builder().credentialKeyring(keyring).build());
    }

    @Test
    void sealed_credentials_open_to_the_same_credentials() {
        CredentialCipher cipher = cipher(CredentialKeyring.of("k1", K1));
        StoredCredentials sealed = cipher.seal(PROXY, ALICE);

        assertThat(sealed.username()).isEqualTo("alice");
        assertThat(sealed.password()).isNull();
        assertThat(sealed.keyId()).isEqualTo("k1");
        assertThat(sealed.ciphertext()).isNotNull();
        assertThat(sealed.ciphertext()[0]).isEqualTo(CredentialCipher.FORMAT);
        // format byte, 12-byte nonce, the UTF-8 password, a 16-byte tag
        assertThat(sealed.ciphertext()).hasSize(1 + 12 + ALICE.password().getBytes(StandardCharsets.UTF_8).length + 16);
        assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
        assertThat(cipher.open(PROXY, sealed)).contains(ALICE);
        assertThat(sealed.toString()).doesNotContain("s3cret");
    }

    @Test
    void every_seal_draws_a_new_nonce() {
        CredentialCipher cipher = cipher(CredentialKeyring.of("k1", K1));
        byte[] first = cipher.seal(PROXY, ALICE).ciphertext();
        byte[] second = cipher.seal(PROXY, ALICE).ciphertext();

        assertThat(Arrays.copyOfRange(first, 1, 13)).isNotEqualTo(Arrays.copyOfRange(second, 1, 13));
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void an_empty_password_round_trips() {
        CredentialCipher cipher = cipher(CredentialKeyring.of("k1", K1));
        Credentials empty = new Credentials("bob", "");
        assertThat(cipher.open(PROXY, cipher.seal(PROXY, empty))).contains(empty);
    }

    @Test
    void no_credentials_store_nothing() {
        CredentialCipher refusing = CredentialCipher.of(SqlStorageOptions.defaults());
        assertThat(refusing.seal(PROXY, null)).isEqualTo(StoredCredentials.NONE);
        assertThat(refusing.open(PROXY, StoredCredentials.NONE)).isEmpty();
    }

    @Test
    void the_value_is_bound_to_its_proxy_username_and_key_id() {
        CredentialCipher cipher = cipher(CredentialKeyring.of("k1", Map.of("k1", K1, "k2", K1)));
        StoredCredentials sealed = cipher.seal(PROXY, ALICE);

        assertRejected(() -> cipher.open(OTHER_PROXY, sealed), OTHER_PROXY, "k1", Reason.REJECTED);
        assertRejected(
                () -> cipher.open(PROXY, new StoredCredentials("mallory", null, sealed.ciphertext(), "k1")),
                PROXY,
                "k1",
                Reason.REJECTED);
        // the same key bytes under another id: the id is authenticated too
        assertRejected(
                () -> cipher.open(PROXY, new StoredCredentials("alice", null, sealed.ciphertext(), "k2")),
                PROXY,
                "k2",
                Reason.REJECTED);
    }

    @Test
    void a_flipped_bit_is_rejected() {
        CredentialCipher cipher = cipher(CredentialKeyring.of("k1", K1));
        byte[] ciphertext = cipher.seal(PROXY, ALICE).ciphertext().clone();
        ciphertext[ciphertext.length - 1] ^= 1;

        assertRejected(
                () -> cipher.open(PROXY, new StoredCredentials("alice", null, ciphertext, "k1")),
                PROXY,
                "k1",
                Reason.REJECTED);
    }

    @Test
    void wrong_unknown_and_missing_keys_are_named() {
        StoredCredentials sealed = cipher(CredentialKeyring.of("k1", K1)).seal(PROXY, ALICE);

        assertRejected(() -> cipher(CredentialKeyring.of("k1", K2)).open(PROXY, sealed), PROXY, "k1", Reason.REJECTED);
        assertRejected(
                () -> cipher(CredentialKeyring.of("k2", K1)).open(PROXY, sealed), PROXY, "k1", Reason.UNKNOWN_KEY);
        assertRejected(
                () -> CredentialCipher.of(SqlStorageOptions.defaults()).open(PROXY, sealed),
                PROXY,
                "k1",
                Reason.NO_KEYRING);
        assertRejected(
                () -> cipher(CredentialKeyring.of("k1", K1))
                        .open(PROXY, new StoredCredentials("alice", null, new byte[] {9, 1, 2}, "k1")),
                PROXY,
                "k1",
                Reason.MALFORMED);
    }

    @Test
    void without_a_keyring_credentials_are_refused_unless_plain_text_is_allowed() {
        assertThatThrownBy(
                        () -> CredentialCipher.of(SqlStorageOptions.defaults()).seal(PROXY, ALICE))
                .isInstanceOf(CredentialEncryptionRequiredException.class)
                .hasMessageContaining(PROXY.toString())
                .hasMessageContaining(EnvironmentKeyring.KEY)
                .hasMessageNotContaining("s3cret");

        CredentialCipher plain = CredentialCipher.of(
                SqlStorageOptions.builder().allowPlaintextCredentials().build());
        StoredCredentials stored = plain.seal(PROXY, ALICE);
        assertThat(stored).isEqualTo(new StoredCredentials("alice", "s3cret-pässword", null, null));
        assertThat(plain.open(PROXY, stored)).contains(ALICE);
    }

    @Test
    void plain_rows_stay_readable_with_a_key_configured() {
        CredentialCipher cipher = cipher(CredentialKeyring.of("k1", K1));
        assertThat(cipher.open(PROXY, new StoredCredentials("alice", "old", null, null)))
                .contains(new Credentials("alice", "old"));
        assertThatIllegalStateException()
                .isThrownBy(() -> cipher.open(PROXY, new StoredCredentials("alice", null, null, null)))
                .withMessageContaining(PROXY.toString());
    }

    private static void assertRejected(Runnable call, UUID proxy, String keyId, Reason reason) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(CredentialDecryptionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.proxyId()).isEqualTo(proxy);
                    assertThat(e.keyId()).contains(keyId);
                })
                .hasMessageContaining(proxy.toString())
                .hasMessageContaining("'" + keyId + "'")
                .hasMessageNotContaining("s3cret");
    }

    static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
