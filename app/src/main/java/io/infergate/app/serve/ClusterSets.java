package io.infergate.app.serve;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.ManifestSet;
import io.infergate.app.ValidateCommand;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What of the cluster's objects can be served. In a cluster one user's broken object must not stop everyone's
 * traffic, so an object with errors is left out and the rest is validated again (leaving one out can break
 * another, such as a route to a pool that had errors: that one goes too, a few rounds at most). Objects are told
 * apart by their source name, {@code cluster:<Kind>/<namespace>/<name>}, which the cluster watch gives each one.
 * Stateless; runs on the cluster watch's control thread.
 */
public final class ClusterSets {

    /** Rounds of leaving out before giving up (each round leaves out at least one object). */
    private static final int MAX_ROUNDS = 8;

    /**
     * The servable part of a cluster's load result.
     *
     * @param result   validated, with the scheduling configurations' problems; errors only when they could not be
     *                 pinned on objects (the set must then not be served)
     * @param leftOut  the source names of the objects left out, sorted
     * @param problems every problem found on the way (those of the objects left out included), formatted
     */
    public record Servable(LoadResult result, Set<String> leftOut, List<String> problems) {}

    private ClusterSets() {}

    public static Servable of(LoadResult fromCluster) {
        LoadResult current = ValidateCommand.withScheduling(fromCluster);
        Set<String> leftOut = new TreeSet<>();
        Set<String> problems = new LinkedHashSet<>();
        current.problems().forEach(p -> problems.add(p.format()));
        for (int round = 0; round < MAX_ROUNDS && current.hasErrors(); round++) {
            Set<String> broken = current.errors().stream()
                    .map(p -> p.location().file())
                    .filter(f -> f.startsWith("cluster:"))
                    .collect(Collectors.toSet());
            if (broken.isEmpty() || leftOut.containsAll(broken)) {
                break;
            }
            leftOut.addAll(broken);
            ManifestSet kept = current.manifests()
                    .without(r -> broken.contains(r.origin().location().file()));
            current = ValidateCommand.withScheduling(Manifests.validated(new LoadResult(kept, List.of())));
            current.problems().stream().map(Problem::format).forEach(problems::add);
        }
        return new Servable(current, leftOut, List.copyOf(problems));
    }
}
