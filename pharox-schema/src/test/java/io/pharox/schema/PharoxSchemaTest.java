package io.pharox.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PharoxSchemaTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pharox",
                "_p",
                "Pharox_2",
                "a$b",
                "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"
            })
    void plainIdentifiersAreSchemaNames(String name) {
        assertThat(PharoxSchema.requireName(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "1pharox",
                "pharox;drop",
                "pha rox",
                "\"pharox\"",
                "phärox",
                "$x",
                "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd"
            })
    void anythingElseIsRefusedByName(String name) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PharoxSchema.requireName(name))
                .withMessageContaining("'" + name + "'");
    }

    @Test
    void migrateChecksItsArgumentsBeforeTouchingTheDatabase() {
        assertThatNullPointerException()
                .isThrownBy(() -> PharoxSchema.migrate(null, "pharox"))
                .withMessageContaining("dataSource");
        DataSource unused = (DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    throw new AssertionError("the database must not be reached, " + m.getName() + " was called");
                });
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PharoxSchema.migrate(unused, "x; drop schema public"))
                .withMessageContaining("x; drop schema public");
    }
}
