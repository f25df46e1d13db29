package io.pharox.model;

import static io.pharox.Fixtures.proxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {

    @Test
    void a_null_username_is_rejected_naming_it() {
        assertThatNullPointerException()
                .isThrownBy(() -> new Credentials(null, "pw"))
                .withMessage("username");
    }

    @Test
    void a_null_password_is_rejected_naming_it() {
        assertThatNullPointerException()
                .isThrownBy(() -> new Credentials("user", null))
                .withMessage("password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void a_blank_username_is_rejected_quoting_it_without_the_password(String username) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Credentials(username, "hunter2"))
                .withMessage("credentials username must not be blank, was '" + username + "'")
                .withMessageNotContaining("hunter2");
    }

    @Test
    void an_empty_password_is_accepted() {
        assertThat(new Credentials("user", "").password()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hunter2", "p@ss:word", "correct horse battery staple", "x"})
    void to_string_masks_the_password(String password) {
        Credentials credentials = new Credentials("bob", password);

        assertThat(credentials.toString())
                .isEqualTo("Credentials[username=bob, password=****]")
                .doesNotContain(password);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hunter2", "p@ss:word", "S3cr3t!"})
    void a_proxy_with_credentials_never_shows_the_password(String password) {
        Proxy p = proxy().credentials("bob", password).build();

        assertThat(p.toString()).doesNotContain(password).contains("bob:****@");
        assertThat(p.credentials())
                .map(Credentials::toString)
                .hasValueSatisfying(s -> assertThat(s).doesNotContain(password));
    }

    @Test
    void credentials_with_different_passwords_are_not_equal() {
        assertThat(new Credentials("u", "a"))
                .isNotEqualTo(new Credentials("u", "b"))
                .isEqualTo(new Credentials("u", "a"));
    }
}
