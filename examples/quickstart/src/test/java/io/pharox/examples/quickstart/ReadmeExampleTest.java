package io.pharox.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.ProxyManager;
import io.pharox.RetryPolicy;
import io.pharox.filter.ProxyFilters;
import io.pharox.model.LeasedProxy;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyPool;
import io.pharox.select.SelectorStrategy;
import io.pharox.storage.AcquireRequest;
import io.pharox.storage.ProxyStorage;
import io.pharox.storage.memory.InMemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The example at the top of the README is this code, line for line, and it runs: the README's
 * Java block must equal the lines between the markers below.
 */
class ReadmeExampleTest {

    private static final Path SOURCE =
            Path.of("src", "test", "java", "io", "pharox", "examples", "quickstart", "ReadmeExampleTest.java");
    private static final Path README = Path.of("..", "..", "README.md");

    private static String fetchThrough(Proxy proxy) {
        return "page via " + proxy.address();
    }

    @Test
    void the_readme_example_leases_releases_and_waits() throws InterruptedException {
        // README:start
        ProxyStorage storage = new InMemoryStorage();
        ProxyPool pool = storage.createPool("residential", "rotating residential proxies");
        storage.addProxy(Proxy.builder()
                .poolId(pool.id())
                .address("203.0.113.7", 8080)
                .country("DE")
                .build());

        ProxyManager manager =
                ProxyManager.builder(storage).defaultConsumer("crawler-1").build();
        AcquireRequest german = manager.request("residential")
                .filter(ProxyFilters.country("DE"))
                .strategy(SelectorStrategy.LEAST_USED)
                .build();

        Optional<String> page = manager.withLease(german, leased -> fetchThrough(leased.proxy())); // then released

        Optional<LeasedProxy> held = manager.acquire(german, Duration.ofSeconds(2)); // waits up to 2 s
        held.ifPresent(manager::release);

        RetryPolicy retry = RetryPolicy.defaults(); // 3 attempts, pauses of about 0.5 s and 1 s
        Optional<String> retried = manager.withLease(german, retry, leased -> fetchThrough(leased.proxy()));
        // README:end

        assertThat(page).contains("page via 203.0.113.7:8080");
        assertThat(held).isPresent();
        assertThat(retried).contains("page via 203.0.113.7:8080");
        assertThat(storage.activeLeasesInPool("residential")).isEmpty();
    }

    @Test
    void the_readme_shows_exactly_the_code_above() throws IOException {
        List<String> source = Files.readAllLines(SOURCE);
        List<String> example = source
                .subList(source.indexOf("        // README:start") + 1, source.indexOf("        // README:end"))
                .stream()
                .map(l -> l.isEmpty() ? l : l.substring(8))
                .toList();
        String readme = Files.readString(README);
        String block = readme.substring(readme.indexOf("```java\n") + "```java\n".length());
        block = block.substring(0, block.indexOf("```"));

        assertThat(Arrays.stream(block.split("\n")).collect(Collectors.joining("\n")))
                .isEqualTo(String.join("\n", example));
    }
}
