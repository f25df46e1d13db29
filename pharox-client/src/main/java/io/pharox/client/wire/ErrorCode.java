package io.pharox.client.wire;

/** The error codes of {@link ErrorBody#error()}, with the HTTP status each is answered with. */
public final class ErrorCode {

    /** 401: no key, or a key the server does not know. */
    public static final String UNAUTHORIZED = "unauthorized";
    /** 403: the key's role or pool scope does not allow the call. */
    public static final String FORBIDDEN = "forbidden";
    /** 400: a parameter or field is invalid. */
    public static final String BAD_REQUEST = "bad_request";
    /** 400: the body is not JSON of the expected shape. */
    public static final String BAD_JSON = "bad_json";
    /** 400: the filter is not a filter. */
    public static final String BAD_FILTER = "bad_filter";
    /** 400: an entry of a proxy import was refused; {@link ErrorBody#index()} says which. */
    public static final String BAD_PROXY = "bad_proxy";
    /** 404: no such route. */
    public static final String NOT_FOUND = "not_found";
    /** 404: no such pool. */
    public static final String POOL_NOT_FOUND = "pool_not_found";
    /** 404: no such proxy. */
    public static final String PROXY_NOT_FOUND = "proxy_not_found";
    /** 404: no such lease. */
    public static final String LEASE_NOT_FOUND = "lease_not_found";
    /** 405: the route exists but not with this method. */
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    /** 409: the lease was released or has expired. */
    public static final String LEASE_NOT_ACTIVE = "lease_not_active";
    /** 409: the pool has active leases and the delete was not forced. */
    public static final String POOL_IN_USE = "pool_in_use";
    /** 409: a pool of that name exists. */
    public static final String POOL_EXISTS = "pool_exists";
    /** 409: a proxy with that address exists in the pool. */
    public static final String PROXY_EXISTS = "proxy_exists";
    /** 409: no proxy could be leased (in the wait, if one was asked for). */
    public static final String NO_PROXY_AVAILABLE = "no_proxy_available";
    /** 413: the body is too large. */
    public static final String TOO_LARGE = "too_large";
    /** 500: the server failed; the message says no more. */
    public static final String INTERNAL = "internal";
    /** 503: the server is stopping or its database is unreachable. */
    public static final String UNAVAILABLE = "unavailable";

    private ErrorCode() {}
}
