package io.pharox.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code that {@code docs/writing-an-adapter.md} shows is the real code: every Java block of
 * the guide appears, character for character, in a source file of this example or of the
 * in-memory adapter's contract test.
 */
class AdapterGuideTest {

    private static final Path ROOT = Path.of("..", "..");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);

    @Test
    void every_java_block_of_the_guide_is_in_a_source_file() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/writing-an-adapter.md"));
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.add(Files.readString(file));
            }
        }
        sources.add(Files.readString(ROOT.resolve(
                "pharox-storage-memory/src/test/java/io/pharox/storage/memory/" + "InMemoryStorageContractTest.java")));

        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(guide);
        while (m.find()) {
            blocks.add(m.group(1));
        }

        assertThat(blocks).hasSizeGreaterThanOrEqualTo(4);
        for (String block : blocks) {
            assertThat(sources)
                    .as(
                            "a source file holding the guide's block starting %s",
                            block.lines().findFirst().orElse(""))
                    .anyMatch(source -> source.contains(block));
        }
    }
}
