package io.pharox.health;

import io.pharox.model.Credentials;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The client side of a SOCKS4 {@code CONNECT}, on an already connected socket: to an IPv4
 * address, or, for a host name, with the SOCKS4a extension (the address {@code 0.0.0.1} and the
 * name after the user id), so that the proxy resolves it.
 *
 * <p>SOCKS4 has no password. The user id sent is the username of the proxy's credentials (empty
 * without credentials); the password is never sent, since the protocol has nowhere to put it
 * but in clear next to the user id, where no SOCKS4 server looks for it.
 */
final class Socks4 {

    private static final int VERSION = 4;
    private static final int CONNECT = 1;
    private static final int GRANTED = 90;
    private static final int REJECTED = 91;
    private static final int NO_IDENTD = 92;
    private static final int IDENTD_MISMATCH = 93;
    private static final byte[] SOCKS4A_ADDRESS = {0, 0, 0, 1};

    private Socks4() {}

    /** Asks the proxy to connect to {@code host:port}; returns once it has. */
    static void open(Socket socket, Proxy proxy, String host, int port, boolean resolveLocally)
            throws IOException, ProbeFailure {
        byte[] address = TargetAddress.of(host, resolveLocally, true);
        if (address != null && address.length != 4) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "SOCKS4 proxy " + proxy.address() + " cannot connect to the IPv6 address " + host
                            + ": SOCKS4 carries only IPv4 addresses");
        }
        boolean socks4a = address == null;
        byte[] userId =
                proxy.credentials().map(Credentials::username).orElse("").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream request = new ByteArrayOutputStream(10 + userId.length + host.length());
        request.write(VERSION);
        request.write(CONNECT);
        request.write(port >>> 8);
        request.write(port & 0xFF);
        request.write(socks4a ? SOCKS4A_ADDRESS : address, 0, 4);
        request.write(userId, 0, userId.length);
        request.write(0);
        if (socks4a) {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            request.write(name, 0, name.length);
            request.write(0);
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.toByteArray());
        out.flush();

        byte[] reply = new byte[8];
        try {
            new DataInputStream(socket.getInputStream()).readFully(reply);
        } catch (EOFException e) {
            throw new EOFException("during the SOCKS4 connect request");
        }
        int version = reply[0] & 0xFF;
        int code = reply[1] & 0xFF;
        if (version != 0 && version != VERSION) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "proxy " + proxy.address() + " did not answer the connect request as a SOCKS4 proxy (version byte "
                            + version + ")");
        }
        if (code != GRANTED) {
            throw refusal(proxy, code, host + ':' + port, socks4a);
        }
    }

    private static ProbeFailure refusal(Proxy proxy, int code, String target, boolean socks4a) {
        String prefix = "SOCKS4 proxy " + proxy.address() + " refused to connect to " + target;
        String user = proxy.credentials().map(c -> "user id " + c.username()).orElse("an empty user id");
        return switch (code) {
            case REJECTED ->
                new ProbeFailure(
                        HealthStatus.UNEXPECTED_RESPONSE,
                        prefix
                                + ": rejected or failed (reply 91)"
                                + (socks4a
                                        ? "; a host name needs SOCKS4a, which not every SOCKS4 proxy supports:"
                                                + " resolveTargetLocally(true) sends an IPv4 address instead"
                                        : ""));
            case NO_IDENTD ->
                new ProbeFailure(
                        HealthStatus.AUTH_FAILED,
                        prefix + ": it could not confirm " + user + " with identd on this host (reply 92)");
            case IDENTD_MISMATCH ->
                new ProbeFailure(
                        HealthStatus.AUTH_FAILED,
                        prefix + ": identd on this host does not confirm " + user + " (reply 93)");
            default -> new ProbeFailure(HealthStatus.UNEXPECTED_RESPONSE, prefix + " (reply " + code + ")");
        };
    }
}
