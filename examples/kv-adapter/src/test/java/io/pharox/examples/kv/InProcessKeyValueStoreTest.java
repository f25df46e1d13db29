package io.pharox.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The conditional writes the adapter relies on, on the in-process stand-in for a key-value server. */
class InProcessKeyValueStoreTest {

    private final KeyValueStore store = new InProcessKeyValueStore();

    @Test
    void a_commit_applies_every_write_or_none() {
        store.putIfAbsent("a", "1");
        long a = store.get("a").orElseThrow().version();

        boolean stale =
                store.commit(List.of(new Write.PutIfAbsent("b", "2"), new Write.Replace("a", a + 1, "changed")));
        boolean fresh = store.commit(List.of(new Write.PutIfAbsent("b", "2"), new Write.Replace("a", a, "changed")));

        assertThat(stale).isFalse();
        assertThat(fresh).isTrue();
        assertThat(store.get("a")).map(Versioned::value).contains("changed");
        assertThat(store.get("b")).map(Versioned::value).contains("2");
    }

    @Test
    void a_refused_commit_changes_nothing() {
        store.putIfAbsent("a", "1");
        Versioned before = store.get("a").orElseThrow();

        assertThat(store.commit(List.of(
                        new Write.Replace("a", before.version(), "2"),
                        new Write.PutIfAbsent("a-too", "x"),
                        new Write.Remove("missing", 1))))
                .isFalse();

        assertThat(store.get("a")).contains(before);
        assertThat(store.keys("")).containsExactly("a");
    }

    @Test
    void a_key_never_gets_a_version_twice_even_after_removal() {
        store.putIfAbsent("k", "first");
        Versioned first = store.get("k").orElseThrow();
        assertThat(store.remove("k", first.version())).isTrue();
        store.putIfAbsent("k", "first");

        Versioned again = store.get("k").orElseThrow();

        assertThat(again.version()).isGreaterThan(first.version());
        assertThat(store.replace("k", first.version(), "stale")).isFalse();
        assertThat(store.replace("k", again.version(), "second")).isTrue();
    }

    @Test
    void a_commit_writes_each_key_once() {
        assertThatThrownBy(
                        () -> store.commit(List.of(new Write.PutIfAbsent("k", "1"), new Write.PutIfAbsent("k", "2"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k");
        assertThat(store.keys("")).isEmpty();
    }

    @Test
    void keys_are_listed_by_prefix_in_order() {
        List.of("proxy/b", "pool/x", "proxy/a", "proxy").forEach(key -> store.putIfAbsent(key, ""));

        assertThat(store.keys("proxy/")).containsExactly("proxy/a", "proxy/b");
        assertThat(store.keys("")).containsExactly("pool/x", "proxy", "proxy/a", "proxy/b");
    }

    @Test
    void values_are_never_shown_by_to_string() {
        String secret = "s3cret-pw";

        assertThat(new Versioned(secret, 1)).asString().doesNotContain(secret);
        assertThat(new Write.PutIfAbsent("k", secret))
                .asString()
                .doesNotContain(secret)
                .contains("k");
        assertThat(new Write.Replace("k", 3, secret))
                .asString()
                .doesNotContain(secret)
                .contains("k");
    }
}
