package io.pharox.cli;

import io.pharox.exception.LeaseNotFoundException;
import io.pharox.model.Proxy;
import io.pharox.model.ProxyStatus;
import io.pharox.model.ProxyUrl;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The commands that change one lease or proxy: release, disable, enable. */
final class ChangeCommands {

    private ChangeCommands() {}

    /** {@code pharox release LEASE_ID}. */
    @Command(
            name = "release",
            mixinStandardHelpOptions = true,
            description = {
                "Releases an active lease and frees its slot.",
                "Exit code 1 if there is no such lease, or it is not active (already released or expired)."
            },
            footerHeading = "%n",
            footer = PharoxCli.EXIT_CODES)
    static final class Release extends StoreCommand {
        @Parameters(index = "0", paramLabel = "LEASE_ID", description = "the lease's id (a UUID)")
        @SuppressWarnings("NullAway.Init")
        UUID lease;

        @Override
        int run(Admin admin) {
            boolean released;
            try {
                released = admin.release(lease);
            } catch (LeaseNotFoundException e) {
                throw new PharoxCli.Failure("no lease has the id " + lease);
            }
            if (!released) {
                throw new PharoxCli.Failure("lease " + lease + " is not active: already released or expired");
            }
            out().println("released lease " + lease);
            out().flush();
            return PharoxCli.OK;
        }
    }

    /** Sets a proxy's status. */
    abstract static class StatusChange extends StoreCommand {
        @Parameters(index = "0", paramLabel = "PROXY_ID", description = "the proxy's id (a UUID)")
        @SuppressWarnings("NullAway.Init")
        UUID proxy;

        abstract ProxyStatus status();

        @Override
        int run(Admin admin) {
            Proxy changed = admin.setStatus(proxy, status());
            out().println("proxy " + changed.id() + " (" + ProxyUrl.of(changed).format(false) + ") is "
                    + changed.status());
            out().flush();
            return PharoxCli.OK;
        }
    }

    /** {@code pharox disable PROXY_ID}. */
    @Command(
            name = "disable",
            mixinStandardHelpOptions = true,
            description = {
                "Takes a proxy out of rotation: its status becomes INACTIVE, so it is not leased again until"
                        + " enabled (or a health check passes). Its current leases are not ended.",
                "Exit code 1 if there is no such proxy."
            },
            footerHeading = "%n",
            footer = PharoxCli.EXIT_CODES)
    static final class Disable extends StatusChange {
        @Override
        ProxyStatus status() {
            return ProxyStatus.INACTIVE;
        }
    }

    /** {@code pharox enable PROXY_ID}. */
    @Command(
            name = "enable",
            mixinStandardHelpOptions = true,
            description = {
                "Returns a proxy to rotation: its status becomes ACTIVE (also from SLOW or BANNED).",
                "Exit code 1 if there is no such proxy."
            },
            footerHeading = "%n",
            footer = PharoxCli.EXIT_CODES)
    static final class Enable extends StatusChange {
        @Override
        ProxyStatus status() {
            return ProxyStatus.ACTIVE;
        }
    }
}
