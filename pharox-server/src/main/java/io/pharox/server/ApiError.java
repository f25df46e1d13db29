package io.pharox.server;

import io.pharox.client.wire.ErrorBody;

/** An error answer a handler throws: its HTTP status and body. */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ErrorBody body;

    ApiError(int status, ErrorBody body) {
        super(body.error() + ": " + body.message(), null, false, false);
        this.status = status;
        this.body = body;
    }

    ApiError(int status, String code, String message) {
        this(status, ErrorBody.of(code, message));
    }

    int status() {
        return status;
    }

    ErrorBody body() {
        return body;
    }
}
