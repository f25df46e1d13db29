package io.pharox.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The quickstart runs to the end and tells what happened. */
class QuickstartTest {

    @Test
    void the_walk_through_prints_every_step_and_leaves_no_lease_active() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new Quickstart(new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
        String out = buffer.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("1. A pool of proxies", "7. Leases expire when nobody releases them");
        assertThat(out).contains("country JP (nothing matches: an empty result, not an error) -> no proxy");
        assertThat(out).contains("Berlin (shared by 3), lease 3 -> granted, 3/3 in use");
        assertThat(out).contains("Berlin (shared by 3), lease 4 -> refused: full");
        assertThat(out).contains("New York (exclusive): first lease granted, second refused");
        assertThat(out).contains("waiting up to 100 ms -> nothing, as expected");
        assertThat(out).contains("waiting up to 10 s -> granted 10.0.0.2");
        assertThat(out).contains("Paris failed its check -> status INACTIVE, SOCKS5 acquire -> no proxy");
        assertThat(out).contains("Paris recovered (42 ms) -> status ACTIVE, SOCKS5 acquire -> granted");
        assertThat(out).contains("after 100 ms New York is free again -> granted");
        assertThat(out).contains("the forgotten lease is now EXPIRED");
        assertThat(out)
                .contains("request 2 through Toronto timed out")
                .contains("-> circuit CLOSED, 2 failure(s) in a row");
        assertThat(out)
                .contains("request 3 through Toronto timed out")
                .contains("-> circuit OPEN, 3 failure(s) in a row");
        assertThat(out).contains("Toronto acquire while the circuit is open -> no proxy");
        assertThat(out).contains("after the 200 ms cooldown -> circuit HALF_OPEN");
        assertThat(out).contains("a second acquire meanwhile -> no proxy (one probe at a time)");
        assertThat(out).contains("the probe succeeded in 80 ms -> circuit CLOSED");
        assertThat(out).contains("Toronto acquire now -> granted");
        assertThat(out).contains("acquire for shop.example: no proxy; acquire for any other target: granted");
        Matcher sticky = Pattern.compile("checkout-42, round robin: (\\S+) \\(NEW\\), \\1 \\(KEPT\\), \\1 \\(KEPT\\)")
                .matcher(out);
        assertThat(sticky.find())
                .as("three acquires through checkout-42 on one proxy:%n%s", out)
                .isTrue();
        Matcher moved = Pattern.compile(
                        "(\\S+) failed its health check -> checkout-42: (\\S+) \\(REBOUND\\), then \\2 \\(KEPT\\)")
                .matcher(out);
        assertThat(moved.find())
                .as("checkout-42 rebound once its proxy failed:%n%s", out)
                .isTrue();
        assertThat(moved.group(1)).isEqualTo(sticky.group(1)).isNotEqualTo(moved.group(2));
        Matcher alone =
                Pattern.compile("round robin without a session: (\\S+), (\\S+)").matcher(out);
        assertThat(alone.find()).isTrue();
        assertThat(alone.group(1)).as("round robin alone moves on").isNotEqualTo(alone.group(2));
        assertThat(out).contains("0 leases are active");
        assertThat(out).doesNotContain("s3cret");
    }
}
