package io.pharox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyUrlTest {

    @ParameterizedTest
    @CsvSource({
        "http://203.0.113.7:3128, HTTP, 203.0.113.7, 3128",
        "https://proxy.example:443, HTTPS, proxy.example, 443",
        "socks4://203.0.113.7:1080, SOCKS4, 203.0.113.7, 1080",
        "socks5://203.0.113.7:1080, SOCKS5, 203.0.113.7, 1080",
        "SOCKS5://Proxy.Example:1, SOCKS5, Proxy.Example, 1",
        "203.0.113.7:8080, HTTP, 203.0.113.7, 8080",
        "socks5://[2001:db8::7]:65535, SOCKS5, 2001:db8::7, 65535",
        "'  http://203.0.113.7:3128  ', HTTP, 203.0.113.7, 3128",
    })
    void parses_each_scheme_and_a_bare_address(String text, ProxyProtocol protocol, String host, int port) {
        ProxyUrl url = ProxyUrl.parse(text);

        assertThat(url.protocol()).isEqualTo(protocol);
        assertThat(url.host()).isEqualTo(host);
        assertThat(url.port()).isEqualTo(port);
        assertThat(url.credentials()).isNull();
    }

    @Test
    void credentials_are_percent_decoded() {
        ProxyUrl url = ProxyUrl.parse("http://al%20ice:p%40ss%3Aw%2Fo%25rd%23@203.0.113.7:3128");

        assertThat(url.credentials()).isEqualTo(new Credentials("al ice", "p@ss:w/o%rd#"));
    }

    @Test
    void an_empty_password_is_allowed_and_utf8_is_decoded() {
        assertThat(ProxyUrl.parse("socks5://bob:@h:1").credentials()).isEqualTo(new Credentials("bob", ""));
        assertThat(ProxyUrl.parse("socks5://j%C3%BCrgen:gr%C3%BC%C3%9F@h:1").credentials())
                .isEqualTo(new Credentials("jürgen", "grüß"));
    }

    @Test
    void formats_with_and_without_credentials_and_round_trips() {
        ProxyUrl url = new ProxyUrl(ProxyProtocol.SOCKS5, "2001:db8::7", 1080, new Credentials("a@b", "p:w/ d%"));

        assertThat(url.format(false)).isEqualTo("socks5://[2001:db8::7]:1080");
        assertThat(url.format(true)).isEqualTo("socks5://a%40b:p%3Aw%2F%20d%25@[2001:db8::7]:1080");
        assertThat(ProxyUrl.parse(url.format(true))).isEqualTo(url);
        assertThat(ProxyUrl.parse(url.format(false)))
                .isEqualTo(new ProxyUrl(url.protocol(), url.host(), url.port(), null));
    }

    @Test
    void to_string_never_shows_credentials() {
        ProxyUrl url = ProxyUrl.parse("https://alice:s3cret@proxy.example:443");

        assertThat(url.toString()).isEqualTo("https://proxy.example:443").doesNotContain("s3cret", "alice");
    }

    @Test
    void a_proxy_is_formatted_and_built_from_its_url() {
        Proxy proxy = Proxy.builder()
                .poolId(Ids.next())
                .address("proxy.example", 8443)
                .protocol(ProxyProtocol.HTTPS)
                .credentials("u", "secret")
                .country("DE")
                .build();

        ProxyUrl url = ProxyUrl.of(proxy);

        assertThat(url.format(true)).isEqualTo("https://u:secret@proxy.example:8443");
        assertThat(url.format(false)).isEqualTo("https://proxy.example:8443");
        Proxy rebuilt = url.applyTo(
                        Proxy.builder().id(proxy.id()).poolId(proxy.poolId()).country("DE"))
                .build();
        assertThat(rebuilt).isEqualTo(proxy);
        assertThat(proxy.toString()).doesNotContain("secret");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "ftp://203.0.113.7:21",
                "http://203.0.113.7",
                "http://203.0.113.7:",
                "http://203.0.113.7:0",
                "http://203.0.113.7:65536",
                "http://203.0.113.7:80x",
                "http://203.0.113.7:80/path",
                "http://:80",
                "http://2001:db8::7:80",
                "http://[]:80",
                "http://user@203.0.113.7:80",
                "http://:secret@203.0.113.7:80",
                "http://u:bad%zz@203.0.113.7:80",
                "http://host name:80",
            })
    void refuses_what_is_not_a_proxy_url_naming_it(String text) {
        assertThatThrownBy(() -> ProxyUrl.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a proxy URL: '");
    }

    @Test
    void a_refused_url_never_shows_its_password() {
        assertThatThrownBy(() -> ProxyUrl.parse("http://alice:s3cret@203.0.113.7:99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alice:****@203.0.113.7")
                .hasMessageContaining("99999")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        assertThatThrownBy(() -> ProxyUrl.parse("http://alice:s3c@ret@203.0.113.7:80"))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3c"));
    }

    @Test
    void null_is_refused() {
        assertThatThrownBy(() -> ProxyUrl.parse(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ProxyUrl.of(null)).isInstanceOf(NullPointerException.class);
    }
}
