package io.pharox.server;

import java.util.Objects;

/**
 * One route of the API: its method, its path as the OpenAPI document writes it ({@code
 * /v1/pools/{pool}}) and who may call it.
 *
 * @param method upper-case HTTP method
 * @param path   the path template
 * @param access who may call it
 */
public record Route(String method, String path, Access access) {

    /** Who may call a route. */
    public enum Access {
        /** Anyone, without a key. */
        PUBLIC,
        /** A consumer or admin key. */
        CONSUMER,
        /** An admin key. */
        ADMIN
    }

    /** @throws NullPointerException if an argument is {@code null} */
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access");
    }
}
