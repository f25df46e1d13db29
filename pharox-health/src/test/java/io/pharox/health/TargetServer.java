package io.pharox.health;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The site health checks ask for, in the test JVM: the same handlers over http and https
 * (a self-signed certificate for 127.0.0.1 and localhost, also served on 127.0.0.2, generated with the JDK's
 * {@code keytool} at test time, so no private key is committed).
 * <ul>
 *   <li>{@code /ok}: 200 at once;</li>
 *   <li>{@code /slow?ms=N}: 200 after N milliseconds;</li>
 *   <li>{@code /status/N}: status N;</li>
 *   <li>{@code /redirect/N?to=LOCATION}: status N with {@code Location: LOCATION} (URL-decoded),
 *       or without a {@code Location} when there is no {@code to};</li>
 *   <li>{@code /hang}: no answer until the server closes.</li>
 * </ul>
 * It records the most requests it ever had in progress at once, and the headers of the last
 * request for each path and query.
 */
final class TargetServer implements AutoCloseable {

    private static final char[] STORE_PASSWORD = "target-store".toCharArray();

    private final HttpServer http;
    private final HttpsServer https;
    private final HttpsServer unnamedHttps;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final SSLContext clientContext;
    private final SSLContext serverContext;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, Headers> lastHeaders = new ConcurrentHashMap<>();

    private TargetServer(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        KeyStore keyStore = generateKeyStore(dir);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, STORE_PASSWORD);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        Certificate certificate = keyStore.getCertificate("target");
        trust.setCertificateEntry("target", certificate);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trustManagers.getTrustManagers(), null);

        HttpHandler handler = this::handle;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        http.createContext("/", handler);
        http.setExecutor(executor);
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        https.createContext("/", handler);
        https.setExecutor(executor);
        unnamedHttps = HttpsServer.create(new InetSocketAddress("127.0.0.2", 0), 50);
        unnamedHttps.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        unnamedHttps.createContext("/", handler);
        unnamedHttps.setExecutor(executor);
        http.start();
        https.start();
        unnamedHttps.start();
    }

    /** Starts both servers on free loopback ports; the key store goes to {@code dir}. */
    public static TargetServer start(Path dir) throws Exception {
        return new TargetServer(dir);
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    public String httpUrl(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    /** {@code https://127.0.0.1:PORT} + path. */
    public String httpsUrl(String path) {
        return "https://127.0.0.1:" + httpsPort() + path;
    }

    /** {@code https://localhost:PORT} + path: the same server by a host name, which its certificate names. */
    public String httpsUrlByName(String path) {
        return "https://localhost:" + httpsPort() + path;
    }

    /**
     * {@code https://127.0.0.2:PORT} + path: the same certificate on an address it does not
     * name (all of 127.0.0.0/8 is loopback on Linux), so host name verification must fail.
     */
    public String unnamedHttpsUrl(String path) {
        return "https://127.0.0.2:" + unnamedHttps.getAddress().getPort() + path;
    }

    /** The http server's port. */
    public int httpPort() {
        return http.getAddress().getPort();
    }

    /** The path that redirects with {@code status} to {@code location} (a path or a URL). */
    public static String redirectPath(int status, String location) {
        return "/redirect/" + status + "?to=" + URLEncoder.encode(location, StandardCharsets.UTF_8);
    }

    /** The https server's port, for tinyproxy's {@code ConnectPort}. */
    public int httpsPort() {
        return https.getAddress().getPort();
    }

    /** A TLS context trusting this server's certificate (and nothing else). */
    public SSLContext trustingContext() {
        return clientContext;
    }

    /** The server side of this server's certificate, for other loopback TLS endpoints in tests. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /** The most requests ever in progress at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The headers of the last request for {@code pathAndQuery} (as sent: {@code /ok?case=1}), if there was one. */
    public Optional<Headers> lastHeaders(String pathAndQuery) {
        return Optional.ofNullable(lastHeaders.get(pathAndQuery));
    }

    /** Forgets {@link #maxInFlight()}. */
    public void resetMaxInFlight() {
        maxInFlight.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            lastHeaders.put(exchange.getRequestURI().toString(), exchange.getRequestHeaders());
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            int status = 200;
            if (path.equals("/slow")) {
                pause(Long.parseLong(query.substring(query.indexOf('=') + 1)));
            } else if (path.equals("/hang")) {
                pause(TimeUnit.SECONDS.toMillis(30));
                return;
            } else if (path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring("/status/".length()));
            } else if (path.startsWith("/redirect/")) {
                status = Integer.parseInt(path.substring("/redirect/".length()));
                String rawQuery = exchange.getRequestURI().getRawQuery();
                if (rawQuery != null && rawQuery.startsWith("to=")) {
                    exchange.getResponseHeaders()
                            .set("Location", URLDecoder.decode(rawQuery.substring(3), StandardCharsets.UTF_8));
                }
            } else if (!path.equals("/ok")) {
                status = 404;
            }
            byte[] body = ("status " + status + "\n").getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Waits {@code millis}, or less if the server is closing. */
    private void pause(long millis) {
        try {
            closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static KeyStore generateKeyStore(Path dir)
            throws IOException, GeneralSecurityException, InterruptedException {
        Path file = dir.resolve("target-" + System.nanoTime() + ".p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(List.of(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        "target",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        file.toString(),
                        "-storepass",
                        new String(STORE_PASSWORD),
                        "-keypass",
                        new String(STORE_PASSWORD)))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool could not generate the target's certificate: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, STORE_PASSWORD);
        }
        return store;
    }

    @Override
    public void close() {
        closing.countDown();
        http.stop(0);
        https.stop(0);
        unnamedHttps.stop(0);
        executor.shutdownNow();
    }
}
