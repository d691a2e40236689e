package io.infergate.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A core {@code v1} Pod, declared in standalone mode to give an InferencePool (or a Service) its endpoints:
 * labels for selection, {@code status.podIP} for the address. {@code spec} is accepted but not read (ports come
 * from the pool's targetPorts). Immutable.
 *
 * <p>Readiness: a Pod is ready when it has a {@code podIP} and its {@code Ready} condition is {@code "True"};
 * with no {@code Ready} condition written, it counts as ready unless {@code status.phase} says otherwise
 * (Pending, Succeeded, Failed, Unknown), so a hand-written Pod needs only labels and an IP.
 */
public record Pod(
        ObjectMeta metadata,
        Origin origin,
        Optional<String> podIp,
        Optional<String> phase,
        Optional<Boolean> readyCondition)
        implements Resource {

    public static final String KIND = "Pod";

    public Pod {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(podIp, "podIp");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(readyCondition, "readyCondition");
    }

    @Override
    public String apiVersion() {
        return "v1";
    }

    @Override
    public String kind() {
        return KIND;
    }

    public boolean isReady() {
        if (podIp.isEmpty()) {
            return false;
        }
        if (readyCondition.isPresent()) {
            return readyCondition.get();
        }
        return phase.map("Running"::equals).orElse(true);
    }
}
