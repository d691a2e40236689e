package io.infergate.scheduler.scheduling.config;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.admission.FairnessPolicy;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.scheduling.plugins.SelectingFilter;
import java.util.Objects;

/**
 * What a {@link PluginFactory} made of one {@code plugins[i]} entry of an EndpointPickerConfig: a small
 * closed set, one kind per part of the runtime the plugin feeds. {@link SchedulerSetupFactory} wires them: profile
 * plugins into the {@link io.infergate.scheduler.scheduling.SchedulerProfile}, the detector into admission, fairness
 * policies into flow control, and so on.
 *
 * <p>Immutable; the scheduling plugins inside are thread-safe as their classes say.
 */
public sealed interface PluginInstance {

    /** The instance name ({@code plugins[i].name}, defaulted to the type). */
    String name();

    /** The plugin type name, GIE's spelling. */
    String type();

    /** A filter of a scheduling profile or of a decision tree. */
    record Filter(String name, String type, SelectingFilter filter) implements PluginInstance {
        public Filter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(filter, "filter");
        }
    }

    /** A scorer of a scheduling profile; its weight is the profile's business. */
    record Scorer(
            String name,
            String type,
            io.infergate.scheduler.scheduling.Scorer scorer) // FQN: this record is itself named Scorer
            implements PluginInstance {
        public Scorer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(scorer, "scorer");
        }
    }

    /**
     * A picker; {@code maxNumOfEndpoints} becomes the profile's endpoint count.
     *
     * @param maxNumOfEndpoints >= 1
     */
    record Picker(
            String name,
            String type,
            io.infergate.scheduler.scheduling.Picker picker, // FQN: this record is itself named Picker
            int maxNumOfEndpoints)
            implements PluginInstance {
        public Picker {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(picker, "picker");
            if (maxNumOfEndpoints < 1) {
                throw new IllegalArgumentException("maxNumOfEndpoints: " + maxNumOfEndpoints + " (expected: >= 1)");
            }
        }
    }

    /**
     * {@code utilization-detector}: the saturation detector's configuration, and (GIE's detector is also a filter)
     * the filter a profile or decision tree uses when it names the plugin.
     */
    record SaturationDetector(String name, UtilizationSaturationDetector.Config config, SelectingFilter filter)
            implements PluginInstance {
        public SaturationDetector {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public String type() {
            return UtilizationSaturationDetector.TYPE;
        }
    }

    /** {@code approx-prefix-cache-producer}: its parameters decide how prompts are hashed and indexed. */
    record PrefixProducer(String name, PrefixSettings settings) implements PluginInstance {
        public PrefixProducer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(settings, "settings");
        }

        @Override
        public String type() {
            return PluginTypes.APPROX_PREFIX_CACHE_PRODUCER;
        }
    }

    /** A flow-control fairness policy, referenced by {@code priorityBands[].fairnessPolicyRef}. */
    record Fairness(String name, FairnessPolicy policy) implements PluginInstance {
        public Fairness {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(policy, "policy");
        }

        @Override
        public String type() {
            return policy.typeName();
        }
    }

    /** {@code metrics-data-source}: where model-server metrics are scraped. */
    record DataSource(String name, SchedulerSetup.MetricsSource source) implements PluginInstance {
        public DataSource {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
        }

        @Override
        public String type() {
            return PluginTypes.METRICS_DATA_SOURCE;
        }
    }

    /** {@code core-metrics-extractor}: how a pool's metrics pages are read (engine label, engine mappings). */
    record Extractor(String name, MetricsExtractor extractor) implements PluginInstance {
        public Extractor {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(extractor, "extractor");
        }

        @Override
        public String type() {
            return PluginTypes.CORE_METRICS_EXTRACTOR;
        }
    }

    /**
     * A type GIE requires or defaults that changes nothing in Infergate's scheduling, because Infergate does the
     * same thing built in (the OpenAI parser, the single-profile handler, FCFS ordering, the static usage limit of
     * 1.0, in-flight load accounting).
     *
     * @param note why it has no effect, for logs and the admin API
     */
    record Accepted(String name, String type, String note) implements PluginInstance {
        public Accepted {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(note, "note");
        }
    }

    /** A plugin that could not be built; the factory reported why. */
    record Invalid(String name, String type) implements PluginInstance {
        public Invalid {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    /** Whether a scheduling profile can use this instance (a filter, scorer, picker, or the detector's filter). */
    default boolean isProfilePlugin() {
        return this instanceof Filter
                || this instanceof Scorer
                || this instanceof Picker
                || this instanceof SaturationDetector;
    }

    /** The filter of a {@link Filter} or {@link SaturationDetector}, else null. */
    default SelectingFilter asFilter() {
        return switch (this) {
            case Filter f -> f.filter();
            case SaturationDetector d -> d.filter();
            default -> null;
        };
    }
}
