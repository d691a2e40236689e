package io.infergate.app;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench} in the product jar, which does not carry the benchmarks (JMH, the policy lab's peer policies, the
 * load tools): says that {@code ./infergate bench ...} runs them from {@code app/target/infergate-bench.jar}, and
 * exits with status 2. The launcher never sends {@code bench} here.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Benchmarks (simulator speed and capacity, streaming and HTTP load, JMH micro-benchmarks of the"
                + " endpoint picker, the policy lab); they ship in infergate-bench.jar: run ./infergate bench ...")
final class MissingBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args;

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println("infergate bench: the benchmarks are not in this jar (the product jar"
                        + " leaves them out); run ./infergate bench "
                        + String.join(" ", args == null ? List.of() : args)
                        + "\n  (the launcher builds and runs app/target/infergate-bench.jar), or java -jar"
                        + " app/target/infergate-bench.jar bench ...");
        return 2;
    }
}
