package io.pharox.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The proxy file format: what it accepts, and how it refuses a bad line. */
class ProxyFileTest {

    @Test
    void the_bundled_sample_has_three_pools_of_tagged_proxies() {
        List<ProxyFile.Entry> entries = PostgresService.readProxies(Settings.parse(List.of(), Map.of()));

        Map<String, Long> perPool =
                entries.stream().collect(Collectors.groupingBy(ProxyFile.Entry::pool, Collectors.counting()));
        assertThat(perPool)
                .containsOnly(Map.entry("residential", 6L), Map.entry("datacenter", 8L), Map.entry("mobile", 4L));
        assertThat(entries).allSatisfy(e -> assertThat(e.proxy().country()).isPresent());
        Proxy mobile = entries.stream()
                .filter(e -> e.pool().equals("mobile"))
                .findFirst()
                .orElseThrow()
                .proxy();
        assertThat(mobile.protocol()).isEqualTo(ProxyProtocol.SOCKS5);
        assertThat(mobile.credentials().orElseThrow().password()).isEqualTo("mob@pass-1");
        assertThat(mobile.maxConcurrency()).isEqualTo(2);
    }

    @Test
    void every_form_of_address_and_tag_is_read() {
        List<ProxyFile.Entry> entries = ProxyFile.parse(
                "t.txt",
                List.of(
                        "10.0.0.1:8080                      # before any header: pool 'default'",
                        "",
                        "  [ eu ]  ",
                        "socks4://10.0.0.2:1080 country=de city=Sankt%20Augustin source=lab asn=3320 max=unlimited",
                        "HTTPS://user:p%3Ass+w0rd@proxy.example:443 max=3",
                        "socks5://[2001:db8::7]:1080"));

        assertThat(entries).extracting(ProxyFile.Entry::line).containsExactly(1, 4, 5, 6);
        assertThat(entries).extracting(ProxyFile.Entry::pool).containsExactly("default", "eu", "eu", "eu");
        Proxy plain = entries.get(0).proxy();
        assertThat(plain.protocol()).isEqualTo(ProxyProtocol.HTTP);
        assertThat(plain.address()).isEqualTo("10.0.0.1:8080");
        assertThat(plain.credentials()).isEmpty();
        assertThat(plain.maxConcurrency()).isEqualTo(1);
        Proxy tagged = entries.get(1).proxy();
        assertThat(tagged.protocol()).isEqualTo(ProxyProtocol.SOCKS4);
        assertThat(tagged.country()).contains("DE");
        assertThat(tagged.city()).contains("Sankt Augustin");
        assertThat(tagged.source()).contains("lab");
        assertThat(tagged.asn()).hasValue(3320);
        assertThat(tagged.isUnlimited()).isTrue();
        Proxy secured = entries.get(2).proxy();
        assertThat(secured.protocol()).isEqualTo(ProxyProtocol.HTTPS);
        assertThat(secured.credentials().orElseThrow().username()).isEqualTo("user");
        assertThat(secured.credentials().orElseThrow().password()).isEqualTo("p:ss+w0rd");
        assertThat(secured.maxConcurrency()).isEqualTo(3);
        assertThat(entries.get(3).proxy().host()).isEqualTo("2001:db8::7");
    }

    @Test
    void an_entry_moves_into_its_pool_under_a_new_id() {
        ProxyFile.Entry entry =
                ProxyFile.parse("t.txt", List.of("10.0.0.1:8080")).get(0);
        UUID pool = UUID.randomUUID();

        Proxy placed = entry.inPool(pool);

        assertThat(placed.poolId()).isEqualTo(pool);
        assertThat(placed.id()).isNotEqualTo(entry.proxy().id());
        assertThat(placed.address()).isEqualTo("10.0.0.1:8080");
    }

    @Test
    void a_malformed_line_is_refused_with_its_number_and_the_bad_value() {
        assertRefused("10.0.0.1:70000", "t.txt line 2: port must be 1..65535, was 70000");
        assertRefused("10.0.0.1:http", "t.txt line 2: port must be a number 1..65535, was 'http'");
        assertRefused(
                "10.0.0.1", "t.txt line 2: expected host:port or protocol://[user:password@]host:port, was '10.0.0.1'");
        assertRefused("ftp://10.0.0.1:21", "t.txt line 2: protocol must be http, https, socks4 or socks5, was 'ftp'");
        assertRefused(
                "10.0.0.1:8080 US",
                "t.txt line 2: expected a tag key=value (country, city, source, asn, max), was 'US'");
        assertRefused("10.0.0.1:8080 country=USA", "t.txt line 2: country must be a two-letter code, was 'USA'");
        assertRefused("10.0.0.1:8080 colour=red", "t.txt line 2: unknown tag 'colour'");
        assertRefused("10.0.0.1:8080 max=0", "t.txt line 2: max must be 1..2147483646 or unlimited, was '0'");
        assertRefused("10.0.0.1:8080 asn=big", "t.txt line 2: asn must be a number, was 'big'");
        assertRefused("10.0.0.9:8080", "t.txt line 2: 10.0.0.9:8080 is already listed in pool 'default' on line 1");
        assertRefused("[ ]", "t.txt line 2: pool name");
    }

    @Test
    void a_refused_line_never_shows_its_password() {
        assertThatThrownBy(() -> ProxyFile.parse("t.txt", List.of("http://alice:s3cret@10.0.0.1:8080 country=USA")))
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ProxyFile.parse("t.txt", List.of("http://alice:s3cret@10.0.0.1")))
                .hasMessageContaining("'http://alice:****@10.0.0.1'")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ProxyFile.parse("t.txt", List.of("http://alice:s3c%zzret@10.0.0.1:80")))
                .hasMessage("t.txt line 1: password has a malformed %-escape");
        assertThat(ProxyFile.parse("t.txt", List.of("http://alice:s3cret@10.0.0.1:80"))
                        .get(0)
                        .toString())
                .doesNotContain("s3cret");
    }

    private static void assertRefused(String line, String message) {
        assertThatThrownBy(() -> ProxyFile.parse("t.txt", List.of("10.0.0.9:8080", line)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
