package io.infergate.app.serve;

import io.infergate.api.load.LoadResult;
import io.infergate.api.model.ManifestSet;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.admin.ConfigStatus;
import io.infergate.gateway.config.GatewayConfig;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code serve --kubernetes} turns what the informers produce into the served configuration: validated like a
 * file (scheduling configurations included), objects with errors left out ({@link ClusterSets}), compiled for
 * cluster mode (an endpointPickerRef to a Service that does not exist is invalid, not the built-in picker), applied.
 * Every problem is logged and {@code /api/config} shows the attempt. Errors that cannot be pinned on an object keep
 * the last good configuration serving. Runs on the cluster watch's control thread.
 */
final class ClusterConfigs {

    private static final Logger log = LoggerFactory.getLogger(ClusterConfigs.class);

    private ClusterConfigs() {}

    /** The configuration before the informers synced: no listeners, no pools. */
    static GatewayConfig empty() {
        return compile(ManifestSet.empty());
    }

    static GatewayConfig compile(ManifestSet set) {
        return GatewayConfig.compile(set, GatewayConfig.Options.CLUSTER);
    }

    /** Applies what of a new set can be served; returns the status to show either way. */
    static ConfigStatus apply(GatewayServer gateway, LoadResult result, ConfigStatus previous, Clock clock) {
        ClusterSets.Servable servable = ClusterSets.of(result);
        LoadResult checked = servable.result();
        List<String> problems = servable.problems();
        if (checked.hasErrors()) {
            problems.forEach(p -> log.warn("{}", p));
            log.warn(
                    "{} error(s) in the cluster's objects; the last good configuration keeps serving",
                    checked.errors().size());
            return previous.withReload(new ConfigStatus.Reload(
                    clock.instant(), false, checked.errors().size() + " error(s); not applied", problems));
        }
        if (!servable.leftOut().isEmpty()) {
            problems.forEach(p -> log.warn("{}", p));
            log.warn("left out {} object(s) with errors: {}", servable.leftOut().size(), servable.leftOut());
        }
        try {
            gateway.update(compile(checked.manifests()));
        } catch (RuntimeException e) {
            log.warn("the cluster's objects cannot be served, the last good configuration stays: {}", e.getMessage());
            return previous.withReload(new ConfigStatus.Reload(clock.instant(), false, e.getMessage(), problems));
        }
        String message = servable.leftOut().isEmpty()
                ? "applied"
                : "applied without " + servable.leftOut().size() + " object(s) with errors: "
                        + String.join(", ", servable.leftOut());
        log.info(
                "{}: {} object(s), {} problem(s)",
                message,
                checked.manifests().all().size(),
                problems.size());
        return previous.withReload(new ConfigStatus.Reload(clock.instant(), true, message, problems));
    }
}
