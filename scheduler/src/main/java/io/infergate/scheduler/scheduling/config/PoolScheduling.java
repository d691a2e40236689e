package io.infergate.scheduler.scheduling.config;

import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.metrics.MetricsExtractor;
import java.util.Objects;
import java.util.Optional;

/**
 * How one InferencePool schedules and admits requests, as its annotations and the EndpointPickerConfig they name
 * say ({@link PoolSchedulingResolver}). Immutable and thread-safe.
 *
 * @param profile            the {@value PoolSchedulingResolver#PROFILE_ANNOTATION} annotation as written: a built-in
 *                           profile, a configuration reference ({@code pickerConfig} is then present), or {@code ""}
 *                           for the gateway's default profile
 * @param pickerConfig       the EndpointPickerConfig the annotation names
 * @param flowControl        whether requests wait in a flow controller while the pool is saturated (and the
 *                           scheduler then sheds nothing itself)
 * @param flowControlConfig  the limits, TTL and bands of that controller when the configuration's
 *                           {@code flowControl} feature gate turned it on; empty when the pool uses the gateway's
 *                           defaults (flow control by annotation only) or has no flow control
 * @param saturationDetector the thresholds of the pool's saturation detector: the configuration's
 *                           {@code utilization-detector}, else GIE's defaults. Flow control dispatches while it finds
 *                           capacity; without flow control the scheduler sheds sheddable requests with it
 * @param metricsExtractor   how the pool's metrics pages are read: the configuration's {@code core-metrics-extractor},
 *                           else the built-in engine mappings
 */
public record PoolScheduling(
        String profile,
        Optional<PoolPickerConfig> pickerConfig,
        boolean flowControl,
        Optional<FlowControlConfig> flowControlConfig,
        UtilizationSaturationDetector.Config saturationDetector,
        MetricsExtractor metricsExtractor) {

    /** No annotations: the gateway's default profile, no flow control, GIE's detector and mappings. */
    public static final PoolScheduling DEFAULT = builtIn("", false);

    public PoolScheduling {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(pickerConfig, "pickerConfig");
        Objects.requireNonNull(flowControlConfig, "flowControlConfig");
        Objects.requireNonNull(saturationDetector, "saturationDetector");
        Objects.requireNonNull(metricsExtractor, "metricsExtractor");
        if (flowControlConfig.isPresent() && !flowControl) {
            throw new IllegalArgumentException(
                    "flowControlConfig: present while flow control is off (expected:" + " empty)");
        }
    }

    /** A built-in profile ({@code ""} for the gateway's default), flow control on or off by annotation. */
    public static PoolScheduling builtIn(String profile, boolean flowControl) {
        return new PoolScheduling(
                profile,
                Optional.empty(),
                flowControl,
                Optional.empty(),
                UtilizationSaturationDetector.Config.DEFAULT,
                MetricsExtractor.withBuiltins());
    }
}
