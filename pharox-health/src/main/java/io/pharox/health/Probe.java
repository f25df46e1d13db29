package io.pharox.health;

import io.pharox.model.Credentials;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * One request of one proxy to one URL: connect, speak the proxy's protocol (an absolute-form
 * request or a {@code CONNECT} tunnel for HTTP proxies, the RFC 1928/1929 handshake for SOCKS5, a
 * SOCKS4 or SOCKS4a {@code CONNECT}), TLS to the target when it is https, send a GET and read the
 * response head. What the answer means is {@link BuiltInProbe}'s to judge.
 *
 * <p>Every failure becomes a {@link ProbeFailure} whose detail is written here from what was
 * observed; credentials only ever go onto the wire.
 */
final class Probe {

    private static final int MAX_HEAD_BYTES = 32 * 1024;
    private static final String USER_AGENT = "pharox-health-check";

    private final Proxy proxy;
    private final HealthCheckOptions options;
    private final URI target;
    private final boolean targetIsHttps;
    private final String targetHost;
    private final int targetPort;
    private final Map<String, String> headers;
    /** What the probe is doing, for failure details. */
    private String phase = "connecting";
    /** The host name the last TLS handshake verified against. */
    private @Nullable String tlsHost;

    /**
     * A request for {@code target} (an http(s) URL with a host) through {@code proxy}, carrying
     * the options' {@link HealthCheckOptions#headers() headers} when {@code withHeaders}.
     */
    Probe(Proxy proxy, HealthCheckOptions options, URI target, boolean withHeaders) {
        this.proxy = proxy;
        this.options = options;
        this.target = target;
        this.targetIsHttps = HealthCheckOptions.isHttps(target);
        this.targetHost = unbracket(target.getHost());
        this.targetPort = HealthCheckOptions.portOf(target);
        this.headers = withHeaders ? options.headers() : Map.of();
    }

    /** The head of an answer: its status and {@code Location} header ({@code null} without one). */
    record Answer(int status, @Nullable String location) {}

    /** Runs the request; returns the answer, from the target or from an HTTP proxy. */
    Answer run() throws ProbeFailure {
        Socket socket = connect();
        try {
            socket.setSoTimeout(timeoutMillis(options.readTimeout().toMillis()));
            return exchange(socket);
        } catch (SocketTimeoutException e) {
            throw new ProbeFailure(
                    HealthStatus.UNREACHABLE,
                    "no answer from proxy " + proxy.address() + " within the read timeout of "
                            + options.readTimeout().toMillis() + " ms (" + phase + ")");
        } catch (SSLException e) {
            throw tlsFailure(e);
        } catch (EOFException e) {
            throw new ProbeFailure(
                    HealthStatus.UNREACHABLE, "proxy " + proxy.address() + " closed the connection " + e.getMessage());
        } catch (IOException e) {
            throw new ProbeFailure(
                    HealthStatus.UNREACHABLE,
                    "I/O error talking to proxy " + proxy.address() + " (" + phase + "): " + describe(e));
        } finally {
            closeQuietly(socket);
        }
    }

    private Socket connect() throws ProbeFailure {
        Socket socket = new Socket();
        try {
            socket.connect(
                    new InetSocketAddress(proxy.host(), proxy.port()),
                    timeoutMillis(options.connectTimeout().toMillis()));
            socket.setTcpNoDelay(true);
            return socket;
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new ProbeFailure(
                    HealthStatus.UNREACHABLE,
                    "connecting to proxy " + proxy.address() + " timed out after "
                            + options.connectTimeout().toMillis() + " ms");
        } catch (ConnectException e) {
            closeQuietly(socket);
            throw new ProbeFailure(HealthStatus.UNREACHABLE, "connection to proxy " + proxy.address() + " refused");
        } catch (UnknownHostException e) {
            closeQuietly(socket);
            throw new ProbeFailure(HealthStatus.UNREACHABLE, "unknown proxy host " + proxy.host());
        } catch (NoRouteToHostException e) {
            closeQuietly(socket);
            throw new ProbeFailure(HealthStatus.UNREACHABLE, "no route to proxy " + proxy.address());
        } catch (IOException e) {
            closeQuietly(socket);
            throw new ProbeFailure(
                    HealthStatus.UNREACHABLE, "cannot connect to proxy " + proxy.address() + ": " + describe(e));
        }
    }

