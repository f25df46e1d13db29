package io.pharox.client;

import io.pharox.exception.PharoxException;

/**
 * A call to the server failed in a way no domain exception describes: the server could not be
 * reached, refused the key (401, 403), or failed (5xx). Domain errors arrive as the exceptions
 * {@link io.pharox.ProxyLeasing} documents ({@link io.pharox.exception.PoolNotFoundException}...).
 */
public class PharoxClientException extends PharoxException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    /**
     * @param status the HTTP status, 0 if no answer came
     * @param code   the server's error code ({@code unauthorized}, {@code forbidden}...), or
     *               {@code io} when no answer came
     */
    public PharoxClientException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** An exception for a call that got no answer. */
    public PharoxClientException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = "io";
    }

    /** The HTTP status, 0 if no answer came. */
    public int status() {
        return status;
    }

    /** The server's error code, or {@code io} when no answer came. */
    public String code() {
        return code;
    }
}
