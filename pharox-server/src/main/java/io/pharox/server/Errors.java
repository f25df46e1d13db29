package io.pharox.server;

import io.pharox.client.wire.ErrorBody;
import io.pharox.client.wire.ErrorCode;
import io.pharox.exception.LeaseNotActiveException;
import io.pharox.exception.LeaseNotFoundException;
import io.pharox.exception.PoolAlreadyExistsException;
import io.pharox.exception.PoolInUseException;
import io.pharox.exception.PoolNotFoundException;
import io.pharox.exception.ProxyAlreadyExistsException;
import io.pharox.exception.ProxyBatchException;
import io.pharox.exception.ProxyNotFoundException;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Maps the exceptions of the core to error answers; anything else is a 500 that says nothing. */
final class Errors {

    private Errors() {}

    private static String message(Throwable e) {
        return String.valueOf(e.getMessage());
    }

    static ApiError map(Throwable e) {
        return map(e, null);
    }

    /** Maps {@code e}; {@code id} is the lease or proxy the call was about, if any. */
    static ApiError map(Throwable e, @Nullable UUID id) {
        if (e instanceof ApiError a) {
            return a;
        }
        if (e instanceof PoolNotFoundException p) {
            return new ApiError(
                    404, new ErrorBody(ErrorCode.POOL_NOT_FOUND, message(e), null, p.pool(), null, null, null));
        }
        if (e instanceof LeaseNotFoundException) {
            return new ApiError(404, new ErrorBody(ErrorCode.LEASE_NOT_FOUND, message(e), null, null, id, null, null));
        }
        if (e instanceof LeaseNotActiveException l) {
            return new ApiError(
                    409,
                    new ErrorBody(
                            ErrorCode.LEASE_NOT_ACTIVE,
                            message(e),
                            null,
                            null,
                            id,
                            l.status().name(),
                            null));
        }
        if (e instanceof ProxyNotFoundException) {
            return new ApiError(404, new ErrorBody(ErrorCode.PROXY_NOT_FOUND, message(e), null, null, id, null, null));
        }
        if (e instanceof PoolInUseException p) {
            return new ApiError(
                    409,
                    new ErrorBody(ErrorCode.POOL_IN_USE, message(e), null, p.poolName(), null, null, p.activeLeases()));
        }
        if (e instanceof PoolAlreadyExistsException) {
            return new ApiError(409, ErrorCode.POOL_EXISTS, message(e));
        }
        if (e instanceof ProxyAlreadyExistsException) {
            return new ApiError(409, ErrorCode.PROXY_EXISTS, message(e));
        }
        if (e instanceof ProxyBatchException b) {
            boolean exists = b.getCause() instanceof ProxyAlreadyExistsException;
            return new ApiError(
                    exists ? 409 : 400,
                    new ErrorBody(
                            exists ? ErrorCode.PROXY_EXISTS : ErrorCode.BAD_PROXY,
                            message(e),
                            b.index(),
                            null,
                            null,
                            null,
                            null));
        }
        if (e instanceof IllegalArgumentException) {
            return new ApiError(400, ErrorCode.BAD_REQUEST, String.valueOf(message(e)));
        }
        if (e instanceof UnsupportedOperationException) {
            return new ApiError(501, "not_implemented", "the server's storage does not support this yet");
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new ApiError(503, ErrorCode.UNAVAILABLE, "the server is stopping");
        }
        return new ApiError(500, ErrorCode.INTERNAL, "the server failed; its log has the details");
    }
}
