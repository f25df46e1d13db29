package io.pharox.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Arguments over environment over defaults, and bad values named. */
class SettingsTest {

    @Test
    void without_arguments_or_environment_it_runs_on_the_local_test_database() {
        Settings s = Settings.parse(List.of(), Map.of());

        assertThat(s.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        assertThat(s.user()).isNull();
        assertThat(s.password()).isNull();
        assertThat(s.schema()).isEqualTo("pharox_example");
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.workers()).isEqualTo(8);
        assertThat(s.proxies()).isEmpty();
        assertThat(s.metricsPort()).contains(9464);
    }

    @Test
    void the_metrics_port_is_a_port_zero_for_any_free_one_or_off() {
        assertThat(Settings.parse(List.of("--metrics-port", "9100"), Map.of()).metricsPort())
                .contains(9100);
        assertThat(Settings.parse(List.of("--metrics-port", "0"), Map.of()).metricsPort())
                .contains(0);
        assertThat(Settings.parse(List.of("--metrics-port", "off"), Map.of()).metricsPort())
                .isEmpty();
        assertThat(Settings.parse(List.of("--metrics-port", "off"), Map.of()).toString())
                .contains("metrics port off");
    }

    @Test
    void the_environment_gives_the_database_and_arguments_win() {
        Map<String, String> env = Map.of(
                "PHAROX_DB_URL",
                "jdbc:postgresql://db:5432/app",
                "PHAROX_DB_USER",
                "app",
                "PHAROX_DB_PASSWORD",
                "hunter2");

        Settings fromEnv = Settings.parse(List.of(), env);
        Settings fromArgs = Settings.parse(
                List.of(
                        "--url",
                        "jdbc:postgresql://other/x",
                        "--user",
                        "ops",
                        "--schema",
                        "s1",
                        "--duration",
                        "3",
                        "--workers",
                        "2",
                        "--proxies",
                        "my.txt"),
                env);

        assertThat(fromEnv.url()).isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(fromEnv.user()).isEqualTo("app");
        assertThat(fromEnv.password()).isEqualTo("hunter2");
        assertThat(fromArgs.url()).isEqualTo("jdbc:postgresql://other/x");
        assertThat(fromArgs.user()).isEqualTo("ops");
        assertThat(fromArgs.password())
                .as("the password comes from the environment only")
                .isEqualTo("hunter2");
        assertThat(fromArgs.schema()).isEqualTo("s1");
        assertThat(fromArgs.duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fromArgs.workers()).isEqualTo(2);
        assertThat(fromArgs.proxies()).contains(Path.of("my.txt"));
    }

    @Test
    void passwords_are_masked_wherever_settings_are_shown() {
        Settings s = Settings.parse(
                List.of("--url", "jdbc:postgresql://db/app?user=a&password=hunter2&ssl=true"),
                Map.of("PHAROX_DB_PASSWORD", "hunter3"));

        assertThat(s.safeUrl()).isEqualTo("jdbc:postgresql://db/app?user=a&password=****&ssl=true");
        assertThat(s.toString()).doesNotContain("hunter2", "hunter3").contains("password=****");
    }

    @Test
    void bad_arguments_are_named() {
        assertRefused(List.of("--workers", "0"), "workers must be 1..256, was 0");
        assertRefused(List.of("--duration", "ten"), "--duration must be a whole number, was 'ten'");
        assertRefused(List.of("--duration", "0"), "duration must be 1..86400 seconds, was 0");
        assertRefused(List.of("--colour", "red"), "unknown option '--colour'");
        assertRefused(List.of("--schema"), "option --schema needs a value");
        assertRefused(List.of("--metrics-port", "70000"), "metrics port must be 0..65535 or off, was 70000");
        assertRefused(List.of("--metrics-port", "on"), "--metrics-port must be a whole number, was 'on'");
        assertRefused(
                List.of("--url", "jdbc:mysql://db/x?password=secret"),
                "url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), was 'jdbc:mysql://db/x?password=****'");
    }

    private static void assertRefused(List<String> args, String message) {
        assertThatThrownBy(() -> Settings.parse(args, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void the_credential_key_comes_from_the_environment_and_a_bad_one_is_named_not_shown() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        Settings keyed =
                Settings.parse(List.of(), Map.of("PHAROX_CREDENTIAL_KEY", key, "PHAROX_CREDENTIAL_KEY_ID", "k-1"));

        assertThat(keyed.credentialKeyring()).map(k -> k.currentKeyId()).contains("k-1");
        assertThat(keyed.toString()).contains("encrypted with key k-1").doesNotContain(key);
        assertThat(Settings.parse(List.of(), Map.of()).toString()).contains("credentials in plain text");
        assertThatThrownBy(() -> Settings.parse(
                        List.of(), Map.of("PHAROX_CREDENTIAL_KEY", "bm90LWEta2V5", "PHAROX_CREDENTIAL_KEY_ID", "k")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PHAROX_CREDENTIAL_KEY")
                .hasMessageNotContaining("bm90LWEta2V5");
    }
}
