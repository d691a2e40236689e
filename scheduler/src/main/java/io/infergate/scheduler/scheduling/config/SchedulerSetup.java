package io.infergate.scheduler.scheduling.config;

import io.infergate.api.Problem;
import io.infergate.api.load.Params;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * An EndpointPickerConfig compiled into what the scheduler runs, by {@link SchedulerSetupFactory}: GIE's defaults
 * applied, every plugin built, nothing left to parse per request.
 *
 * <p>When {@link #hasErrors()} the configuration must not be used (GIE would not start): then every part but
 * {@link #problems()} is null. Otherwise {@link #profile()} and {@link #saturationDetector()} are set, and the
 * others as their descriptions say.
 *
 * <p>Immutable and thread-safe as a value; the profile's plugins are shared with the {@link Scheduler}s built from
 * it (the prefix index and session table are meant to be shared).
 *
 * @param profile            the one scheduling profile (GIE's {@code single-profile-handler} runs exactly one)
 * @param prefixHasher       how prompts are cut into blocks for the profile's prefix scorers, or null when it has
 *                           none
 * @param prefixIndex        the index those scorers read and learn into (the one passed to the factory, or a new
 *                           one sized by {@code lruCapacityPerServer}), or null when there is no prefix scorer
 * @param saturationDetector the {@code utilization-detector} settings (GIE's default detector)
 * @param flowControl        the flow-control settings when the {@code flowControl} feature gate is on, else null
 * @param metricsSource      where to scrape model-server metrics, or null when the configuration turns metrics
 *                           collection off (a {@code dataLayer} section without sources)
 * @param metricsExtractor   how metrics pages are read: the {@code core-metrics-extractor} the data layer uses, or
 *                           the built-in mappings
 * @param defaultConfig      whether no configuration was given and GIE's built-in default was used
 * @param problems           every problem found, the loader's included, by position
 */
public record SchedulerSetup(
        SchedulerProfile profile,
        PrefixHasher prefixHasher,
        PrefixIndex prefixIndex,
        UtilizationSaturationDetector.Config saturationDetector,
        FlowControlConfig flowControl,
        MetricsSource metricsSource,
        MetricsExtractor metricsExtractor,
        boolean defaultConfig,
        List<Problem> problems) {

    public SchedulerSetup {
        problems = List.copyOf(problems);
        boolean errors = problems.stream().anyMatch(Problem::isError);
        if (errors
                && (profile != null
                        || prefixHasher != null
                        || prefixIndex != null
                        || saturationDetector != null
                        || flowControl != null
                        || metricsSource != null
                        || metricsExtractor != null)) {
            throw new IllegalArgumentException("a setup with errors has no runtime parts");
        }
        if (!errors) {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(saturationDetector, "saturationDetector");
            Objects.requireNonNull(metricsExtractor, "metricsExtractor");
            if ((prefixHasher == null) != (prefixIndex == null)) {
                throw new IllegalArgumentException(
                        "prefixHasher and prefixIndex: one is null (expected: both or" + " neither)");
            }
        }
    }

    /** A setup that failed: only problems. */
    static SchedulerSetup failed(List<Problem> problems) {
        return new SchedulerSetup(null, null, null, null, null, null, null, false, problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /**
     * A scheduler running this setup's profile. Its legacy admission sheds sheddable requests with the configured
     * saturation detector, except when flow control is on: GIE then queues those requests instead of dropping
     * them, and the flow controller (built from {@link #flowControl()}) does the gating, so the scheduler gets no
     * detector.
     *
     * @throws IllegalStateException when {@link #hasErrors()}
     */
    public Scheduler scheduler(
            Datastore datastore, InFlightTracker inFlight, LongSupplier nanoTime, Supplier<RandomGenerator> random) {
        return scheduler(datastore, inFlight, nanoTime, random, flowControl != null);
    }

    /**
     * A scheduler running this setup's profile, for a pool whose requests do ({@code flowControlled}) or do not pass
     * a flow controller first, whatever this configuration's feature gate says (the gateway may turn flow control on
     * for a pool by annotation): with flow control the scheduler sheds nothing itself, without it its legacy
     * admission sheds sheddable requests with the configured saturation detector.
     *
     * @throws IllegalStateException when {@link #hasErrors()}
     */
    public Scheduler scheduler(
            Datastore datastore,
            InFlightTracker inFlight,
            LongSupplier nanoTime,
            Supplier<RandomGenerator> random,
            boolean flowControlled) {
        if (hasErrors()) {
            throw new IllegalStateException(
                    "the EndpointPickerConfig has errors: " + errors().get(0).format());
        }
        UtilizationSaturationDetector detector =
                flowControlled ? null : new UtilizationSaturationDetector(saturationDetector);
        return new Scheduler(datastore, inFlight, profile, detector, prefixHasher, nanoTime, random);
    }

    /**
     * GIE's {@code metrics-data-source} parameters (v1.5.0 {@code datalayer/source/metrics}).
     *
     * @param scheme             {@code http} or {@code https} (default http)
     * @param path               starts with {@code /} (default {@code /metrics})
     * @param insecureSkipVerify whether an https model server's certificate goes unchecked (default true, as GIE)
     */
    public record MetricsSource(String scheme, String path, boolean insecureSkipVerify) {

        public static final MetricsSource DEFAULT = new MetricsSource("http", "/metrics", true);

        /** Builds the {@code metrics-data-source} plugin from its parameters (see above). */
        public static final PluginFactory FACTORY = MetricsSource::create;

        public MetricsSource {
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("scheme: " + scheme + " (expected: http or https)");
            }
            if (path == null || !path.startsWith("/")) {
                throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
            }
        }

        private static PluginInstance create(String name, Params p, PluginFactory.Handle h) {
            String scheme = p.string("scheme").orElse(DEFAULT.scheme());
            if (!scheme.equals("http") && !scheme.equals("https")) {
                p.error("scheme", "found \"" + scheme + "\" (expected: http or https)");
                scheme = DEFAULT.scheme();
            }
            String path = p.string("path").orElse(DEFAULT.path());
            if (!path.startsWith("/")) {
                p.error("path", "found \"" + path + "\" (expected: a URL path starting with /)");
                path = DEFAULT.path();
            }
            boolean insecure = p.bool("insecureSkipVerify").orElse(DEFAULT.insecureSkipVerify());
            return new PluginInstance.DataSource(name, new MetricsSource(scheme, path, insecure));
        }
    }
}
