package io.pharox.health;

import io.pharox.model.HealthStatus;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * How a SOCKS request names the target: by IP address, or by host name for the proxy to resolve
 * (SOCKS5's domain address type, SOCKS4's 4a extension). A host name is resolved in this JVM only
 * when {@link HealthCheckOptions#resolveTargetLocally()} says so.
 */
final class TargetAddress {

    private TargetAddress() {}

    /**
     * The address bytes to send for {@code host} (4 or 16, or 4 only when {@code ipv4Only}), or
     * {@code null} to send the host name for the proxy to resolve.
     */
    static byte @Nullable [] of(String host, boolean resolveLocally, boolean ipv4Only) throws ProbeFailure {
        byte[] literal = ipLiteral(host);
        if (literal != null || !resolveLocally) {
            return literal;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ProbeFailure(
                    HealthStatus.UNREACHABLE,
                    "cannot resolve the target host " + host + " in this JVM (resolveTargetLocally is set)");
        }
        for (InetAddress address : addresses) {
            if (!ipv4Only || address instanceof Inet4Address) {
                return address.getAddress();
            }
        }
        throw new ProbeFailure(
                HealthStatus.UNEXPECTED_RESPONSE,
                "the target host " + host + " has no IPv4 address, and SOCKS4 carries only IPv4 addresses");
    }

    /** The address bytes of an IP literal, or {@code null} for a host name. */
    static byte @Nullable [] ipLiteral(String host) {
        boolean ipv4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean ipv6 = host.indexOf(':') >= 0;
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            // An IP literal is parsed, never looked up.
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
