package io.pharox.storage.sql;

import static io.pharox.storage.sql.schema.Tables.PROXY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.junit.jupiter.api.Test;

class SqlSchemaTest {

    @Test
    void the_generated_tables_render_in_the_named_schema() {
        var cte = DSL.name("picked").as(DSL.select(Rows.P.ID).from(Rows.P));
        String sql = SqlSchema.named("tenant_7")
                .using(new MockConnection(ctx -> new MockResult[0]))
                .render(DSL.with(cte).select(cte.field(PROXY.ID)).from(cte));

        assertThat(sql)
                .contains("from \"tenant_7\".\"proxy\" as \"p\"")
                .as("a common table expression stays unqualified")
                .contains("select \"picked\".\"id\" from \"picked\"");
    }

    @Test
    void a_schema_name_that_is_not_an_identifier_is_rejected_with_the_name() {
        assertThatThrownBy(() -> SqlSchema.named("x\"; DROP SCHEMA public; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x\"; DROP SCHEMA public; --");
    }
}
