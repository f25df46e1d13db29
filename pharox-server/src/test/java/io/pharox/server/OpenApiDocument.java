package io.pharox.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The served OpenAPI document, and a check of answers against it. */
final class OpenApiDocument {

    final JsonNode root;

    private OpenApiDocument(JsonNode root) {
        this.root = root;
    }

    static OpenApiDocument load() {
        try (InputStream in = PharoxServer.class.getResourceAsStream("openapi.json")) {
            return new OpenApiDocument(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "METHOD /path" of every operation. */
    Set<String> operations() {
        Set<String> ops = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = root.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> ops.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        return ops;
    }

    JsonNode operation(String method, String path) {
        JsonNode op = root.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        assertThat(op.isMissingNode())
                .as("%s %s is in the OpenAPI document", method, path)
                .isFalse();
        return op;
    }

    /** Asserts that the status is documented for the operation and the body has what its schema requires. */
    void check(String method, String path, int status, JsonNode body) {
        JsonNode response = operation(method, path).path("responses").path(String.valueOf(status));
        assertThat(response.isMissingNode())
                .as("status %d of %s %s is documented (body %s)", status, method, path, body)
                .isFalse();
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (!schema.isMissingNode()) {
            validate(body, schema, method + " " + path + " " + status + " $");
        }
    }

    private void validate(JsonNode value, JsonNode schema, String at) {
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asText().replace("#/components/schemas/", "");
            validate(value, root.path("components").path("schemas").path(name), at);
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object":
                assertThat(value.isObject())
                        .as("%s is an object: %s", at, value)
                        .isTrue();
                for (JsonNode required : schema.path("required")) {
                    assertThat(value.has(required.asText()))
                            .as("%s has the required field %s: %s", at, required.asText(), value)
                            .isTrue();
                }
                JsonNode properties = schema.path("properties");
                value.fields().forEachRemaining(field -> {
                    JsonNode property = properties.path(field.getKey());
                    if (!property.isMissingNode()) {
                        validate(field.getValue(), property, at + "." + field.getKey());
                    } else if (properties.size() > 0 && !schema.has("additionalProperties")) {
                        throw new AssertionError(at + " has the undocumented field " + field.getKey());
                    }
                });
                break;
            case "array":
                assertThat(value.isArray()).as("%s is an array", at).isTrue();
                int i = 0;
                for (JsonNode item : value) {
                    validate(item, schema.path("items"), at + "[" + i++ + "]");
                }
                break;
            case "string":
                assertThat(value.isTextual())
                        .as("%s is a string: %s", at, value)
                        .isTrue();
                if (schema.has("enum")) {
                    Set<String> allowed = new TreeSet<>();
                    schema.get("enum").forEach(e -> allowed.add(e.asText()));
                    assertThat(allowed).as("%s is one of the enum", at).contains(value.asText());
                }
                break;
            case "integer":
                assertThat(value.isIntegralNumber())
                        .as("%s is an integer: %s", at, value)
                        .isTrue();
                break;
            case "number":
                assertThat(value.isNumber()).as("%s is a number: %s", at, value).isTrue();
                break;
            case "boolean":
                assertThat(value.isBoolean())
                        .as("%s is a boolean: %s", at, value)
                        .isTrue();
                break;
            default:
                break;
        }
    }
}
