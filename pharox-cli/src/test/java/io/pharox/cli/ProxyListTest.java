package io.pharox.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pharox.model.ProxyProtocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyListTest {

    @Test
    void reads_urls_tags_comments_and_blank_lines_with_their_line_numbers() {
        ProxyList.Parsed parsed = ProxyList.parse(List.of(
                "# a list",
                "",
                "203.0.113.10:8080 country=us   # a comment",
                "socks5://bob:p%40ss@[2001:db8::7]:1080 city=New%20York source=vendor-a isp=Acme asn=2516 max=4",
                "https://203.0.113.11:443 max=unlimited"));

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.entries()).extracting(ProxyList.Entry::line).containsExactly(3, 4, 5);
        var http = parsed.entries().get(0).proxy();
        assertThat(http.protocol()).isEqualTo(ProxyProtocol.HTTP);
        assertThat(http.country()).contains("US");
        assertThat(http.maxConcurrency()).isEqualTo(1);
        var socks = parsed.entries().get(1).proxy();
        assertThat(socks.protocol()).isEqualTo(ProxyProtocol.SOCKS5);
        assertThat(socks.host()).isEqualTo("2001:db8::7");
        assertThat(socks.credentials())
                .hasValueSatisfying(c -> assertThat(c.password()).isEqualTo("p@ss"));
        assertThat(socks.city()).contains("New York");
        assertThat(socks.source()).contains("vendor-a");
        assertThat(socks.isp()).contains("Acme");
        assertThat(socks.asn()).hasValue(2516);
        assertThat(socks.maxConcurrency()).isEqualTo(4);
        assertThat(parsed.entries().get(2).proxy().isUnlimited()).isTrue();
    }

    @Test
    void names_every_bad_line_by_number_and_keeps_reading() {
        ProxyList.Parsed parsed = ProxyList.parse(List.of(
                "203.0.113.10:8080",
                "ftp://203.0.113.12:21",
                "203.0.113.13",
                "203.0.113.14:3128 color=red",
                "203.0.113.15:3128 country=USA",
                "203.0.113.16:3128 max=0",
                "203.0.113.17:3128 asn=big",
                "HTTP://203.0.113.10:8080",
                "203.0.113.18:3128"));

        assertThat(parsed.entries()).extracting(ProxyList.Entry::line).containsExactly(1, 9);
        assertThat(parsed.problems()).extracting(ProxyList.Problem::line).containsExactly(2, 3, 4, 5, 6, 7, 8);
        assertThat(parsed.problems())
                .extracting(ProxyList.Problem::toString)
                .containsExactly(
                        "line 2: not a proxy URL: 'ftp://203.0.113.12:21': the scheme must be http, https, socks4"
                                + " or socks5, was 'ftp'",
                        "line 3: not a proxy URL: '203.0.113.13': the port is missing",
                        "line 4: unknown tag 'color' (known: country, city, source, isp, asn, max)",
                        "line 5: country must be a two-letter code, was 'USA'",
                        "line 6: max must be 1..2147483646 or unlimited, was '0'",
                        "line 7: asn must be a number, was 'big'",
                        "line 8: 203.0.113.10:8080 is already listed on line 1");
    }

    @Test
    void a_bad_line_never_shows_its_password() {
        ProxyList.Parsed parsed = ProxyList.parse(List.of(
                "http://alice:s3cret@203.0.113.13",
                "http://alice:s3cr et@203.0.113.14:80",
                "http://alice:s3cret@203.0.113.15:80 et@x"));

        assertThat(parsed.entries()).isEmpty();
        assertThat(parsed.problems()).hasSize(3);
        assertThat(parsed.problems()).allSatisfy(p -> assertThat(p.reason()).doesNotContain("s3cr", "et@"));
        assertThat(parsed.problems().get(0).reason()).contains("alice:****@203.0.113.13");
        assertThat(parsed.problems().get(1).reason()).contains("%20");
        assertThat(parsed.problems().get(2).reason()).contains("word 2");
    }

    @Test
    void two_spellings_of_one_host_are_one_proxy() {
        ProxyList.Parsed parsed = ProxyList.parse(List.of("Proxy.Example.com:3128", "socks5://proxy.example.com:3128"));

        assertThat(parsed.entries()).hasSize(1);
        assertThat(parsed.problems())
                .singleElement()
                .extracting(ProxyList.Problem::line)
                .isEqualTo(2);
    }
}
