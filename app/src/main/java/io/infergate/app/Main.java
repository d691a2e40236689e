package io.infergate.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code infergate} command line: one fat jar, one subcommand per job (see {@code docs/architecture.md}).
 * Bad options print a specific message and the usage, and exit with status 2.
 *
 * <p>{@code bench} lives in a second jar: {@code app/target/infergate.jar} (the product) leaves out the benchmark
 * commands, the bench module and JMH, and {@code app/target/infergate-bench.jar} has everything; the launcher runs
 * the latter for {@code ./infergate bench ...}. Where {@link BenchCommand} is missing, {@code bench} is a
 * {@link MissingBench} that says where the benchmarks are.
 */
@Command(
        name = "infergate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An inference gateway for self-hosted LLM model servers.",
        subcommands = {ServeCommand.class, EppCommand.class, SimCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(benchCommand());
        cl.addSubcommand(new ValidateCommand());
        cl.addSubcommand(new CommandLine.HelpCommand());
        return cl.setCaseInsensitiveEnumValuesAllowed(true).setUsageHelpAutoWidth(true);
    }

    /** The benchmarks where this jar has them (infergate-bench.jar, tests), else the pointer to them. */
    private static Object benchCommand() {
        try {
            return Class.forName("io.infergate.app.BenchCommand")
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return new MissingBench();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void run() {
        // no subcommand: show what there is
        spec.commandLine().usage(System.out);
    }
}
