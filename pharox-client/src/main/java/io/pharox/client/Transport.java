package io.pharox.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pharox.client.wire.ErrorBody;
import io.pharox.client.wire.ErrorCode;
import io.pharox.client.wire.WireJson;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.exception.ProxyNotFoundException;
import io.pharox.model.LeaseStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/** HTTP and JSON for both clients: sends a request, maps the answer or the error. */
final class Transport implements AutoCloseable {

    /** An answer: its status and body. */
    record Answer(int status, String body) {}

    private final URI baseUri;
    private final String authorization;
    private final Duration requestTimeout;
    private final ExecutorService executor;
    private final HttpClient http;
    private final ObjectMapper json = WireJson.mapper();

    Transport(URI baseUri, String apiKey, Duration requestTimeout, Duration connectTimeout) {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must not be blank");
        }
        String base = baseUri.toString();
        this.baseUri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        if (this.baseUri.getScheme() == null
                || !(this.baseUri.getScheme().equals("http")
                        || this.baseUri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("baseUri must be an http or https URI, was " + baseUri);
        }
        this.authorization = "Bearer " + apiKey;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pharox-client");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .executor(executor)
                .build();
    }

    ObjectMapper json() {
        return json;
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Sends a request; {@code extraTimeout} is added to the request timeout (a server-side wait). */
    Answer send(String method, String path, @Nullable Object body, Duration extraTimeout) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUri + path))
                .timeout(requestTimeout.plus(extraTimeout))
                .header("Authorization", authorization)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            byte[] bytes;
            try {
                bytes = json.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write the request body: " + e.getOriginalMessage(), e);
            }
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        }
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new PharoxClientException(method + " " + path + " failed: " + e, e);
        }
    }

    /** Sends a request and reads a 2xx answer as {@code type}; any other status is thrown. */
    <T> T call(String method, String path, @Nullable Object body, Class<T> type) {
        try {
            return read(send(method, path, body, Duration.ZERO), type);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PharoxClientException(method + " " + path + " was interrupted", e);
        }
    }

    <T> T read(Answer answer, Class<T> type) {
        if (answer.status() / 100 != 2) {
            throw failure(answer);
        }
        try {
            return json.readValue(answer.body(), type);
        } catch (IOException e) {
            throw new PharoxClientException(
                    answer.status(),
                    "bad_answer",
                    "the server's answer is not a " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    ErrorBody error(Answer answer) {
        try {
            ErrorBody error = json.readValue(answer.body(), ErrorBody.class);
            if (error != null) {
                return error;
            }
        } catch (IOException | RuntimeException e) {
            // not an error body: described below by the status alone
        }
        return ErrorBody.of("http_" + answer.status(), "the server answered HTTP " + answer.status());
    }

    /** The exception {@link io.pharox.ProxyLeasing} documents for an error answer. */
    RuntimeException failure(Answer answer) {
        ErrorBody error = error(answer);
        String message = error.message();
        switch (error.error()) {
            case ErrorCode.POOL_NOT_FOUND:
                return new PoolNotFoundException(error.pool() != null ? error.pool() : message);
            case ErrorCode.LEASE_NOT_FOUND: {
                UUID id = error.id();
                if (id != null) {
                    return new LeaseNotFoundException(id);
                }
                break;
            }
            case ErrorCode.LEASE_NOT_ACTIVE: {
                UUID id = error.id();
                String status = error.leaseStatus();
                if (id != null && status != null) {
                    return new LeaseNotActiveException(id, LeaseStatus.valueOf(status));
                }
                break;
            }
            case ErrorCode.PROXY_NOT_FOUND: {
                UUID id = error.id();
                if (id != null) {
                    return new ProxyNotFoundException(id);
                }
                break;
            }
            case ErrorCode.POOL_IN_USE:
                return new PoolInUseException(
                        error.pool() != null ? error.pool() : "?",
                        error.activeLeases() != null ? error.activeLeases() : 0);
            case ErrorCode.POOL_EXISTS:
                return new PoolAlreadyExistsException(error.pool() != null ? error.pool() : message);
            case ErrorCode.PROXY_EXISTS:
                return new ProxyAlreadyExistsException(message);
            case ErrorCode.BAD_PROXY:
                return new ProxyBatchException(
                        error.index() != null ? error.index() : 0, new IllegalArgumentException(message));
            case ErrorCode.BAD_REQUEST:
            case ErrorCode.BAD_JSON:
            case ErrorCode.BAD_FILTER:
                return new IllegalArgumentException(message);
            default:
                break;
        }
        return new PharoxClientException(answer.status(), error.error(), message);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
