package io.infergate.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code infergate} command line: one fat jar, one subcommand per job (see {@code docs/architecture.md}).
 * Bad options print a specific message and the usage, and exit with status 2.
 */
@Command(
        name = "infergate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An inference gateway for self-hosted LLM model servers.",
        subcommands = {ServeCommand.class, EppCommand.class, SimCommand.class, BenchCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine newCommandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true);
    }

    @Override
    public void run() {
        // no subcommand: show what there is
        spec.commandLine().usage(System.out);
    }
}
