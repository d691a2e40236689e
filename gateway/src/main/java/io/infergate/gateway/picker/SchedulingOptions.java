package io.infergate.gateway.picker;

import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.model.ClientObjectives;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.time.Duration;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How the gateway schedules requests among a pool's endpoints. Immutable.
 *
 * @param defaultProfile  the built-in profile of pools without the {@code infergate.io/scheduling-profile}
 *                        annotation; default {@value BuiltInProfiles#INFERGATE_DEFAULT}
 * @param metricsInterval how often each endpoint's {@code /metrics} is scraped (GIE: 50 ms); zero turns scraping
 *                        off, and the scorers then see every endpoint as unknown (in-flight scorers still work)
 * @param flowControl     the queue limits and TTL of pools with flow control by annotation
 *                        ({@code infergate.io/flow-control: "true"}); by default GIE's limits with a 30 s TTL (GIE
 *                        waits until the client gives up; a bounded wait is kinder to clients without their own
 *                        timeout). A pool whose EndpointPickerConfig enables the {@code flowControl} feature gate
 *                        uses that configuration's section instead. Its {@code expirySweepInterval} is how often
 *                        every pool's queue is swept for expired requests
 * @param debugScores     whether a request may ask for the picker's scores ({@code x-infergate-debug: scores});
 *                        off by default, since the answer shows the pool's endpoints
 * @param clientObjectives whether a request's own {@code x-gateway-inference-objective} header may choose its
 *                        objective, for pools without the {@value ClientObjectives#ANNOTATION} annotation; default
 *                        {@link ClientObjectives#NOT_ABOVE_MODEL} (a client may lower its priority, never raise it)
 */
public record SchedulingOptions(
        String defaultProfile,
        Duration metricsInterval,
        FlowControlConfig flowControl,
        boolean debugScores,
        ClientObjectives clientObjectives) {

    /** The TTL of a queued request unless configured otherwise. */
    public static final Duration DEFAULT_QUEUE_TTL = Duration.ofSeconds(30);

    public SchedulingOptions {
        Objects.requireNonNull(defaultProfile, "defaultProfile");
        if (!BuiltInProfiles.NAMES.contains(defaultProfile)) {
            throw new IllegalArgumentException("defaultProfile: " + defaultProfile + " (expected one of: "
                    + String.join(", ", new TreeSet<>(BuiltInProfiles.NAMES)) + ")");
        }
        if (metricsInterval.isNegative()) {
            throw new IllegalArgumentException("metricsInterval: " + metricsInterval + " (expected: >= 0)");
        }
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(clientObjectives, "clientObjectives");
    }

    /** Options with the default {@link #clientObjectives()} setting. */
    public SchedulingOptions(
            String defaultProfile, Duration metricsInterval, FlowControlConfig flowControl, boolean debugScores) {
        this(defaultProfile, metricsInterval, flowControl, debugScores, ClientObjectives.NOT_ABOVE_MODEL);
    }

    /** Convenience for the two options {@code serve} exposes; flow control at its defaults. */
    public SchedulingOptions(String defaultProfile, Duration metricsInterval) {
        this(defaultProfile, metricsInterval, FlowControlConfig.DEFAULT.withRequestTtl(DEFAULT_QUEUE_TTL), false);
    }

    public static SchedulingOptions defaults() {
        return new SchedulingOptions(BuiltInProfiles.INFERGATE_DEFAULT, Duration.ofMillis(50));
    }

    public SchedulingOptions withDefaultProfile(String v) {
        return new SchedulingOptions(v, metricsInterval, flowControl, debugScores, clientObjectives);
    }

    public SchedulingOptions withMetricsInterval(Duration v) {
        return new SchedulingOptions(defaultProfile, v, flowControl, debugScores, clientObjectives);
    }

    public SchedulingOptions withFlowControl(FlowControlConfig v) {
        return new SchedulingOptions(defaultProfile, metricsInterval, v, debugScores, clientObjectives);
    }

    public SchedulingOptions withDebugScores(boolean v) {
        return new SchedulingOptions(defaultProfile, metricsInterval, flowControl, v, clientObjectives);
    }

    public SchedulingOptions withClientObjectives(ClientObjectives v) {
        return new SchedulingOptions(defaultProfile, metricsInterval, flowControl, debugScores, v);
    }
}
