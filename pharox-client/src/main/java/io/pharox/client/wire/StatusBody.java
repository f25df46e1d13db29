package io.pharox.client.wire;

/**
 * The body of {@code PATCH /v1/proxies/{id}}.
 *
 * @param status the new status: ACTIVE, SLOW, INACTIVE or BANNED
 */
public record StatusBody(String status) {}
