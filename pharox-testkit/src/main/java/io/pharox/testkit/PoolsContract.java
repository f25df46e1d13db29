package io.pharox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.model.ProxyPool;
import java.util.List;
import org.junit.jupiter.api.Test;

abstract class PoolsContract extends ContractGroup {

    PoolsContract(ProxyStorageContract kit) {
        super(kit);
    }

    @Test
    void a_created_pool_is_found_by_its_name() {
        String name = uniqueName("pool");
        ProxyPool created = storage().createPool(name, "residential, EU");

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.description()).isEqualTo("residential, EU");
        assertThat(created.id()).isNotNull();
        assertThat(created.createdAt()).isNotNull();
        assertThat(storage().findPool(name)).contains(created);
    }

    @Test
    void a_pool_name_can_be_taken_once() {
        ProxyPool pool = seedPool();

        assertThatThrownBy(() -> storage().createPool(pool.name(), "again"))
                .isInstanceOf(PoolAlreadyExistsException.class)
                .hasMessageContaining(pool.name());
        assertThat(storage().findPool(pool.name())).contains(pool);
    }

    @Test
    void an_unknown_pool_is_not_found() {
        assertThat(storage().findPool(uniqueName("missing"))).isEmpty();
    }

    @Test
    void pools_are_listed_by_name() {
        String prefix = uniqueName("listed");
        ProxyPool b = storage().createPool(prefix + "-b", "");
        ProxyPool a = storage().createPool(prefix + "-a", "");
        ProxyPool c = storage().createPool(prefix + "-c", "");

        List<ProxyPool> listed = storage().listPools().stream()
                .filter(p -> p.name().startsWith(prefix))
                .toList();

        assertThat(listed).containsExactly(a, b, c);
    }

    @Test
    void names_with_quotes_and_sql_keywords_are_stored_verbatim() {
        String name = uniqueName("o'brien\"; DROP TABLE pool; --");
        ProxyPool pool = storage().createPool(name, "it's \\ a 'test'");

        assertThat(storage().findPool(name)).map(ProxyPool::description).contains("it's \\ a 'test'");
        assertThat(storage().findPool(name)).contains(pool);
    }

    @Test
    void names_differ_by_case() {
        String name = uniqueName("CaseSensitive");
        storage().createPool(name, "");

        assertThat(storage().findPool(name.toLowerCase(java.util.Locale.ROOT))).isEmpty();
    }
}
