package io.pharox.health;

import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The checker's own probe of a proxy, for every protocol: a {@code GET} for the target through
 * it (see {@link Probe}), redirects handled as {@link HealthCheckOptions#redirects()} says, and
 * the final answer judged by {@link HealthCheckOptions#expectedStatuses()}. Stateless.
 */
final class BuiltInProbe implements ProxyProbe {

    static final BuiltInProbe INSTANCE = new BuiltInProbe();

    private BuiltInProbe() {}

    @Override
    public ProbeResult probe(Proxy proxy, HealthCheckOptions options) {
        try {
            return ProbeResult.passed(run(proxy, options));
        } catch (ProbeFailure failure) {
            return failure.httpStatus() == null
                    ? ProbeResult.failed(failure.status(), failure.detail())
                    : ProbeResult.failed(failure.status(), failure.detail(), failure.httpStatus());
        }
    }

    @Override
    public String toString() {
        return "the built-in probe";
    }

    /** Probes {@code proxy}; returns the HTTP status of the answer that passed the check. */
    private static int run(Proxy proxy, HealthCheckOptions options) throws ProbeFailure {
        RedirectPolicy policy = options.redirects();
        URI url = options.target();
        for (int hop = 0; ; hop++) {
            Probe.Answer answer = new Probe(proxy, options, url, sameOrigin(options.target(), url)).run();
            int status = answer.status();
            boolean redirect = RedirectPolicy.isRedirect(status);
            if (redirect && policy.mode() == RedirectPolicy.Mode.ACCEPT) {
                return status;
            }
            if (!redirect || policy.mode() == RedirectPolicy.Mode.NEVER) {
                return judged(proxy, options, status);
            }
            if (hop == policy.maxHops()) {
                throw new ProbeFailure(
                        HealthStatus.UNEXPECTED_RESPONSE,
                        "target redirected more than "
                                + policy.maxHops() + " times through proxy " + proxy.address() + " (the last HTTP "
                                + status
                                + " came from " + url.getHost() + ':' + HealthCheckOptions.portOf(url) + ")",
                        status);
            }
            url = next(proxy, url, answer);
        }
    }

    private static int judged(Proxy proxy, HealthCheckOptions options, int status) throws ProbeFailure {
        if (!options.expectedStatuses().contains(status)) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "target answered HTTP " + status
                            + " through proxy " + proxy.address() + ", expected "
                            + Probe.describeStatuses(options.expectedStatuses())
                            + (RedirectPolicy.isRedirect(status)
                                    ? " (a redirect, not followed: see RedirectPolicy)"
                                    : ""),
                    status);
        }
        return status;
    }

    /** Where a redirect points, resolved against the URL that answered it. */
    private static URI next(Proxy proxy, URI from, Probe.Answer redirect) throws ProbeFailure {
        String where = "target redirected with HTTP " + redirect.status() + " through proxy " + proxy.address();
        if (redirect.location() == null || redirect.location().isEmpty()) {
            throw new ProbeFailure(HealthStatus.UNEXPECTED_RESPONSE, where + " without a Location", redirect.status());
        }
        URI to;
        try {
            to = from.resolve(new URI(redirect.location()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            to = null;
        }
        String scheme =
                to == null || to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (to == null
                || !scheme.equals("http") && !scheme.equals("https")
                || to.getHost() == null
                || to.getRawUserInfo() != null) {
            // the location is not repeated: it may carry a token of the target's
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    where + " to a location that is not an http(s) URL with a host and without user information",
                    redirect.status());
        }
        return to;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && HealthCheckOptions.portOf(a) == HealthCheckOptions.portOf(b);
    }
}
