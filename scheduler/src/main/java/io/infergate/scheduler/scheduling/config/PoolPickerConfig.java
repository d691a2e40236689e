package io.infergate.scheduler.scheduling.config;

import io.infergate.api.Location;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.scheduler.prefix.PrefixIndex;
import java.util.Objects;
import java.util.function.Function;

/**
 * The EndpointPickerConfig an InferencePool's {@value PoolSchedulingResolver#PROFILE_ANNOTATION} annotation names,
 * with what is needed to build it again for the pool (around the pool's own prefix index) and to place problems:
 * a document of the manifest set, or the value of a ConfigMap key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param reference the annotation's value: {@code name} of a document, {@code configmap} or {@code configmap/key}
 * @param source    what the configuration is, for messages and the admin API: {@code EndpointPickerConfig/name}
 *                  or {@code ConfigMap/name[key]}
 * @param config    the loaded configuration (without errors)
 * @param object    how problems name it ({@code EndpointPickerConfig/name}, {@code ConfigMap/name})
 * @param locate    where a field path of the configuration was written
 * @param setup     the setup built from it when the manifests were resolved (with a new prefix index); a pool's
 *                  scheduler is built again by {@link #build} around the pool's own index
 */
public record PoolPickerConfig(
        String reference,
        String source,
        EndpointPickerConfig config,
        String object,
        Function<String, Location> locate,
        SchedulerSetup setup) {

    public PoolPickerConfig {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(locate, "locate");
        Objects.requireNonNull(setup, "setup");
        if (setup.hasErrors()) {
            throw new IllegalArgumentException("setup: has errors (expected: a usable configuration)");
        }
    }

    /**
     * The setup again, around {@code index} (the pool's prefix index, kept across reloads; null for a new one).
     * Runs on the calling (control-plane) thread; problems were reported when the manifests were resolved.
     */
    public SchedulerSetup build(PrefixIndex index, SchedulerSetupFactory.Options options) {
        return SchedulerSetupFactory.build(config, object, locate, p -> {}, index, options);
    }
}
