package io.pharox.client.wire;

import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Every error the server answers: {@code {"error":"<code>","message":"..."}}, with the details a
 * client needs to rebuild the exception.
 *
 * @param error        a stable code: see {@link ErrorCode}
 * @param message      a readable explanation; never a password, a stack trace or SQL
 * @param index        for {@code bad_proxy}: the position of the refused entry in the import
 * @param pool         for {@code pool_not_found}, {@code pool_in_use}, {@code no_proxy_available}: the pool
 * @param id           for {@code lease_not_found}, {@code lease_not_active}, {@code proxy_not_found}: the id
 * @param leaseStatus  for {@code lease_not_active}: the lease's status
 * @param activeLeases for {@code pool_in_use}: the leases still active
 */
public record ErrorBody(
        String error,
        String message,
        @Nullable Integer index,
        @Nullable String pool,
        @Nullable UUID id,
        @Nullable String leaseStatus,
        @Nullable Integer activeLeases) {

    /** @throws NullPointerException if the code or message is {@code null} */
    public ErrorBody {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
    }

    /** An error with only its code and message. */
    public static ErrorBody of(String error, String message) {
        return new ErrorBody(error, message, null, null, null, null, null);
    }
}
