/**
 * The {@code pharox} command: administration of pools, proxies and leases from a shell, against
 * a PostgreSQL database. {@link io.pharox.cli.PharoxCli} is the entry point; {@code docs/cli.md}
 * describes every command, its output and its exit codes.
 */
@NullMarked
package io.pharox.cli;

import org.jspecify.annotations.NullMarked;
