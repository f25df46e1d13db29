package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Pool and consumer names are checked the same way at every entry point. */
class NamesTest {

    static Stream<Arguments> checks() {
        UnaryOperator<String> pool = ProxyPool::requireName;
        UnaryOperator<String> poolRecord = n -> new ProxyPool(UUID.randomUUID(), n, "", Instant.EPOCH).name();
        UnaryOperator<String> consumer = Consumer::requireName;
        UnaryOperator<String> consumerRecord = n -> new Consumer(UUID.randomUUID(), n, Instant.EPOCH).name();
        return Stream.of(
                Arguments.of("pool name", "ProxyPool.requireName", pool),
                Arguments.of("pool name", "new ProxyPool", poolRecord),
                Arguments.of("consumer name", "Consumer.requireName", consumer),
                Arguments.of("consumer name", "new Consumer", consumerRecord));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("checks")
    void a_null_name_is_rejected_naming_the_field(String field, String entry, UnaryOperator<String> check) {
        assertThatNullPointerException().isThrownBy(() -> check.apply(null)).withMessage(field);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("checks")
    void a_blank_name_is_rejected_quoting_it(String field, String entry, UnaryOperator<String> check) {
        for (String blank : new String[] {"", " ", "\t", " \n "}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> check.apply(blank))
                    .withMessage(field + " must not be blank, was '" + blank + "'");
        }
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("checks")
    void a_name_longer_than_255_characters_is_rejected_naming_its_length(
            String field, String entry, UnaryOperator<String> check) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> check.apply("n".repeat(256)))
                .withMessage(field + " must be at most 255 characters, was 256");
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("checks")
    void a_name_of_255_characters_is_accepted(String field, String entry, UnaryOperator<String> check) {
        String name = "n".repeat(255);

        assertThat(check.apply(name)).isEqualTo(name);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("checks")
    void a_name_holding_nul_is_rejected_naming_the_field(String field, String entry, UnaryOperator<String> check) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> check.apply("eu\0west"))
                .withMessageStartingWith(field)
                .withMessageContaining("NUL");
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("checks")
    void an_ordinary_name_is_returned_as_given(String field, String entry, UnaryOperator<String> check) {
        assertThat(check.apply("eu-west/residential #1 ü")).isEqualTo("eu-west/residential #1 ü");
    }

    @ParameterizedTest
    @ValueSource(strings = {" padded ", "a"})
    void names_are_not_trimmed(String name) {
        assertThat(ProxyPool.requireName(name)).isEqualTo(name);
        assertThat(Consumer.requireName(name)).isEqualTo(name);
    }

    @Test
    void a_pool_needs_an_id_a_description_and_a_creation_time() {
        assertThatNullPointerException()
                .isThrownBy(() -> new ProxyPool(null, "p", "", Instant.EPOCH))
                .withMessage("id");
        assertThatNullPointerException()
                .isThrownBy(() -> new ProxyPool(UUID.randomUUID(), "p", null, Instant.EPOCH))
                .withMessage("description");
        assertThatNullPointerException()
                .isThrownBy(() -> new ProxyPool(UUID.randomUUID(), "p", "", null))
                .withMessage("createdAt");
    }

    @Test
    void a_consumer_needs_an_id_and_a_creation_time() {
        assertThatNullPointerException()
                .isThrownBy(() -> new Consumer(null, "c", Instant.EPOCH))
                .withMessage("id");
        assertThatNullPointerException()
                .isThrownBy(() -> new Consumer(UUID.randomUUID(), "c", null))
                .withMessage("createdAt");
    }

    @Test
    void the_default_consumer_name_is_valid() {
        assertThat(Consumer.requireName(Consumer.DEFAULT_NAME)).isEqualTo("default");
    }

    @Test
    void a_pool_keeps_its_values() {
        UUID id = UUID.randomUUID();
        ProxyPool pool = new ProxyPool(id, "eu", "European exits", Instant.EPOCH);

        assertThat(pool.id()).isEqualTo(id);
        assertThat(pool.name()).isEqualTo("eu");
        assertThat(pool.description()).isEqualTo("European exits");
        assertThat(pool.createdAt()).isEqualTo(Instant.EPOCH);
        assertThat(pool).isEqualTo(new ProxyPool(id, "eu", "European exits", Instant.EPOCH));
    }
}
