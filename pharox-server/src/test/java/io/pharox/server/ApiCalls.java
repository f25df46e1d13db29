package io.pharox.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Raw HTTP calls to a test server: every answer is checked against the OpenAPI document, and the
 * operations answered with a 2xx are remembered.
 */
final class ApiCalls {

    /** An answer: status, body as text and as JSON. */
    record Answer(int status, String text, JsonNode json) {}

    /** The password of the proxies the tests import: no answer but an acquire's may hold it. */
    static final String PASSWORD = "s3cret-pw";

    private final URI base;
    private final OpenApiDocument document;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    final Set<String> succeeded = new TreeSet<>();

    ApiCalls(URI base, OpenApiDocument document) {
        this.base = base;
        this.document = document;
    }

    /**
     * Calls {@code method} on {@code template} with {@code params} filled in (and {@code query}
     * appended), with the key if not null, with the raw body if not null.
     */
    Answer call(
            String method,
            String template,
            Map<String, String> params,
            String query,
            @Nullable String key,
            @Nullable String body) {
        String path = template;
        for (Map.Entry<String, String> p : params.entrySet()) {
            path = path.replace("{" + p.getKey() + "}", p.getValue());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + query))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = response.body().isEmpty() ? MissingNode.getInstance() : json.readTree(response.body());
            document.check(method, template, response.statusCode(), node);
            boolean grant = method.equals("POST") && template.endsWith("/leases") && response.statusCode() == 201;
            if (!grant && response.body().contains(PASSWORD)) {
                throw new AssertionError(method + " " + path + " answered a proxy password: " + response.statusCode());
            }
            if (response.statusCode() >= 400
                    && (response.body().contains("Exception")
                            || response.body().contains("\tat ")
                            || response.body().contains("SQL"))) {
                throw new AssertionError(method + " " + path + " leaked internals: " + response.body());
            }
            if (response.statusCode() / 100 == 2) {
                succeeded.add(method + " " + template);
            }
            return new Answer(response.statusCode(), response.body(), node);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer call(
            String method, String template, Map<String, String> params, @Nullable String key, @Nullable String body) {
        return call(method, template, params, "", key, body);
    }
}
