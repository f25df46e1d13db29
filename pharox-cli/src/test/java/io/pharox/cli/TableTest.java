package io.pharox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableTest {

    private static String print(Table table, boolean json) {
        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out), json);
        return out.toString().replace(System.lineSeparator(), "\n");
    }

    @Test
    void columns_are_tab_separated_and_a_value_never_breaks_a_line() {
        Table table = new Table("NAME", "COUNT", "NOTE").row("a\tb", 3, null).row("c", 4L, "two\nlines");

        assertThat(print(table, false)).isEqualTo("NAME\tCOUNT\tNOTE\na b\t3\t-\nc\t4\ttwo lines\n");
    }

    @Test
    void json_keeps_numbers_booleans_and_nulls_and_escapes_strings() {
        Table table = new Table("NAME", "COUNT", "OK", "NOTE").row("say \"hi\"\\\n\u0001", 3, true, null);

        assertThat(print(table, true))
                .isEqualTo(
                        "[\n{\"name\": \"say \\\"hi\\\"\\\\\\n\\u0001\", \"count\": 3, \"ok\": true, \"note\": null}\n]\n");
        assertThat(print(new Table("NAME"), true)).isEqualTo("[]\n");
        assertThat(print(new Table("NAME"), false)).isEqualTo("NAME\n");
    }
}
