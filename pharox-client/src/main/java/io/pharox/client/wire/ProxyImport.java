package io.pharox.client.wire;

import org.jspecify.annotations.Nullable;

/**
 * One proxy of an import ({@code POST /v1/pools/{pool}/proxies}).
 *
 * @param url            {@code scheme://[user:password@]host:port}, as {@link io.pharox.model.ProxyUrl#parse} reads it
 * @param maxConcurrency most leases at once; 1 when absent, 2147483647 ({@link io.pharox.model.Proxy#UNLIMITED}) for no limit
 * @param country        ISO country code tag
 * @param city           city tag
 * @param source         source tag
 * @param isp            ISP tag
 * @param asn            autonomous system number
 * @param status         ACTIVE (when absent), SLOW, INACTIVE or BANNED
 * @param latitude       location, with {@code longitude}
 * @param longitude      location, with {@code latitude}
 */
public record ProxyImport(
        String url,
        @Nullable Integer maxConcurrency,
        @Nullable String country,
        @Nullable String city,
        @Nullable String source,
        @Nullable String isp,
        @Nullable Long asn,
        @Nullable String status,
        @Nullable Double latitude,
        @Nullable Double longitude) {

    /** An entry with only a URL. */
    public static ProxyImport of(String url) {
        return new ProxyImport(url, null, null, null, null, null, null, null, null, null);
    }
}