    private Answer exchange(Socket socket) throws IOException, ProbeFailure {
        ProxyProtocol protocol = proxy.protocol();
        if (protocol == ProxyProtocol.SOCKS5 || protocol == ProxyProtocol.SOCKS4) {
            phase = protocol + " handshake";
            if (protocol == ProxyProtocol.SOCKS5) {
                Socks5.open(socket, proxy, targetHost, targetPort, options.resolveTargetLocally());
            } else {
                Socks4.open(socket, proxy, targetHost, targetPort, options.resolveTargetLocally());
            }
            Socket stream = targetIsHttps ? tls(socket, "target", targetHost, targetPort) : socket;
            return request(stream, originForm(), false);
        }
        Socket toProxy = socket;
        if (protocol == ProxyProtocol.HTTPS) {
            toProxy = tls(socket, "proxy", unbracket(proxy.host()), proxy.port());
        }
        if (!targetIsHttps) {
            return request(toProxy, absoluteForm(), true);
        }
        tunnel(toProxy);
        return request(tls(toProxy, "target", targetHost, targetPort), originForm(), false);
    }

    /** {@code CONNECT} to the target through an HTTP proxy; returns once the tunnel is open. */
    private void tunnel(Socket socket) throws IOException, ProbeFailure {
        phase = "CONNECT request";
        String authority = authority();
        StringBuilder head = new StringBuilder()
                .append("CONNECT ")
                .append(authority)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(authority)
                .append("\r\n")
                .append("User-Agent: ")
                .append(USER_AGENT)
                .append("\r\n");
        proxyAuthorization(head);
        head.append("\r\n");
        write(socket.getOutputStream(), head);
        int status = readHead(socket.getInputStream(), "the CONNECT request").status();
        if (status == 407 || status == 401 && proxy.credentials().isPresent()) {
            throw authFailed(status);
        }
        if (status / 100 != 2) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "proxy " + proxy.address() + " refused the tunnel to " + authority + " with HTTP " + status,
                    status);
        }
    }

    /** Sends a GET and returns the answer, which comes from the proxy or the target. */
    private Answer request(Socket socket, String requestTarget, boolean throughHttpProxy)
            throws IOException, ProbeFailure {
        phase = "GET request";
        StringBuilder head = new StringBuilder()
                .append("GET ")
                .append(requestTarget)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(hostHeader())
                .append("\r\n");
        if (!RequestHeaders.contains(headers, "User-Agent")) {
            head.append("User-Agent: ").append(USER_AGENT).append("\r\n");
        }
        if (!RequestHeaders.contains(headers, "Accept")) {
            head.append("Accept: */*\r\n");
        }
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Connection: close\r\n");
        if (throughHttpProxy) {
            proxyAuthorization(head);
        }
        head.append("\r\n");
        write(socket.getOutputStream(), head);
        Answer answer = readHead(socket.getInputStream(), "the request");
        int status = answer.status();
        if (throughHttpProxy
                && !options.expectedStatuses().contains(status)
                && (status == 407 || status == 401 && proxy.credentials().isPresent())) {
            // Some proxies (tinyproxy among them) answer a wrong Basic-auth password with 401.
            throw authFailed(status);
        }
        return answer;
    }

    private ProbeFailure authFailed(int status) {
        String what = proxy.credentials().isPresent()
                ? "rejected the credentials of user "
                        + proxy.credentials().get().username()
                : "requires credentials and none are configured";
        return new ProbeFailure(
                HealthStatus.AUTH_FAILED, "proxy " + proxy.address() + " " + what + " (HTTP " + status + ")", status);
    }

    private void proxyAuthorization(StringBuilder head) {
        Optional<Credentials> credentials = proxy.credentials();
        if (credentials.isPresent()) {
            String token =
                    credentials.get().username() + ':' + credentials.get().password();
            head.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
    }

    /** Reads a response head and returns its status code and location; the body is left unread. */
    private Answer readHead(InputStream in, String after) throws IOException, ProbeFailure {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int last = 0;
        // One byte at a time: after a CONNECT answer the next bytes belong to the tunnel.
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(
                        head.size() == 0 ? "before answering " + after : "in the middle of the answer to " + after);
            }
            head.write(b);
            last = last << 8 | b;
            if (last == 0x0D0A0D0A || (last & 0xFFFF) == 0x0A0A) {
                break;
            }
            if (head.size() > MAX_HEAD_BYTES) {
                throw new ProbeFailure(
                        HealthStatus.UNEXPECTED_RESPONSE,
                        "proxy " + proxy.address() + " sent a response head longer than " + MAX_HEAD_BYTES
                                + " bytes to " + after);
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\n");
        String statusLine = lines[0].strip();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "proxy " + proxy.address() + " did not answer " + after + " with an HTTP status line");
        }
        String location = null;
        for (int i = 1; i < lines.length && location == null; i++) {
            if (lines[i].regionMatches(true, 0, "Location:", 0, 9)) {
                location = lines[i].substring(9).strip();
            }
        }
        try {
            int status = Integer.parseInt(parts[1]);
            if (status < 100 || status > 599) {
                throw new NumberFormatException();
            }
            return new Answer(status, location);
        } catch (NumberFormatException e) {
            throw new ProbeFailure(
                    HealthStatus.UNEXPECTED_RESPONSE,
                    "proxy " + proxy.address() + " answered " + after + " with an invalid HTTP status");
        }
    }

    /** TLS over an open connection (a tunnel, or the TCP connection to an HTTPS proxy), verifying the host name. */
    private Socket tls(Socket over, String peer, String host, int port) throws IOException, ProbeFailure {
        phase = "TLS handshake with the " + peer;
        tlsHost = host;
        SSLSocketFactory factory;
        try {
            factory = options.sslContext().isPresent()
                    ? options.sslContext().get().getSocketFactory()
                    : SSLContext.getDefault().getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new ProbeFailure(HealthStatus.UNREACHABLE, "no TLS context available: " + describe(e));
        }
        SSLSocket ssl = (SSLSocket) factory.createSocket(over, host, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        return ssl;
    }

    private ProbeFailure tlsFailure(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return new ProbeFailure(
                        HealthStatus.UNEXPECTED_RESPONSE,
                        phase + " failed (proxy " + proxy.address() + "): the certificate for " + tlsHost
                                + " is not trusted (" + describe(e) + ")");
            }
        }
        return new ProbeFailure(
                HealthStatus.UNREACHABLE, phase + " failed (proxy " + proxy.address() + "): " + describe(e));
    }

    private String absoluteForm() {
        return target.getScheme().toLowerCase(Locale.ROOT) + "://" + hostHeader() + originForm();
    }

    private String originForm() {
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        return target.getRawQuery() == null ? path : path + '?' + target.getRawQuery();
    }

    private String hostHeader() {
        return target.getPort() == -1 ? target.getHost() : target.getHost() + ':' + target.getPort();
    }

    private String authority() {
        return target.getHost() + ':' + targetPort;
    }

    private static void write(OutputStream out, CharSequence head) throws IOException {
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The statuses as ranges: {@code 200-299}, {@code 200, 204, 301-302}. */
    static String describeStatuses(java.util.Set<Integer> statuses) {
        StringBuilder out = new StringBuilder();
        int[] sorted = statuses.stream().mapToInt(Integer::intValue).sorted().toArray();
        for (int i = 0; i < sorted.length; i++) {
            int from = sorted[i];
            while (i + 1 < sorted.length && sorted[i + 1] == sorted[i] + 1) {
                i++;
            }
            out.append(out.length() == 0 ? "" : ", ").append(from).append(from == sorted[i] ? "" : "-" + sorted[i]);
        }
        return out.toString();
    }

    static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static String describe(Throwable e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static int timeoutMillis(long millis) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with a probe's socket
        }
    }
}
