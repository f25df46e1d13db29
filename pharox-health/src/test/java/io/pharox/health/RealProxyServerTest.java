package io.pharox.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A missing proxy server fails the tests loudly, saying what to install; it is never skipped. */
class RealProxyServerTest {

    @Test
    void a_missing_binary_fails_with_the_install_command() {
        assertThatThrownBy(() -> RealProxyServer.binary("no-such-proxy-server"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no-such-proxy-server was not found")
                .hasMessageContaining(
                        "apt-get install -y tinyproxy microsocks dante-server openssh-server openssh-client");
    }

    @Test
    void the_installed_servers_are_found() {
        assertThat(RealProxyServer.binary("tinyproxy")).endsWith("/tinyproxy");
        assertThat(RealProxyServer.binary("microsocks")).endsWith("/microsocks");
        assertThat(RealProxyServer.binary("danted")).endsWith("/danted");
        assertThat(RealProxyServer.binary("sshd")).endsWith("/sshd");
        assertThat(RealProxyServer.binary("ssh")).endsWith("/ssh");
    }
}
