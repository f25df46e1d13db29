package io.pharox.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import io.pharox.model.HealthCheckResult;
import io.pharox.model.HealthStatus;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health checker against real proxy servers on loopback: tinyproxy for HTTP and
 * {@code CONNECT} (open, and with Basic auth), microsocks for SOCKS5 (open, and with
 * username/password), Dante for SOCKS4 and OpenSSH's {@code ssh -D} for SOCKS4a, in front of a
 * local http/https target. Nothing is mocked: a missing server binary fails the class with the
 * command that installs it.
 */
class HealthCheckerRealProxiesTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "Sesame-8f2c41";
    private static final String WRONG_PASSWORD = "Wrong-77aa19";
    private static final Clock CLOCK = Clock.fixed(TestProxies.T0, ZoneOffset.UTC);

    @TempDir
    static Path dir;

    static TargetServer target;
    static RealProxyServer tinyproxy;
    static RealProxyServer tinyproxyWithAuth;
    static RealProxyServer microsocks;
    static RealProxyServer microsocksWithAuth;
    static RealProxyServer dante;
    static RealProxyServer sshSocks;

    @BeforeAll
    static void startServers() throws Exception {
        target = TargetServer.start(dir);
        tinyproxy = RealProxyServer.tinyproxy(dir, null, null, target.httpsPort());
        tinyproxyWithAuth = RealProxyServer.tinyproxy(dir, USER, PASSWORD, target.httpsPort());
        microsocks = RealProxyServer.microsocks(dir, null, null);
        microsocksWithAuth = RealProxyServer.microsocks(dir, USER, PASSWORD);
        dante = RealProxyServer.dante(dir);
        sshSocks = RealProxyServer.sshDynamicForward(dir);
    }

    @AfterAll
    static void stopServers() {
        RealProxyServer.stopAll(tinyproxy, tinyproxyWithAuth, microsocks, microsocksWithAuth, dante, sshSocks, target);
    }

    static Proxy proxy(ProxyProtocol protocol, int port) {
        return TestProxies.on(protocol, port).build();
    }

    static Proxy proxy(ProxyProtocol protocol, int port, String password) {
        return TestProxies.on(protocol, port).credentials(USER, password).build();
    }

    static HealthCheckOptions.Builder options(String url) {
        return HealthCheckOptions.builder(url)
                .sslContext(target.trustingContext())
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(5))
                .slowThreshold(Duration.ofSeconds(10));
    }

    static HealthCheckResult check(String url, Proxy proxy) {
        return new HealthChecker(options(url).build(), CLOCK).check(proxy);
    }

    static void assertHealthy(HealthCheckResult result, Proxy proxy) {
        assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.HEALTHY);
        assertThat(result.proxyId()).isEqualTo(proxy.id());
        assertThat(result.httpStatus()).hasValue(200);
        assertThat(result.latency()).isPresent();
        assertThat(result.error()).isEmpty();
        assertThat(result.checkedAt()).isEqualTo(TestProxies.T0);
    }

    @Nested
    class Http_proxy {

        @Test
        void forwards_a_plain_request_to_an_http_target() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxy.port());

            assertHealthy(check(target.httpUrl("/ok"), proxy), proxy);
        }

        @Test
        void tunnels_to_an_https_target_with_connect_and_verifies_its_certificate() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxy.port());

            assertHealthy(check(target.httpsUrl("/ok"), proxy), proxy);
        }

        @Test
        void with_the_right_credentials_passes_for_both_kinds_of_target() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxyWithAuth.port(), PASSWORD);

            assertHealthy(check(target.httpUrl("/ok"), proxy), proxy);
            assertHealthy(check(target.httpsUrl("/ok"), proxy), proxy);
        }

        @Test
        void with_a_wrong_password_fails_authentication() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxyWithAuth.port(), WRONG_PASSWORD);

            for (String url : List.of(target.httpUrl("/ok"), target.httpsUrl("/ok"))) {
                HealthCheckResult result = check(url, proxy);
                // tinyproxy answers a wrong Basic-auth password with 401, not 407
                assertThat(result.status()).as("%s via %s", result, url).isEqualTo(HealthStatus.AUTH_FAILED);
                assertThat(result.httpStatus()).hasValue(401);
                assertThat(result.error())
                        .hasValueSatisfying(e -> assertThat(e)
                                .contains("rejected the credentials of user alice")
                                .doesNotContain(WRONG_PASSWORD));
            }
        }

        @Test
        void without_credentials_where_they_are_required_fails_authentication_with_407() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxyWithAuth.port());

            for (String url : List.of(target.httpUrl("/ok"), target.httpsUrl("/ok"))) {
                HealthCheckResult result = check(url, proxy);
                assertThat(result.status()).as("%s via %s", result, url).isEqualTo(HealthStatus.AUTH_FAILED);
                assertThat(result.httpStatus()).hasValue(407);
                assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("requires credentials"));
            }
        }

        @Test
        void a_tunnel_the_proxy_refuses_is_an_unexpected_response_with_its_status() {
            // tinyproxy only allows CONNECT to the https target's port, not to the http one
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxy.port());
            String httpsToTheWrongPort = target.httpUrl("/ok").replace("http://", "https://");

            HealthCheckResult result = check(httpsToTheWrongPort, proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(result.httpStatus()).hasValue(403);
            assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("refused the tunnel"));
        }
    }

    @Nested
    class Https_proxy {

        @Test
        void is_reached_over_tls_then_forwards_or_tunnels_like_an_http_proxy() throws Exception {
            // tinyproxy behind a TLS terminator carrying the target's (trusted) certificate
            try (Relay front = Relay.tls(target.serverContext(), tinyproxyWithAuth.port())) {
                Proxy proxy = proxy(ProxyProtocol.HTTPS, front.port(), PASSWORD);

                assertHealthy(check(target.httpUrl("/ok"), proxy), proxy);
                assertHealthy(check(target.httpsUrl("/ok"), proxy), proxy);
            }
        }

        @Test
        void with_a_wrong_password_fails_authentication() throws Exception {
            try (Relay front = Relay.tls(target.serverContext(), tinyproxyWithAuth.port())) {
                HealthCheckResult result =
                        check(target.httpsUrl("/ok"), proxy(ProxyProtocol.HTTPS, front.port(), WRONG_PASSWORD));

                assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.AUTH_FAILED);
            }
        }

        @Test
        void whose_certificate_is_not_trusted_fails_the_check_naming_the_proxy_handshake() throws Exception {
            try (Relay front = Relay.tls(target.serverContext(), tinyproxy.port())) {
                // the JVM's default trust store does not know the self-signed certificate
                HealthChecker checker = new HealthChecker(
                        HealthCheckOptions.builder(target.httpUrl("/ok")).build(), CLOCK);

                HealthCheckResult result = checker.check(proxy(ProxyProtocol.HTTPS, front.port()));

                assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
                assertThat(result.error())
                        .hasValueSatisfying(
                                e -> assertThat(e).contains("TLS handshake with the proxy failed", "not trusted"));
            }
        }

        @Test
        void speaking_tls_to_a_plain_http_proxy_fails_the_check() {
            // tinyproxy waits for a request line that the TLS client hello never ends
            HealthChecker checker = new HealthChecker(
                    options(target.httpUrl("/ok"))
                            .readTimeout(Duration.ofMillis(300))
                            .build(),
                    CLOCK);

            HealthCheckResult result = checker.check(proxy(ProxyProtocol.HTTPS, tinyproxy.port()));

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("TLS handshake with the proxy"));
        }
    }

    @Nested
    class Socks5_proxy {

        @Test
        void connects_to_an_http_target() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocks.port());

            assertHealthy(check(target.httpUrl("/ok"), proxy), proxy);
        }

        @Test
        void connects_to_an_https_target_and_verifies_its_certificate() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocks.port());

            assertHealthy(check(target.httpsUrl("/ok"), proxy), proxy);
        }

        @Test
        void with_the_right_username_and_password_passes() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocksWithAuth.port(), PASSWORD);

            assertHealthy(check(target.httpUrl("/ok"), proxy), proxy);
            assertHealthy(check(target.httpsUrl("/ok"), proxy), proxy);
        }

        @Test
        void with_a_wrong_password_fails_authentication() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocksWithAuth.port(), WRONG_PASSWORD);

            HealthCheckResult result = check(target.httpUrl("/ok"), proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.AUTH_FAILED);
            assertThat(result.httpStatus()).isEmpty();
            assertThat(result.error())
                    .hasValueSatisfying(e -> assertThat(e)
                            .contains("rejected the credentials of user alice")
                            .doesNotContain(WRONG_PASSWORD));
        }

        @Test
        void sends_the_host_name_for_the_proxy_to_resolve_or_an_address_resolved_here() throws Exception {
            try (Relay byName = Relay.plain(microsocks.port());
                    Relay byAddress = Relay.plain(microsocks.port())) {
                String url = target.httpsUrlByName("/ok");
                Proxy viaName = proxy(ProxyProtocol.SOCKS5, byName.port());
                Proxy viaAddress = proxy(ProxyProtocol.SOCKS5, byAddress.port());

                assertHealthy(check(url, viaName), viaName);
                assertHealthy(
                        new HealthChecker(
                                        options(url).resolveTargetLocally(true).build(), CLOCK)
                                .check(viaAddress),
                        viaAddress);

                // after the greeting (5, 1, 0): the connect request's address type, then the address
                assertThat(Arrays.copyOfRange(byName.sentByClients(), 3, 8))
                        .as("domain type, length, name")
                        .containsExactly(5, 1, 0, 3, "localhost".length());
                assertThat(Arrays.copyOfRange(byAddress.sentByClients(), 3, 10))
                        .as("IPv4 type, 127.0.0.1")
                        .containsExactly(5, 1, 0, 1, 127, 0, 0);
            }
        }

        @Test
        void without_credentials_where_they_are_required_fails_authentication() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocksWithAuth.port());

            HealthCheckResult result = check(target.httpUrl("/ok"), proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.AUTH_FAILED);
            assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("requires authentication"));
        }
    }

    @Nested
    class Socks4_proxy {

        @Test
        void connects_to_an_http_target_by_its_ipv4_address() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS4, dante.port());

            assertHealthy(check(target.httpUrl("/ok"), proxy), proxy);
        }

        @Test
        void connects_to_an_https_target_and_verifies_its_certificate() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS4, dante.port());

            assertHealthy(check(target.httpsUrl("/ok"), proxy), proxy);
        }

        @Test
        void sends_the_username_as_its_user_id_and_never_the_password() throws Exception {
            try (Relay relay = Relay.plain(dante.port())) {
                Proxy proxy = proxy(ProxyProtocol.SOCKS4, relay.port(), PASSWORD);

                assertHealthy(check(target.httpUrl("/ok"), proxy), proxy);

                byte[] sent = relay.sentByClients();
                int port = target.httpPort();
                assertThat(Arrays.copyOf(sent, 15))
                        .as("VN, CD, port, 127.0.0.1, user id, NUL, then the GET")
                        .containsExactly(4, 1, port >>> 8, port & 0xFF, 127, 0, 0, 1, 'a', 'l', 'i', 'c', 'e', 0, 'G');
                assertThat(new String(sent, StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
            }
        }

        @Test
        void a_host_name_goes_to_the_proxy_with_socks4a_which_resolves_it() throws Exception {
            try (Relay relay = Relay.plain(sshSocks.port())) {
                Proxy proxy = proxy(ProxyProtocol.SOCKS4, relay.port());

                assertHealthy(check(target.httpsUrlByName("/ok"), proxy), proxy);

                byte[] sent = relay.sentByClients();
                int port = target.httpsPort();
                assertThat(Arrays.copyOf(sent, 19))
                        .as("VN, CD, port, 0.0.0.1, empty user id, NUL, name, NUL")
                        .containsExactly(
                                4,
                                1,
                                port >>> 8,
                                port & 0xFF,
                                0,
                                0,
                                0,
                                1,
                                0,
                                'l',
                                'o',
                                'c',
                                'a',
                                'l',
                                'h',
                                'o',
                                's',
                                't',
                                0);
            }
        }

        @Test
        void a_proxy_without_socks4a_refuses_a_host_name_unless_the_checker_resolves_it() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS4, dante.port());
            String url = target.httpsUrlByName("/ok");

            HealthCheckResult refused = check(url, proxy);
            HealthCheckResult resolvedHere =
                    new HealthChecker(options(url).resolveTargetLocally(true).build(), CLOCK).check(proxy);

            assertThat(refused.status()).as("%s", refused).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(refused.error())
                    .hasValueSatisfying(e -> assertThat(e)
                            .contains(
                                    "refused to connect to localhost:" + target.httpsPort(),
                                    "reply 91",
                                    "SOCKS4a",
                                    "resolveTargetLocally(true)"));
            assertHealthy(resolvedHere, proxy);
        }

        @Test
        void cannot_reach_an_ipv6_target() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS4, dante.port());

            HealthCheckResult result = check("http://[::1]:8080/ok", proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(result.error())
                    .hasValueSatisfying(
                            e -> assertThat(e).contains("cannot connect to the IPv6 address ::1", "only IPv4"));
        }
    }

    @Nested
    class Request_headers {

        @Test
        void reach_the_target_through_every_kind_of_proxy_and_may_replace_the_user_agent() {
            Map<String, Proxy> cases = new LinkedHashMap<>();
            cases.put(target.httpUrl("/ok?case=http-proxy"), proxy(ProxyProtocol.HTTP, tinyproxy.port()));
            cases.put(target.httpsUrl("/ok?case=http-proxy-tunnel"), proxy(ProxyProtocol.HTTP, tinyproxy.port()));
            cases.put(target.httpsUrl("/ok?case=socks5"), proxy(ProxyProtocol.SOCKS5, microsocks.port()));
            cases.put(target.httpUrl("/ok?case=socks4"), proxy(ProxyProtocol.SOCKS4, dante.port()));

            cases.forEach((url, proxy) -> {
                HealthChecker checker = new HealthChecker(
                        options(url)
                                .header("X-Probe", "probe-7")
                                .header("Authorization", "Bearer token-3f9a")
                                .header("user-agent", "pharox-test/1.0")
                                .build(),
                        CLOCK);

                assertHealthy(checker.check(proxy), proxy);

                Headers received =
                        target.lastHeaders(url.substring(url.indexOf("/ok"))).orElseThrow();
                assertThat(received.get("X-Probe")).as(url).containsExactly("probe-7");
                assertThat(received.get("Authorization")).as(url).containsExactly("Bearer token-3f9a");
                assertThat(received.get("User-Agent")).as(url).containsExactly("pharox-test/1.0");
                assertThat(received.get("Accept")).as(url).containsExactly("*/*");
            });
        }

        @Test
        void never_go_to_the_proxy_in_the_connect_request() throws Exception {
            try (Relay relay = Relay.plain(tinyproxy.port())) {
                Proxy proxy = proxy(ProxyProtocol.HTTP, relay.port());
                HealthChecker checker = new HealthChecker(
                        options(target.httpsUrl("/ok?case=connect"))
                                .header("X-Api-Key", "key-for-the-target-only")
                                .build(),
                        CLOCK);

                assertHealthy(checker.check(proxy), proxy);

                // the proxy saw the CONNECT in clear, then only TLS records
                String seenByTheProxy = new String(relay.sentByClients(), StandardCharsets.ISO_8859_1);
                assertThat(seenByTheProxy)
                        .startsWith("CONNECT 127.0.0.1:" + target.httpsPort())
                        .doesNotContain("X-Api-Key")
                        .doesNotContain("key-for-the-target-only");
                assertThat(target.lastHeaders("/ok?case=connect").orElseThrow().get("X-Api-Key"))
                        .containsExactly("key-for-the-target-only");
            }
        }
    }

    @Nested
    class Redirects {

        @Test
        void by_default_are_judged_by_the_expected_statuses_and_not_followed() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxy.port());
            String url = target.httpUrl(TargetServer.redirectPath(302, "/ok?case=not-followed"));

            HealthCheckResult judged = check(url, proxy);
            HealthCheckResult expected =
                    new HealthChecker(options(url).expectedStatuses(200, 302).build(), CLOCK).check(proxy);

            assertThat(judged.status()).as("%s", judged).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(judged.httpStatus()).hasValue(302);
            assertThat(judged.error()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 302", "not followed"));
            assertThat(expected.status()).as("%s", expected).isEqualTo(HealthStatus.HEALTHY);
            assertThat(expected.httpStatus()).hasValue(302);
            assertThat(target.lastHeaders("/ok?case=not-followed")).isEmpty();
        }

        @Test
        void accepted_count_as_healthy_whatever_the_expected_statuses() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocks.port());
            String url = target.httpsUrl(TargetServer.redirectPath(301, "/status/500?case=accepted"));

            HealthCheckResult result = new HealthChecker(
                            options(url)
                                    .redirects(RedirectPolicy.ACCEPT)
                                    .expectedStatuses(200)
                                    .build(),
                            CLOCK)
                    .check(proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.HEALTHY);
            assertThat(result.httpStatus()).hasValue(301);
            assertThat(target.lastHeaders("/status/500?case=accepted"))
                    .as("not followed")
                    .isEmpty();
        }

        @Test
        void followed_lead_to_the_answer_at_the_end_which_is_judged() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxy.port());
            String toOk = TargetServer.redirectPath(302, TargetServer.redirectPath(307, "/ok?case=followed"));
            String toError = TargetServer.redirectPath(303, "/status/503");

            HealthCheckResult healthy = new HealthChecker(
                            options(target.httpUrl(toOk)).followRedirects(2).build(), CLOCK)
                    .check(proxy);
            HealthCheckResult failed = new HealthChecker(
                            options(target.httpUrl(toError)).followRedirects(2).build(), CLOCK)
                    .check(proxy);

            assertHealthy(healthy, proxy);
            assertThat(target.lastHeaders("/ok?case=followed")).isPresent();
            assertThat(failed.status()).as("%s", failed).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(failed.httpStatus()).hasValue(503);
        }

        @Test
        void followed_to_another_origin_go_through_the_same_proxy_without_the_target_s_headers() {
            for (Proxy proxy : List.of(
                    proxy(ProxyProtocol.HTTP, tinyproxy.port()),
                    proxy(ProxyProtocol.SOCKS5, microsocks.port()),
                    proxy(ProxyProtocol.SOCKS4, dante.port()))) {
                String last = "/ok?case=cross-origin-" + proxy.protocol();
                String first = TargetServer.redirectPath(302, target.httpsUrl(last));
                HealthChecker checker = new HealthChecker(
                        options(target.httpUrl(first))
                                .followRedirects(1)
                                .header("X-Token", "for-the-first-origin")
                                .build(),
                        CLOCK);

                assertHealthy(checker.check(proxy), proxy);

                assertThat(target.lastHeaders(first).orElseThrow().get("X-Token"))
                        .containsExactly("for-the-first-origin");
                assertThat(target.lastHeaders(last).orElseThrow().containsKey("X-Token"))
                        .as("http -> https")
                        .isFalse();
            }
        }

        @Test
        void one_too_many_without_a_location_or_to_another_scheme_fail_the_check() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocks.port());
            String threeHops = TargetServer.redirectPath(
                    302, TargetServer.redirectPath(302, TargetServer.redirectPath(302, "/ok")));

            HealthCheckResult tooMany = new HealthChecker(
                            options(target.httpUrl(threeHops))
                                    .followRedirects(2)
                                    .build(),
                            CLOCK)
                    .check(proxy);
            HealthCheckResult nowhere = new HealthChecker(
                            options(target.httpUrl("/redirect/302"))
                                    .followRedirects(2)
                                    .build(),
                            CLOCK)
                    .check(proxy);
            HealthCheckResult ftp = new HealthChecker(
                            options(target.httpUrl(TargetServer.redirectPath(301, "ftp://127.0.0.1/file?token=t0k3n")))
                                    .followRedirects(2)
                                    .build(),
                            CLOCK)
                    .check(proxy);

            assertThat(List.of(tooMany, nowhere, ftp)).allSatisfy(r -> {
                assertThat(r.status()).as("%s", r).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
                assertThat(r.httpStatus()).isPresent();
            });
            assertThat(tooMany.error()).hasValueSatisfying(e -> assertThat(e).contains("redirected more than 2 times"));
            assertThat(nowhere.error()).hasValueSatisfying(e -> assertThat(e).contains("without a Location"));
            assertThat(ftp.error())
                    .hasValueSatisfying(
                            e -> assertThat(e).contains("not an http(s) URL").doesNotContain("t0k3n"));
        }
    }

    @Nested
    class Outcomes {

        @Test
        void a_target_slower_than_the_threshold_makes_the_proxy_slow() {
            // the target waits 300 ms, so the probe takes at least that: over a 100 ms threshold
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxy.port());
            HealthChecker checker = new HealthChecker(
                    options(target.httpUrl("/slow?ms=300"))
                            .slowThreshold(Duration.ofMillis(100))
                            .build(),
                    CLOCK);

            HealthCheckResult result = checker.check(proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.SLOW);
            assertThat(result.latency())
                    .hasValueSatisfying(l -> assertThat(l).isGreaterThanOrEqualTo(Duration.ofMillis(300)));
            assertThat(result.httpStatus()).hasValue(200);
        }

        @Test
        void a_target_that_never_answers_makes_the_proxy_unreachable_after_the_read_timeout() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocks.port());
            HealthChecker checker = new HealthChecker(
                    options(target.httpUrl("/hang"))
                            .readTimeout(Duration.ofMillis(200))
                            .build(),
                    CLOCK);

            HealthCheckResult result = checker.check(proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(result.error())
                    .hasValueSatisfying(e -> assertThat(e).contains("read timeout of 200 ms (GET request)"));
        }

        @Test
        void a_port_where_nothing_listens_is_unreachable() throws Exception {
            int nothing = RealProxyServer.freePort();

            for (ProxyProtocol protocol : ProxyProtocol.values()) {
                HealthCheckResult result = check(target.httpUrl("/ok"), proxy(protocol, nothing));

                assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNREACHABLE);
                assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("refused"));
                assertThat(result.latency()).isEmpty();
            }
        }

        @Test
        void a_proxy_that_closes_the_connection_is_unreachable() throws Exception {
            try (ClosingProxy closing = new ClosingProxy()) {
                for (ProxyProtocol protocol : List.of(ProxyProtocol.HTTP, ProxyProtocol.SOCKS4, ProxyProtocol.SOCKS5)) {
                    HealthCheckResult result = check(target.httpsUrl("/ok"), proxy(protocol, closing.port()));

                    assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNREACHABLE);
                    assertThat(result.error())
                            .hasValueSatisfying(e -> assertThat(e).contains("closed the connection"));
                }
            }
        }

        @Test
        void an_unreachable_proxy_is_probed_again_as_often_as_the_retries_say() throws Exception {
            try (ClosingProxy closing = new ClosingProxy()) {
                HealthChecker checker = new HealthChecker(
                        options(target.httpUrl("/ok")).retries(2).build(), CLOCK);

                HealthCheckResult result = checker.check(proxy(ProxyProtocol.HTTP, closing.port()));

                assertThat(result.status()).isEqualTo(HealthStatus.UNREACHABLE);
                assertThat(closing.awaitAccepted(3)).isTrue();
                assertThat(closing.pendingAccepted()).isZero();
            }
        }

        @Test
        void a_refused_login_is_not_retried() {
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocksWithAuth.port(), WRONG_PASSWORD);
            HealthChecker checker =
                    new HealthChecker(options(target.httpUrl("/ok")).retries(3).build(), CLOCK);

            assertThat(checker.check(proxy).status()).isEqualTo(HealthStatus.AUTH_FAILED);
        }

        @Test
        void an_unexpected_status_fails_with_that_status_unless_it_is_expected() {
            Proxy proxy = proxy(ProxyProtocol.HTTP, tinyproxy.port());

            HealthCheckResult failed = check(target.httpsUrl("/status/418"), proxy);
            HealthCheckResult expected = new HealthChecker(
                            options(target.httpsUrl("/status/418"))
                                    .expectedStatuses(418)
                                    .build(),
                            CLOCK)
                    .check(proxy);

            assertThat(failed.status()).as("%s", failed).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(failed.httpStatus()).hasValue(418);
            assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 418"));
            assertThat(expected.status()).as("%s", expected).isEqualTo(HealthStatus.HEALTHY);
            assertThat(expected.httpStatus()).hasValue(418);
        }

        @Test
        void an_https_target_whose_certificate_is_not_trusted_fails_the_check() {
            // the JVM's default trust store does not know the target's self-signed certificate
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocks.port());
            HealthChecker checker = new HealthChecker(
                    HealthCheckOptions.builder(target.httpsUrl("/ok")).build(), CLOCK);

            HealthCheckResult result = checker.check(proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("not trusted"));
        }

        @Test
        void an_https_target_is_verified_against_the_host_name_asked_for() {
            // the same trusted certificate, served on 127.0.0.2, which it does not name
            Proxy proxy = proxy(ProxyProtocol.SOCKS5, microsocks.port());

            HealthCheckResult result = check(target.unnamedHttpsUrl("/ok"), proxy);

            assertThat(result.status()).as("%s", result).isEqualTo(HealthStatus.UNEXPECTED_RESPONSE);
            assertThat(result.error())
                    .hasValueSatisfying(e -> assertThat(e)
                            .contains(
                                    "TLS handshake with the target failed",
                                    "certificate for 127.0.0.2 is not trusted"));
        }
    }

    @Nested
    class Many_proxies {

        @Test
        void are_checked_with_bounded_parallelism_and_reported_in_order() throws Exception {
            List<Proxy> proxies = new ArrayList<>();
            IntStream.range(0, 4).forEach(i -> proxies.add(proxy(ProxyProtocol.HTTP, tinyproxy.port())));
            IntStream.range(0, 4).forEach(i -> proxies.add(proxy(ProxyProtocol.SOCKS5, microsocks.port())));
            proxies.add(proxy(ProxyProtocol.HTTP, RealProxyServer.freePort()));
            HealthChecker checker = new HealthChecker(
                    options(target.httpUrl("/slow?ms=50")).concurrency(2).build(), CLOCK);
            target.resetMaxInFlight();

            List<HealthCheckResult> results = checker.checkAll(proxies);

            assertThat(results)
                    .extracting(HealthCheckResult::proxyId)
                    .containsExactlyElementsOf(proxies.stream().map(Proxy::id).toList());
            assertThat(results.subList(0, 8))
                    .allSatisfy(r -> assertThat(r.status()).isEqualTo(HealthStatus.HEALTHY));
            assertThat(results.get(8).status()).isEqualTo(HealthStatus.UNREACHABLE);
            assertThat(target.maxInFlight()).isBetween(1, 2);
        }

        @Test
        void an_empty_collection_gives_no_results() {
            assertThat(new HealthChecker(options(target.httpUrl("/ok")).build()).checkAll(List.of()))
                    .isEmpty();
        }
    }

    @Nested
    class Passwords {

        /** A request header's value, which may be a secret too: never logged either. */
        private static final String HEADER_SECRET = "hdr-s3cret-77";

        @Test
        void never_appear_in_results_log_lines_or_exception_messages() {
            List<Proxy> proxies = List.of(
                    proxy(ProxyProtocol.HTTP, tinyproxyWithAuth.port(), PASSWORD),
                    proxy(ProxyProtocol.HTTP, tinyproxyWithAuth.port(), WRONG_PASSWORD),
                    proxy(ProxyProtocol.SOCKS5, microsocksWithAuth.port(), PASSWORD),
                    proxy(ProxyProtocol.SOCKS5, microsocksWithAuth.port(), WRONG_PASSWORD),
                    proxy(ProxyProtocol.SOCKS5, tinyproxyWithAuth.port(), PASSWORD),
                    proxy(ProxyProtocol.SOCKS4, dante.port(), PASSWORD),
                    proxy(ProxyProtocol.SOCKS4, tinyproxyWithAuth.port(), PASSWORD));
            List<String> texts = new ArrayList<>();
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream originalErr = System.err;
            // slf4j-simple (test scope, debug level) writes to whatever System.err is at the time
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                for (String url : List.of(target.httpUrl("/ok"), target.httpsUrl("/ok"))) {
                    // the last proxy is tinyproxy spoken to in SOCKS5: it waits for a request line, so time out soon
                    HealthChecker checker = new HealthChecker(
                            options(url)
                                    .header("X-Api-Key", HEADER_SECRET)
                                    .retries(1)
                                    .readTimeout(Duration.ofMillis(500))
                                    .build(),
                            CLOCK);
                    for (HealthCheckResult result : checker.checkAll(proxies)) {
                        texts.add(result.toString());
                        result.error().ifPresent(texts::add);
                    }
                }
            } finally {
                System.setErr(originalErr);
            }
            String log = captured.toString(StandardCharsets.UTF_8);

            // the capture saw the checks (so the scan is not vacuous), the credentials' user and the failures
            assertThat(log).contains("HealthChecker", "alice:****@", "AUTH_FAILED", "HEALTHY");
            assertThat(String.join("\n", texts)).contains("AUTH_FAILED", "HEALTHY", "UNREACHABLE");
            assertThat(log)
                    .doesNotContain(PASSWORD)
                    .doesNotContain(WRONG_PASSWORD)
                    .doesNotContain(HEADER_SECRET);
            assertThat(texts)
                    .noneMatch(t -> t.contains(PASSWORD) || t.contains(WRONG_PASSWORD) || t.contains(HEADER_SECRET));
        }
    }
}
