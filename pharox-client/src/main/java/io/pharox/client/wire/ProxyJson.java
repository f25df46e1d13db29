package io.pharox.client.wire;

import io.pharox.model.Credentials;
import io.pharox.model.GeoPoint;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyProtocol;
import io.pharox.model.ProxyStatus;
import io.pharox.model.ProxyUrl;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A proxy. Its {@code url} never holds credentials; {@code username} and {@code password} are
 * present only in the answer to an acquire, for the consumer that will use the proxy.
 *
 * @param id             the proxy's id
 * @param poolId         its pool
 * @param url            {@code scheme://host:port}, without credentials
 * @param protocol       HTTP, HTTPS, SOCKS4 or SOCKS5
 * @param host           host name or address
 * @param port           TCP port
 * @param hasCredentials whether the proxy needs a user and password
 * @param username       the user, in an acquire's answer only
 * @param password       the password, in an acquire's answer only
 * @param status         ACTIVE, SLOW, INACTIVE or BANNED
 * @param maxConcurrency most leases at once, 2147483647 ({@link io.pharox.model.Proxy#UNLIMITED}) for no limit
 * @param currentLeases  the stored count of active leases
 * @param country        country tag
 * @param city           city tag
 * @param source         source tag
 * @param isp            ISP tag
 * @param asn            autonomous system number
 * @param latitude       location
 * @param longitude      location
 * @param lastCheckedAt  when it was last health-checked
 * @param lastLatency    the latency of that check
 */
public record ProxyJson(
        UUID id,
        UUID poolId,
        String url,
        String protocol,
        String host,
        int port,
        boolean hasCredentials,
        @Nullable String username,
        @Nullable String password,
        String status,
        int maxConcurrency,
        int currentLeases,
        @Nullable String country,
        @Nullable String city,
        @Nullable String source,
        @Nullable String isp,
        @Nullable Long asn,
        @Nullable Double latitude,
        @Nullable Double longitude,
        @Nullable Instant lastCheckedAt,
        @Nullable Duration lastLatency) {

    /** A readable description without the password. */
    @Override
    public String toString() {
        return "ProxyJson[" + url + ", id=" + id + ", status=" + status + ", hasCredentials=" + hasCredentials + "]";
    }

    /**
     * The JSON form of {@code proxy}.
     *
     * @param withCredentials whether to include the user and password (an acquire's answer only)
     */
    public static ProxyJson of(Proxy proxy, boolean withCredentials) {
        Credentials credentials = proxy.credentials().orElse(null);
        GeoPoint location = proxy.location().orElse(null);
        return new ProxyJson(
                proxy.id(),
                proxy.poolId(),
                ProxyUrl.of(proxy).format(false),
                proxy.protocol().name(),
                proxy.host(),
                proxy.port(),
                credentials != null,
                withCredentials && credentials != null ? credentials.username() : null,
                withCredentials && credentials != null ? credentials.password() : null,
                proxy.status().name(),
                proxy.maxConcurrency(),
                proxy.currentLeases(),
                proxy.country().orElse(null),
                proxy.city().orElse(null),
                proxy.source().orElse(null),
                proxy.isp().orElse(null),
                proxy.asn().isPresent() ? proxy.asn().getAsLong() : null,
                location == null ? null : location.latitude(),
                location == null ? null : location.longitude(),
                proxy.lastCheckedAt().orElse(null),
                proxy.lastLatency().orElse(null));
    }

    /**
     * The proxy this JSON describes, with credentials if it carries them.
     *
     * @throws IllegalArgumentException if a value is invalid
     */
    public Proxy toProxy() {
        Proxy.Builder builder = Proxy.builder()
                .id(id)
                .poolId(poolId)
                .address(host, port)
                .protocol(ProxyProtocol.valueOf(protocol))
                .status(ProxyStatus.valueOf(status))
                .maxConcurrency(maxConcurrency)
                .currentLeases(currentLeases)
                .country(country)
                .city(city)
                .source(source)
                .isp(isp)
                .asn(asn)
                .lastCheckedAt(lastCheckedAt)
                .lastLatency(lastLatency);
        if (latitude != null && longitude != null) {
            builder.location(latitude, longitude);
        }
        if (username != null && password != null) {
            builder.credentials(username, password);
        }
        return builder.build();
    }
}
