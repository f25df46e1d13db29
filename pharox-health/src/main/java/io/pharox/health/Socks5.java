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
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The client side of a SOCKS5 handshake (RFC 1928) with username/password authentication
 * (RFC 1929), on an already connected socket. Done by hand rather than through
 * {@link java.net.Proxy} so that each proxy's credentials stay with its own connection: the
 * JDK would take them from the process-wide {@link java.net.Authenticator}.
 */
final class Socks5 {

    private static final int VERSION = 5;
    private static final int NO_AUTHENTICATION = 0x00;
    private static final int USERNAME_PASSWORD = 0x02;
    private static final int NO_ACCEPTABLE_METHOD = 0xFF;
    private static final int AUTH_VERSION = 1;
    private static final int CONNECT = 1;
    private static final int IPV4 = 1;
    private static final int DOMAIN = 3;
    private static final int IPV6 = 4;

    private Socks5() {}

    /** Greets, authenticates if the proxy asks to, and connects to {@code host:port}. */
    static void open(Socket socket, Proxy proxy, String host, int port, boolean resolveLocally)
            throws IOException, ProbeFailure {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        Optional<Credentials> credentials = proxy.credentials();

        out.write(
                credentials.isPresent()
                        ? new byte[] {VERSION, 2, NO_AUTHENTICATION, USERNAME_PASSWORD}
                        : new byte[] {VERSION, 1, NO_AUTHENTICATION});
        out.flush();
        int version = read(in, "the SOCKS5 greeting");
        int method = read(in, "the SOCKS5 greeting");
        if (version != VERSION) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "proxy " + proxy.address() + " did not answer the greeting as a SOCKS5 proxy (version byte "
                            + version + ")");
        }
        if (method == NO_ACCEPTABLE_METHOD) {
            throw new ProbeFailure(
                    HealthStatus.AUTH_FAILED,
                    "SOCKS5 proxy " + proxy.address()
                            + (credentials.isPresent()
                                    ? " accepts neither no authentication nor username/password"
                                    : " requires authentication and no credentials are configured"));
        }
        if (method == USERNAME_PASSWORD && credentials.isPresent()) {
            authenticate(in, out, proxy, credentials.get());
        } else if (method != NO_AUTHENTICATION) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "SOCKS5 proxy " + proxy.address() + " chose authentication method " + method
                            + ", which was not offered");
        }
        connect(in, out, proxy, host, port, TargetAddress.of(host, resolveLocally, false));
    }

    private static void authenticate(DataInputStream in, OutputStream out, Proxy proxy, Credentials credentials)
            throws IOException, ProbeFailure {
        byte[] user = credentials.username().getBytes(StandardCharsets.UTF_8);
        byte[] password = credentials.password().getBytes(StandardCharsets.UTF_8);
        if (user.length > 255 || password.length > 255) {
            throw new ProbeFailure(
                    HealthStatus.AUTH_FAILED,
                    "SOCKS5 username and password must be at most 255 bytes"
                            + " each (RFC 1929); the credentials of user " + credentials.username() + " are longer");
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream(3 + user.length + password.length);
        message.write(AUTH_VERSION);
        message.write(user.length);
        message.write(user, 0, user.length);
        message.write(password.length);
        message.write(password, 0, password.length);
        out.write(message.toByteArray());
        out.flush();
        int status;
        try {
            in.readUnsignedByte();
            status = in.readUnsignedByte();
        } catch (EOFException e) {
            throw new ProbeFailure(
                    HealthStatus.AUTH_FAILED,
                    "SOCKS5 proxy " + proxy.address() + " closed the connection after the login of user "
                            + credentials.username());
        }
        if (status != 0) {
            throw new ProbeFailure(
                    HealthStatus.AUTH_FAILED,
                    "SOCKS5 proxy " + proxy.address() + " rejected the credentials of user " + credentials.username()
                            + " (status " + status + ")");
        }
    }

    /** Connects to {@code address}, or to {@code host} by name when the address is {@code null}. */
    private static void connect(
            DataInputStream in, OutputStream out, Proxy proxy, String host, int port, byte @Nullable [] address)
            throws IOException, ProbeFailure {
        ByteArrayOutputStream request = new ByteArrayOutputStream(22 + host.length());
        request.write(VERSION);
        request.write(CONNECT);
        request.write(0);
        if (address != null) {
            request.write(address.length == 4 ? IPV4 : IPV6);
            request.write(address, 0, address.length);
        } else {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            request.write(DOMAIN);
            request.write(name.length);
            request.write(name, 0, name.length);
        }
        request.write(port >>> 8);
        request.write(port & 0xFF);
        out.write(request.toByteArray());
        out.flush();

        String phase = "the SOCKS5 connect request";
        read(in, phase);
        int reply = read(in, phase);
        read(in, phase);
        int addressType = read(in, phase);
        if (reply != 0) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "SOCKS5 proxy " + proxy.address() + " could not connect to " + host + ':' + port + ": "
                            + replyText(reply));
        }
        int skip = switch (addressType) {
            case IPV4 -> 4;
            case IPV6 -> 16;
            case DOMAIN -> read(in, phase);
            default ->
                throw new ProbeFailure(
                        HealthStatus.UNEXPECTED_RESPONSE,
                        "SOCKS5 proxy " + proxy.address() + " answered with unknown address type " + addressType);
        };
        in.readFully(new byte[skip + 2]);
    }

    private static int read(DataInputStream in, String phase) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("during " + phase);
        }
        return b;
    }

    private static String replyText(int reply) {
        return switch (reply) {
            case 1 -> "general failure (reply 1)";
            case 2 -> "not allowed by the proxy's rules (reply 2)";
            case 3 -> "network unreachable (reply 3)";
            case 4 -> "host unreachable (reply 4)";
            case 5 -> "connection refused by the target (reply 5)";
            case 6 -> "TTL expired (reply 6)";
            case 7 -> "command not supported (reply 7)";
            case 8 -> "address type not supported (reply 8)";
            default -> "reply " + reply;
        };
    }
}
