package io.infergate.app;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.scheduler.scheduling.config.PoolSchedulingResolver;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infergate validate -f FILE...}: loads the manifests together (references may cross files), prints every
 * problem as {@code FILE:LINE:COL: error: Kind/name: field.path: message} followed by a summary line, and exits
 * 0 when there are no errors (warnings allowed), 1 when there are errors, 2 on usage errors such as a file that
 * does not exist. Besides the manifests' own rules it checks what {@code serve} builds from them: every pool's
 * scheduling annotations, the EndpointPickerConfig each names (a document, or a ConfigMap value, with problems at
 * their line in the ConfigMap's file) and every EndpointPickerConfig document's plugin parameters
 * ({@link PoolSchedulingResolver}), and warns when no file declares a Gateway. Runs on the caller's thread; reads files and blocks.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Loads Kubernetes-shaped manifests (Gateway, HTTPRoute, TCPRoute, InferencePool, InferenceModel, "
                    + "InferenceObjective, InferenceModelRewrite, Service, Pod, EndpointSlice, ConfigMap, Secret, "
                    + "EndpointPickerConfig) and reports every problem with file, line, kind/name and field, "
                    + "including the EndpointPickerConfig each pool's infergate.io/scheduling-profile names.",
            "Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error."
        })
public final class ValidateCommand implements Callable<Integer> {

    /** Printed when none of the files declares a Gateway: {@code serve --config} would have nothing to bind. */
    static final String NO_GATEWAY = "warning: no Gateway in the files given: serve would have no listener";

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-f", "--filename"},
            required = true,
            paramLabel = "FILE",
            description = "Manifest file (YAML, multi-document, or JSON); repeat to load several together.")
    List<Path> files;

    @Override
    public Integer call() {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), (Files.exists(f) ? "not a regular file: " : "file not found: ") + f);
            }
        }
        LoadResult result = withScheduling(Manifests.load(files));
        PrintWriter out = spec.commandLine().getOut();
        for (Problem p : result.problems()) {
            out.println(p.format());
        }
        long errors = result.errors().size();
        long warnings = result.warnings().size();
        // about the whole set, so no file position; serve would refuse to start on it (files are often split, so
        // only the set as a whole is judged)
        if (result.manifests().gateways().isEmpty()) {
            out.println(NO_GATEWAY);
            warnings++;
        }
        out.println(summary(errors, warnings, result.manifests().all().size(), files.size()));
        out.flush();
        return errors > 0 ? 1 : 0;
    }

    /** The load's problems plus those of the pools' scheduling configuration, by position. */
    public static LoadResult withScheduling(LoadResult loaded) {
        List<Problem> all = new ArrayList<>(loaded.problems());
        all.addAll(PoolSchedulingResolver.resolve(loaded.manifests(), GatewayConfig.SETUP_OPTIONS)
                .problems());
        all.sort(Problem.BY_POSITION);
        return new LoadResult(loaded.manifests(), all);
    }

    static String summary(long errors, long warnings, int objects, int fileCount) {
        return plural(errors, "error") + ", " + plural(warnings, "warning") + " in " + plural(objects, "object")
                + " from " + plural(fileCount, "file");
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
