package io.pharox.health;

import java.util.Objects;

/**
 * What a probe does when the target answers with a redirect: 301, 302, 303, 307 or 308.
 * Immutable; one of {@link #NEVER} (the default), {@link #ACCEPT} or {@link #follow(int)}.
 *
 * @param mode    whether the redirect is judged, accepted or followed
 * @param maxHops with {@link Mode#FOLLOW}, the most redirects followed in one probe (1..20); else 0
 */
public record RedirectPolicy(Mode mode, int maxHops) {

    /** The most redirects a probe may follow. */
    public static final int MAX_HOPS = 20;

    /**
     * Redirects are not followed: the redirect is the target's answer, judged by
     * {@link HealthCheckOptions#expectedStatuses()} like any other status (so with the default
     * 200..299 it fails the check as UNEXPECTED_RESPONSE).
     */
    public static final RedirectPolicy NEVER = new RedirectPolicy(Mode.NEVER, 0);

    /**
     * Redirects are not followed and count as a passed check, whatever the expected statuses:
     * the target answered through the proxy, and where it points is not the proxy's concern.
     */
    public static final RedirectPolicy ACCEPT = new RedirectPolicy(Mode.ACCEPT, 0);

    /** What happens to a redirect. */
    public enum Mode {
        /** Judged by the expected statuses. */
        NEVER,
        /** A passed check. */
        ACCEPT,
        /** Followed, and the answer at the end judged. */
        FOLLOW
    }

    /**
     * @throws NullPointerException if the mode is {@code null}
     * @throws IllegalArgumentException if {@code maxHops} is not 1..{@value #MAX_HOPS} for
     *         {@link Mode#FOLLOW}, or not 0 for the others
     */
    public RedirectPolicy {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.FOLLOW && (maxHops < 1 || maxHops > MAX_HOPS)) {
            throw new IllegalArgumentException(
                    "maxHops must be 1.." + MAX_HOPS + " to follow redirects, was " + maxHops);
        }
        if (mode != Mode.FOLLOW && maxHops != 0) {
            throw new IllegalArgumentException(
                    "maxHops must be 0 when redirects are not followed (" + mode + "), was " + maxHops);
        }
    }

    /**
     * Redirects are followed through the same proxy, at most {@code maxHops} of them, each
     * {@code Location} resolved against the URL that answered it; the answer at the end is judged
     * by the expected statuses. One redirect more than that, one without a {@code Location}, or
     * one to a URL that is not http(s) fails the check as UNEXPECTED_RESPONSE. The options'
     * {@link HealthCheckOptions#headers() headers} go only to URLs of the target's own origin
     * (scheme, host and port), since they may be credentials for it.
     *
     * @throws IllegalArgumentException if {@code maxHops} is not 1..{@value #MAX_HOPS}
     */
    public static RedirectPolicy follow(int maxHops) {
        return new RedirectPolicy(Mode.FOLLOW, maxHops);
    }

    /** Whether {@code status} is a redirect this policy applies to: 301, 302, 303, 307 or 308. */
    public static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    @Override
    public String toString() {
        return mode == Mode.FOLLOW ? "FOLLOW(" + maxHops + ")" : mode.name();
    }
}
