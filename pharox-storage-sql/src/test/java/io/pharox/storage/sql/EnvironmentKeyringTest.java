package io.pharox.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.Base64;
import java.util.Map;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentKeyringTest {

    private static final String K32 = Base64.getEncoder().encodeToString(CredentialCipherTest.filled(32, 7));
    private static final String K16 = Base64.getEncoder().encodeToString(CredentialCipherTest.filled(16, 8));
    private static final String K24 = Base64.getEncoder().encodeToString(CredentialCipherTest.filled(24, 9));

    @Test
    void the_current_key_and_older_keys_are_read_by_id() {
        CredentialKeyring keyring = EnvironmentKeyring.from(Map.of(
                EnvironmentKeyring.KEY,
                K32,
                EnvironmentKeyring.KEY_ID,
                "2026-12",
                EnvironmentKeyring.OLD_KEYS,
                "2026-06:" + K16 + ", 2025.1:" + K24));

        assertThat(keyring.currentKeyId()).isEqualTo("2026-12");
        assertThat(keyring.key("2026-12").map(SecretKey::getEncoded)).contains(CredentialCipherTest.filled(32, 7));
        assertThat(keyring.key("2026-06").map(SecretKey::getEncoded)).contains(CredentialCipherTest.filled(16, 8));
        assertThat(keyring.key("2025.1").map(SecretKey::getEncoded)).contains(CredentialCipherTest.filled(24, 9));
        assertThat(keyring.key("other")).isEmpty();
        assertThat(keyring.toString()).contains("2026-12", "2026-06").doesNotContain(K32, K16);
    }

    @Test
    void nothing_set_is_no_keyring() {
        assertThat(EnvironmentKeyring.ifConfigured(Map.of())).isEmpty();
        assertThatIllegalStateException()
                .isThrownBy(() -> EnvironmentKeyring.from(Map.of()))
                .withMessageContaining(EnvironmentKeyring.KEY)
                .withMessageContaining(EnvironmentKeyring.KEY_ID);
    }

    @Test
    void a_key_needs_an_id() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EnvironmentKeyring.from(Map.of(EnvironmentKeyring.KEY, K32)))
                .withMessageContaining(EnvironmentKeyring.KEY_ID)
                .withMessageNotContaining(K32);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EnvironmentKeyring.ifConfigured(Map.of(EnvironmentKeyring.KEY_ID, "a")))
                .withMessageContaining(EnvironmentKeyring.KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64 at all!", "c2hvcnQ=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="})
    void a_malformed_key_is_refused_by_variable_never_by_value(String key) {
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        EnvironmentKeyring.from(Map.of(EnvironmentKeyring.KEY, key, EnvironmentKeyring.KEY_ID, "k")))
                .withMessageStartingWith(EnvironmentKeyring.KEY + " ")
                .withMessageNotContaining(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nocolon", ":" + "AAAAAAAAAAAAAAAAAAAAAA==", "bad id:AAAAAAAAAAAAAAAAAAAAAA==", "k:short"})
    void a_malformed_old_key_is_refused_by_position(String entry) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EnvironmentKeyring.from(Map.of(
                        EnvironmentKeyring.KEY,
                        K32,
                        EnvironmentKeyring.KEY_ID,
                        "current",
                        EnvironmentKeyring.OLD_KEYS,
                        "ok:" + K16 + "," + entry)))
                .withMessageStartingWith(EnvironmentKeyring.OLD_KEYS + " entry 2")
                .withMessageNotContaining(K16)
                .withMessageNotContaining("AAAAAAAAAAAAAAAAAAAAAA==");
    }

    @Test
    void an_old_key_may_not_reuse_an_id() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> EnvironmentKeyring.from(Map.of(
                        EnvironmentKeyring.KEY,
                        K32,
                        EnvironmentKeyring.KEY_ID,
                        "k",
                        EnvironmentKeyring.OLD_KEYS,
                        "k:" + K16)))
                .withMessageContaining("'k'");
    }

    @Test
    void keyring_of_checks_ids_and_keys() {
        SecretKey key = CredentialKeyring.aesKey(new byte[16]);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CredentialKeyring.of("a", Map.of("b", key)))
                .withMessageContaining("'a'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CredentialKeyring.of("a b", key))
                .withMessageContaining("'a b'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CredentialKeyring.aesKey(new byte[20]))
                .withMessageContaining("20 bytes");
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        CredentialKeyring.of("a", new javax.crypto.spec.SecretKeySpec(new byte[16], "HmacSHA256")))
                .withMessageContaining("HmacSHA256");
    }
}
