package io.pharox.model;

/**
 * Why a request through a leased proxy failed; see {@link Outcome}. Every reason but
 * {@link #TARGET_BLOCKED} counts against the proxy itself: it adds to the consecutive failures
 * that open the proxy's circuit and lowers its success rate. {@code TARGET_BLOCKED} says the
 * proxy works but one target refuses it: it bans the proxy for that target only.
 */
public enum FailureReason {
    /** The connection to the proxy could not be made (refused, reset, unreachable). */
    CONNECT_FAILED,
    /** The proxy or the target did not answer in time. */
    TIMEOUT,
    /** The proxy rejected the credentials (HTTP 407, a refused SOCKS5 handshake). */
    PROXY_AUTH_FAILED,
    /** The target refuses this proxy (a ban page, a 403 for the proxy's address, a captcha wall). */
    TARGET_BLOCKED,
    /** The request went through but the answer had an unexpected HTTP status. */
    HTTP_STATUS,
    /** Any other failure. */
    OTHER,
    /**
     * The lease's {@link io.pharox.LeaseHandle handle} was closed without a report: the block
     * that used it threw, or ended without saying how the request went.
     */
    ABANDONED
}
