package io.pharox.cli;

import picocli.CommandLine.Command;

/** {@code pharox migrate}: creates or upgrades the Pharox tables. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Creates the Pharox tables in the schema (created if missing), or upgrades them to this version.",
            "Running it again on an up-to-date schema changes nothing."
        },
        footerHeading = "%n",
        footer = PharoxCli.EXIT_CODES)
final class MigrateCommand extends StoreCommand {

    @Override
    int run(Admin admin) {
        out().println(admin.migrate());
        out().flush();
        return PharoxCli.OK;
    }
}
