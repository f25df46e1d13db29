package io.pharox.client.wire;

/**
 * The answer to a delete.
 *
 * @param deleted whether something was deleted
 */
public record DeleteResult(boolean deleted) {}
