package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code docs/http-api.md} describes every operation of the OpenAPI document with its status codes. */
class HttpApiDocTest {

    @Test
    void everyOperationHasItsSectionWithItsStatusCodes() throws Exception {
        String page = Files.readString(Path.of("../docs/http-api.md"));
        OpenApiDocument doc = OpenApiDocument.load();
        int operations = 0;
        for (var paths = doc.root.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (var methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                String heading = "### " + method.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey() + "\n";
                assertThat(page)
                        .as("docs/http-api.md has a section %s", heading.strip())
                        .contains(heading);
                int start = page.indexOf(heading);
                int end = page.indexOf("\n### ", start + heading.length());
                String section = page.substring(start, end < 0 ? page.length() : end);
                method.getValue()
                        .get("responses")
                        .fieldNames()
                        .forEachRemaining(status -> assertThat(section)
                                .as("%s documents status %s", heading.strip(), status)
                                .contains("| " + status + " |"));
                operations++;
            }
        }
        assertThat(operations).isEqualTo(doc.operations().size()).isGreaterThan(10);
        long sections = page.lines().filter(l -> l.startsWith("### ")).count();
        assertThat(sections)
                .as("no section for an operation the document lacks")
                .isEqualTo(operations);
    }
}
