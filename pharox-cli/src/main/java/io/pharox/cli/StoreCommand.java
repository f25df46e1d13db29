package io.pharox.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command that works on the store the global options name; returns its exit code. */
abstract class StoreCommand implements Callable<Integer> {

    @ParentCommand
    @SuppressWarnings("NullAway.Init")
    PharoxCli cli;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public final Integer call() {
        try (Admin admin = cli.connect(spec.commandLine())) {
            return run(admin);
        }
    }

    /** Does the work; a refusal throws (a core exception or {@link PharoxCli.Failure}). */
    abstract int run(Admin admin);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
