package io.infergate.scheduler.scheduling.config;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Compiles a loaded EndpointPickerConfig into a {@link SchedulerSetup}, applying GIE v1.5.0's defaulting exactly
 * ({@code kubernetes-sigs/gateway-api-inference-extension} {@code pkg/epp/config/loader/defaults.go}, {@code
 * configloader.go}):
 * <ol>
 *   <li>No configuration at all (a {@linkplain EndpointPickerConfigResult#isBlank() blank} result): GIE's
 *       built-in default, {@link #gieDefaultConfig()}: {@code queue-scorer} x2,
 *       {@code kv-cache-utilization-scorer} x2, {@code prefix-cache-scorer} x3, {@code max-score-picker},
 *       {@code single-profile-handler}. That is {@link BuiltInProfiles#GIE_V1_DEFAULT} except for the endpoint
 *       count (see {@link Options#minEndpoints()}).</li>
 *   <li>Every plugin is built by the {@link PluginRegistry}; a type GIE registers that Infergate does not implement
 *       is an error "not supported by Infergate yet" at its {@code type}, even if nothing refers to it (GIE builds
 *       every declared plugin too).</li>
 *   <li>No {@code schedulingProfiles}: a profile {@code default} of every filter, scorer and picker, in declaration
 *       order (GIE iterates a Go map, so its order is random; filter order matters, hence ours), scorers weighted
 *       1.0. A decision tree's filters land there on their own too, as in GIE (a warning says so).</li>
 *   <li>One profile and no handler: {@code single-profile-handler}; it is the only handler, so more than one
 *       profile is an error.</li>
 *   <li>A profile without a picker gets a declared picker (the first; GIE takes an arbitrary one, a warning when
 *       there are several), or a new {@code max-score-picker} with one endpoint when none is declared.</li>
 *   <li>A scorer without a weight: 1.0.</li>
 *   <li>A {@code prefix-cache-scorer} brings its {@code approx-prefix-cache-producer}: the hashing and the index
 *       follow a declared producer's parameters, else the last prefix scorer's (GIE's loop keeps the last); all
 *       prefix scorers share that one hasher and index. Parameters that are thereby ignored get a warning.</li>
 *   <li>The saturation detector: {@code saturationDetector.pluginRef}, default {@code utilization-detector} with
 *       GIE's defaults unless a plugin of that name is declared.</li>
 *   <li>Flow control only with the {@code flowControl} feature gate: global {@code maxBytes}, {@code maxRequests}
 *       (0 = unlimited), {@code defaultRequestTTL}; the {@code defaultPriorityBand} template for unlisted
 *       priorities and each listed band, each defaulted on its own as GIE does (band {@code maxBytes} 0 or absent
 *       = 1,000,000,000, {@code maxRequests} 0 = unlimited, fairness {@code global-strict-fairness-policy},
 *       ordering {@code fcfs-ordering-policy}).</li>
 *   <li>The data layer: {@code metrics-data-source} (declared under that name, or GIE's default) unless a
 *       {@code dataLayer} section lists sources; a section with none turns metrics collection off.</li>
 * </ol>
 * The structural rules (known types, unique names, resolvable references, weights, one picker per profile) are the
 * loader's ({@code EndpointPickerConfigRules}); this factory relies on them having run and reports only what it adds,
 * and never a second error at a field where the loader already reported one.
 *
 * <p>Stateless and thread-safe; {@code build} runs on the calling (control-plane) thread, does no I/O, and never
 * throws on bad input: problems go into the setup (and to the sink). Null arguments throw
 * {@link NullPointerException}.
 */
public final class SchedulerSetupFactory {

    /** Where problems about GIE's built-in default configuration point (it has no file). */
    public static final String DEFAULT_CONFIG_SOURCE = "<GIE default EndpointPickerConfig>";

    private SchedulerSetupFactory() {}

    /**
     * How the gateway wants the setup.
     *
     * @param minEndpoints the least endpoints the profile returns, 1..64 (default 1, GIE's). The gateway passes
     *                     {@link BuiltInProfiles#FALLBACKS} to have fallbacks for retries: the profile returns
     *                     {@code max(maxNumOfEndpoints, minEndpoints)} endpoints, best first, and since every picker
     *                     orders all candidates and keeps a prefix of that order (from the same random draws), extra
     *                     endpoints never change the first choice
     * @param addOrder     how a prefix index created by the factory enters hashes (default GIE's prompt order)
     */
    public record Options(int minEndpoints, PrefixIndex.AddOrder addOrder) {

        public static final int MAX_MIN_ENDPOINTS = 64;
        public static final Options DEFAULT = new Options(1, PrefixIndex.AddOrder.PROMPT_ORDER);

        public Options {
            if (minEndpoints < 1 || minEndpoints > MAX_MIN_ENDPOINTS) {
                throw new IllegalArgumentException(
                        "minEndpoints: " + minEndpoints + " (expected: 1.." + MAX_MIN_ENDPOINTS + ")");
            }
            Objects.requireNonNull(addOrder, "addOrder");
        }

        public Options withMinEndpoints(int minEndpoints) {
            return new Options(minEndpoints, addOrder);
        }

        public Options withAddOrder(PrefixIndex.AddOrder addOrder) {
            return new Options(minEndpoints, addOrder);
        }
    }

    /** {@link #build(EndpointPickerConfigResult, PrefixIndex, Options)} with {@link Options#DEFAULT}. */
    public static SchedulerSetup build(EndpointPickerConfigResult result, PrefixIndex index) {
        return build(result, index, Options.DEFAULT);
    }

    /**
     * The setup of a loaded configuration: GIE's default one when the result is blank, nothing but the loader's
     * problems when no configuration could be read. The setup's problems are the loader's plus this factory's,
     * by position.
     *
     * @param index the pool's prefix index, to keep what it learnt across configuration changes; or null to
     *              create one sized by {@code lruCapacityPerServer} if a prefix scorer needs it
     */
    public static SchedulerSetup build(EndpointPickerConfigResult result, PrefixIndex index, Options options) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(options, "options");
        if (result.isBlank()) {
            return buildDefault(index, options);
        }
        if (result.config().isEmpty()) {
            return SchedulerSetup.failed(result.problems());
        }
        return new SetupBuild(
                        result.config().get(),
                        result.object(),
                        result::locate,
                        p -> {},
                        result.problems(),
                        index,
                        options,
                        PluginRegistry.STANDARD,
                        false)
                .run();
    }

    /**
     * The setup of a configuration loaded elsewhere (a manifest set, say), whose loader problems the caller has:
     * this factory's problems go to {@code sink} as found, and into the setup.
     *
     * @param object names the configuration in problems ({@code ""} for a standalone file)
     * @param locate the position of a field path such as {@code schedulingProfiles[0].plugins[1]} (parameters carry
     *               their own positions)
     */
    public static SchedulerSetup build(
            EndpointPickerConfig config,
            String object,
            Function<String, Location> locate,
            Consumer<Problem> sink,
            PrefixIndex index,
            Options options) {
        return build(config, object, locate, sink, index, options, PluginRegistry.STANDARD);
    }

    /** The same with another plugin registry (tests, the lab). */
    public static SchedulerSetup build(
            EndpointPickerConfig config,
            String object,
            Function<String, Location> locate,
            Consumer<Problem> sink,
            PrefixIndex index,
            Options options,
            PluginRegistry registry) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(locate, "locate");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(registry, "registry");
        return new SetupBuild(config, object, locate, sink, List.of(), index, options, registry, false).run();
    }

    /**
     * {@link #build(EndpointPickerConfig, String, Function, Consumer, PrefixIndex, Options)} with problems placed at
     * the configuration's document start (parameters at their own positions) and {@link Options#DEFAULT}.
     */
    public static SchedulerSetup build(EndpointPickerConfig config, Consumer<Problem> sink, PrefixIndex index) {
        return build(config, "", path -> config.origin().location(), sink, index, Options.DEFAULT);
    }

    /** The setup of GIE's built-in default configuration ({@link #gieDefaultConfig()}). */
    public static SchedulerSetup buildDefault(PrefixIndex index, Options options) {
        Objects.requireNonNull(options, "options");
        EndpointPickerConfig config = gieDefaultConfig();
        return new SetupBuild(
                        config,
                        "",
                        path -> config.origin().location(),
                        p -> {},
                        List.of(),
                        index,
                        options,
                        PluginRegistry.STANDARD,
                        true)
                .run();
    }

    /**
     * GIE v1.5.0's {@code loadDefaultConfig}, field for field: plugins {@code queue-scorer},
     * {@code kv-cache-utilization-scorer}, {@code prefix-cache-scorer}, {@code metrics-data-source},
     * {@code core-metrics-extractor}; profile {@code default} with weights 2, 2, 3; the data layer scraping with
     * the extractor. The rest (picker, handler, detector, parser) comes from the defaulting, as in GIE.
     */
    public static EndpointPickerConfig gieDefaultConfig() {
        Location at = new Location(DEFAULT_CONFIG_SOURCE, 0, 0);
        List<String> types = List.of(
                PluginTypes.QUEUE_SCORER,
                PluginTypes.KV_CACHE_UTILIZATION_SCORER,
                PluginTypes.PREFIX_CACHE_SCORER,
                PluginTypes.METRICS_DATA_SOURCE,
                PluginTypes.CORE_METRICS_EXTRACTOR);
        List<EndpointPickerConfig.Plugin> plugins = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            plugins.add(new EndpointPickerConfig.Plugin(
                    types.get(i), types.get(i), ConfigTree.Mapping.empty(at, "plugins[" + i + "].parameters")));
        }
        EndpointPickerConfig.SchedulingProfile profile = new EndpointPickerConfig.SchedulingProfile(
                "default",
                List.of(
                        new EndpointPickerConfig.ProfilePlugin(PluginTypes.QUEUE_SCORER, OptionalDouble.of(2)),
                        new EndpointPickerConfig.ProfilePlugin(
                                PluginTypes.KV_CACHE_UTILIZATION_SCORER, OptionalDouble.of(2)),
                        new EndpointPickerConfig.ProfilePlugin(PluginTypes.PREFIX_CACHE_SCORER, OptionalDouble.of(3))));
        EndpointPickerConfig.DataLayer dataLayer =
                new EndpointPickerConfig.DataLayer(List.of(new EndpointPickerConfig.DataSource(
                        PluginTypes.METRICS_DATA_SOURCE, List.of(PluginTypes.CORE_METRICS_EXTRACTOR))));
        return new EndpointPickerConfig(
                ObjectMeta.of(EndpointPickerConfig.DEFAULT_NAME),
                new Origin(at, 0),
                List.of(),
                plugins,
                List.of(profile),
                Optional.empty(),
                Optional.of(dataLayer),
                Optional.empty(),
                Optional.empty());
    }
}
