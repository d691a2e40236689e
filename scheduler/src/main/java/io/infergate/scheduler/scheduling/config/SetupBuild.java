package io.infergate.scheduler.scheduling.config;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.Severity;
import io.infergate.api.load.Params;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.EndpointPickerConfig.Plugin;
import io.infergate.api.model.EndpointPickerConfig.PriorityBand;
import io.infergate.api.model.EndpointPickerConfig.ProfilePlugin;
import io.infergate.api.model.EndpointPickerConfig.SchedulingProfile;
import io.infergate.api.model.PluginType;
import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.admission.BandConfig;
import io.infergate.scheduler.admission.FairnessPolicy;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Filter;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.WeightedScorer;
import io.infergate.scheduler.scheduling.plugins.MaxScorePicker;
import io.infergate.scheduler.scheduling.plugins.PrefixCacheScorer;
import io.infergate.scheduler.scheduling.plugins.SelectingFilter;
import io.infergate.scheduler.scheduling.plugins.UtilizationFilter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One run of {@link SchedulerSetupFactory}: GIE's loader steps ({@code instantiatePlugins}, {@code
 * applySystemDefaults}, {@code buildSchedulerConfig}, the flow-control and data-layer builders) over one
 * configuration. Single use, confined to the calling thread; never throws on bad input.
 */
final class SetupBuild implements PluginFactory.Handle {

    private static final int NEW = 0;
    private static final int BUSY = 1;
    private static final int DONE = 2;

    private final EndpointPickerConfig config;
    private final String object;
    private final Function<String, Location> locate;
    private final Consumer<Problem> sink;
    private final PrefixIndex givenIndex;
    private final SchedulerSetupFactory.Options options;
    private final PluginRegistry registry;
    private final boolean defaultConfig;

    private final List<Plugin> plugins;
    private final Map<String, Integer> byName = new HashMap<>();
    private final PluginInstance[] instances;
    private final int[] state;
    private final Deque<Integer> building = new ArrayDeque<>();
    /** Plugin index of a filter to the plugin index of the first decision tree that refers to it. */
    private final Map<Integer, Integer> inTree = new LinkedHashMap<>();

    private final Set<String> priorErrorFields = new HashSet<>();
    private final List<Problem> problems = new ArrayList<>();
    private boolean ownErrors;

    private int prefixSource = -1;
    private PrefixSettings prefixSettings;
    private PrefixHasher prefixHasher;
    private PrefixIndex prefixIndex;
    /** The max-score-picker GIE creates when no picker is declared, shared by the profiles that lack one. */
    private PluginInstance.Picker implicitPicker;

    SetupBuild(
            EndpointPickerConfig config,
            String object,
            Function<String, Location> locate,
            Consumer<Problem> sink,
            List<Problem> prior,
            PrefixIndex index,
            SchedulerSetupFactory.Options options,
            PluginRegistry registry,
            boolean defaultConfig) {
        this.config = config;
        this.object = object;
        this.locate = locate;
        this.sink = sink;
        this.givenIndex = index;
        this.options = options;
        this.registry = registry;
        this.defaultConfig = defaultConfig;
        this.plugins = config.plugins();
        this.instances = new PluginInstance[plugins.size()];
        this.state = new int[plugins.size()];
        for (int i = 0; i < plugins.size(); i++) {
            byName.putIfAbsent(plugins.get(i).name(), i);
        }
        problems.addAll(prior);
        for (Problem p : prior) {
            if (p.isError()) {
                priorErrorFields.add(p.field());
            }
        }
    }

    SchedulerSetup run() {
        choosePrefixSettings();
        for (int i = 0; i < plugins.size(); i++) {
            instance(i);
        }
        ignoredPrefixParameters();
        SchedulerProfile profile = profile();
        UtilizationSaturationDetector.Config detector = saturationDetector();
        FlowControlConfig flowControl = flowControl();
        SchedulerSetup.MetricsSource metrics = metricsSource();
        MetricsExtractor extractor = metricsExtractor();
        List<Problem> sorted = problems.stream().sorted(Problem.BY_POSITION).toList();
        if (ownErrors || sorted.stream().anyMatch(Problem::isError) || profile == null) {
            return SchedulerSetup.failed(sorted);
        }
        boolean prefix = usesPrefix(profile);
        return new SchedulerSetup(
                profile,
                prefix ? prefixHasher : null,
                prefix ? prefixIndex() : null,
                detector,
                flowControl,
                metrics,
                extractor,
                defaultConfig,
                sorted);
    }

    // --- problems

    private void report(Problem p) {
        if (p.isError() && priorErrorFields.contains(p.field())) {
            return; // the loader already reported an error at this field: one is enough
        }
        if (p.isError()) {
            ownErrors = true;
        }
        problems.add(p);
        sink.accept(p);
    }

    private void error(String path, String message) {
        report(Problem.error(locate.apply(path), object, path, message));
    }

    private void warning(String path, String message) {
        report(Problem.warning(locate.apply(path), object, path, message));
    }

    private Params params(int i, Consumer<Problem> to) {
        return Params.of(plugins.get(i).parameters(), object, to);
    }

    // --- prefix cache: GIE creates one approx-prefix-cache-producer, whose parameters decide hashing

    /**
     * GIE's {@code instantiatePlugins}: a declared {@code approx-prefix-cache-producer} hashes with its own
     * parameters; otherwise the one it creates for the prefix scorers takes the last {@code prefix-cache-scorer}'s.
     */
    private void choosePrefixSettings() {
        for (int i = 0; i < plugins.size(); i++) {
            String type = plugins.get(i).type();
            if (type.equals(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER)) {
                prefixSource = i;
                break;
            }
            if (type.equals(PluginTypes.PREFIX_CACHE_SCORER)) {
                prefixSource = i;
            }
        }
        // read quietly: the plugin's own factory reports its problems once
        prefixSettings = prefixSource < 0 ? PrefixSettings.DEFAULT : PrefixSettings.read(params(prefixSource, p -> {}));
        prefixHasher = prefixSettings.hasher();
    }

    @Override
    public PrefixSettings prefixSettings() {
        return prefixSettings;
    }

    @Override
    public PrefixHasher prefixHasher() {
        return prefixHasher;
    }

    @Override
    public PrefixIndex prefixIndex() {
        if (prefixIndex == null) {
            prefixIndex = givenIndex != null
                    ? givenIndex
                    : new PrefixIndex(prefixSettings.lruCapacityPerServer(), options.addOrder());
            if (givenIndex != null
                    && givenIndex.defaultCapacity() != prefixSettings.lruCapacityPerServer()
                    && prefixSource >= 0
                    && plugins.get(prefixSource)
                            .parameters()
                            .get("lruCapacityPerServer")
                            .isPresent()) {
                Plugin p = plugins.get(prefixSource);
                ConfigTree at = p.parameters().get("lruCapacityPerServer").orElseThrow();
                report(Problem.warning(
                        at.location(),
                        object,
                        at.path(),
                        "not applied: the pool's prefix index"
                                + " already exists with " + givenIndex.defaultCapacity()
                                + " entries per endpoint and keeps"
                                + " them until it is recreated (the gateway keeps the index, and what it learnt, across"
                                + " configuration changes)"));
            }
        }
        return prefixIndex;
    }

    /** Parameters of prefix plugins that do not decide the hashing: GIE ignores them, so say so. */
    private void ignoredPrefixParameters() {
        if (prefixSource < 0) {
            return;
        }
        boolean producer = plugins.get(prefixSource).type().equals(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER);
        String decider = plugins.get(prefixSource).name() + " (plugins[" + prefixSource + "])";
        for (int i = 0; i < plugins.size(); i++) {
            Plugin p = plugins.get(i);
            if (i == prefixSource
                    || p.parameters().isEmpty()
                    || !(p.type().equals(PluginTypes.PREFIX_CACHE_SCORER)
                            || p.type().equals(PluginTypes.APPROX_PREFIX_CACHE_PRODUCER))) {
                continue;
            }
            PrefixSettings mine = PrefixSettings.read(params(i, x -> {}));
            if (producer && p.type().equals(PluginTypes.PREFIX_CACHE_SCORER)) {
                warning(
                        "plugins[" + i + "].parameters",
                        "ignored: the approx-prefix-cache-producer " + decider
                                + " decides how prompts are hashed; GIE's prefix-cache-scorer reads no parameters when a"
                                + " producer is declared");
            } else if (!mine.equals(prefixSettings)) {
                warning(
                        "plugins[" + i + "].parameters",
                        "ignored: GIE creates one approx-prefix-cache-producer, with"
                                + " the parameters of "
                                + (producer ? "the first producer, " : "the last prefix-cache-scorer, ")
                                + decider);
            }
        }
    }

    private static boolean usesPrefix(SchedulerProfile profile) {
        return profile.scorers().stream().anyMatch(s -> s.scorer() instanceof PrefixCacheScorer);
    }

    // --- plugins (GIE instantiatePlugins)

    private PluginInstance instance(int i) {
        if (state[i] == DONE) {
            return instances[i];
        }
        state[i] = BUSY;
        Plugin p = plugins.get(i);
        PluginInstance made = new PluginInstance.Invalid(p.name(), p.type());
        if (!p.type().isEmpty() && PluginTypes.isKnown(p.type())) { // else reported by the loader
            Optional<PluginFactory> factory = registry.factory(p.type());
            if (factory.isEmpty()) {
                error("plugins[" + i + "].type", registry.unsupportedMessage(p.type()));
            } else {
                Params params = params(i, this::report);
                building.push(i);
                try {
                    made = factory.get().create(p.name(), params, this);
                } catch (IllegalArgumentException e) {
                    // a factory checks its parameters first; this is a gap in that, reported rather than thrown
                    error(
                            "plugins[" + i + "].parameters",
                            "cannot build plugin \"" + p.name() + "\": " + e.getMessage());
                    made = new PluginInstance.Invalid(p.name(), p.type());
                } finally {
                    building.pop();
                }
                if (!(made instanceof PluginInstance.Invalid)) {
                    params.finish(Severity.WARNING);
                }
            }
        }
        instances[i] = made;
        state[i] = DONE;
        return made;
    }

    @Override
    public Optional<SelectingFilter> filter(String ref, Params reporter, ConfigTree at) {
        Integer j = byName.get(ref);
        if (j == null) {
            reporter.error(
                    at,
                    "plugin \"" + ref + "\" is not declared ("
                            + (byName.isEmpty()
                                    ? "no plugins are" + " declared"
                                    : "declared: "
                                            + String.join(
                                                    ", ",
                                                    plugins.stream()
                                                            .map(Plugin::name)
                                                            .toList()))
                            + ")");
            return Optional.empty();
        }
        if (state[j] == BUSY) {
            reporter.error(
                    at,
                    "plugin \"" + ref + "\" is a decision tree that contains this reference: a tree"
                            + " cannot contain itself");
            return Optional.empty();
        }
        if (!building.isEmpty()) {
            inTree.putIfAbsent(j, building.peek());
        }
        PluginInstance inst = instance(j);
        if (inst instanceof PluginInstance.Invalid) {
            return Optional.empty();
        }
        SelectingFilter f = inst.asFilter();
        if (f == null) {
            List<String> filters = PluginTypes.namesWith(PluginType.Role.FILTER).stream()
                    .filter(registry::supports)
                    .toList();
            reporter.error(
                    at,
                    "plugin \"" + ref + "\" has type " + inst.type() + ", which is not a filter (expected:"
                            + " a plugin of type " + String.join(", ", filters) + ")");
            return Optional.empty();
        }
        return Optional.of(f);
    }

    // --- the profile (GIE ensureSchedulingLayer, buildSchedulerConfig)

    private SchedulerProfile profile() {
        List<SchedulingProfile> profiles = config.schedulingProfiles();
        if (profiles.size() > 1) {
            error(
                    "schedulingProfiles[1]",
                    profiles.size() + " scheduling profiles (expected: one; Infergate has only"
                            + " the single-profile-handler, which runs exactly one, as in GIE)");
            return null;
        }
        List<Filter> filters = new ArrayList<>();
        List<WeightedScorer> scorers = new ArrayList<>();
        PluginInstance.Picker picker = null;
        String name;
        String pickerlessAt;
        if (profiles.isEmpty()) {
            // GIE: a "default" profile of every filter, scorer and picker (in Go map order; here declaration order)
            name = "default";
            pickerlessAt = "schedulingProfiles";
            for (int i = 0; i < plugins.size(); i++) {
                if (byName.get(plugins.get(i).name()) != i) {
                    continue; // a duplicate name, reported by the loader
                }
                PluginInstance inst = instances[i];
                if (inst.asFilter() != null) {
                    filters.add(inst.asFilter());
                    Integer tree = inTree.get(i);
                    if (tree != null && !(instances[tree] instanceof PluginInstance.Invalid)) {
                        warning(
                                "plugins[" + i + "]",
                                "filter \"" + inst.name() + "\" runs on its own in the default"
                                        + " profile as well as inside decision tree \""
                                        + plugins.get(tree).name()
                                        + "\": without"
                                        + " schedulingProfiles GIE puts every filter, scorer and picker into the default"
                                        + " profile (declare a profile to use it only inside the tree)");
                    }
                } else if (inst instanceof PluginInstance.Scorer s) {
                    scorers.add(new WeightedScorer(s.scorer(), 1.0));
                } else if (inst instanceof PluginInstance.Picker pk) {
                    if (picker == null) {
                        picker = pk;
                    } else {
                        error(
                                "plugins[" + i + "]",
                                "a second picker \"" + pk.name() + "\" (first: \""
                                        + picker.name()
                                        + "\"): without schedulingProfiles GIE puts every filter, scorer and"
                                        + " picker into the default profile, and a profile has one picker");
                    }
                }
            }
        } else {
            SchedulingProfile sp = profiles.get(0);
            name = sp.name();
            pickerlessAt = "schedulingProfiles[0]";
            for (int j = 0; j < sp.plugins().size(); j++) {
                ProfilePlugin pp = sp.plugins().get(j);
                PluginInstance inst = resolveProfilePlugin(pp.pluginRef());
                if (inst == null) {
                    continue; // not declared: the loader reported it
                }
                if (inst.asFilter() != null) {
                    filters.add(inst.asFilter());
                } else if (inst instanceof PluginInstance.Scorer s) {
                    double w = pp.weight().orElse(1.0); // GIE's DefaultScorerWeight
                    if (Double.isFinite(w) && w >= 0) { // else the loader reported it
                        scorers.add(new WeightedScorer(s.scorer(), w));
                    }
                } else if (inst instanceof PluginInstance.Picker pk && picker == null) {
                    picker = pk; // a second one was reported by the loader
                }
                // anything else does nothing in a profile: the loader warned, or the plugin is invalid (reported)
            }
        }
        if (picker == null) {
            picker = defaultPicker(name, pickerlessAt);
        }
        // extra endpoints are fallbacks: every picker orders all candidates and takes a prefix of that order, so
        // asking for more never changes the first choice
        int endpoints = Math.max(picker.maxNumOfEndpoints(), options.minEndpoints());
        return new SchedulerProfile(name, filters, scorers, picker.picker(), endpoints);
    }

    /** A declared plugin, or one GIE creates when it is missing; null when neither (reported by the loader). */
    private PluginInstance resolveProfilePlugin(String ref) {
        Integer i = byName.get(ref);
        if (i != null) {
            return instances[i];
        }
        if (ref.equals(MaxScorePicker.TYPE) && declaredPickers().isEmpty()) {
            return implicitPicker();
        }
        if (ref.equals(UtilizationSaturationDetector.TYPE)) {
            UtilizationSaturationDetector.Config d = UtilizationSaturationDetector.Config.DEFAULT;
            return new PluginInstance.SaturationDetector(ref, d, new UtilizationFilter(ref, d));
        }
        return null;
    }

    private List<PluginInstance.Picker> declaredPickers() {
        List<PluginInstance.Picker> out = new ArrayList<>();
        for (PluginInstance inst : instances) {
            if (inst instanceof PluginInstance.Picker p) {
                out.add(p);
            }
        }
        return out;
    }

    private PluginInstance.Picker implicitPicker() {
        if (implicitPicker == null) {
            implicitPicker =
                    new PluginInstance.Picker(MaxScorePicker.TYPE, MaxScorePicker.TYPE, new MaxScorePicker(), 1);
        }
        return implicitPicker;
    }

    /**
     * GIE's picker default: the profile gets a declared picker (GIE takes the first its plugin map yields), and a
     * {@code max-score-picker} with one endpoint only when none is declared.
     */
    private PluginInstance.Picker defaultPicker(String profile, String at) {
        List<PluginInstance.Picker> declared = declaredPickers();
        if (declared.isEmpty()) {
            return implicitPicker();
        }
        if (declared.size() > 1) {
            warning(
                    at,
                    "profile \"" + profile + "\" names no picker, and " + declared.size() + " are declared ("
                            + String.join(
                                    ", ",
                                    declared.stream().map(PluginInstance::name).toList()) + "): GIE gives it"
                            + " one of them, chosen arbitrarily; Infergate takes the first, \""
                            + declared.get(0).name()
                            + "\" (name the picker in the profile to choose)");
        }
        return declared.get(0);
    }

    // --- saturation detector (GIE ensureSaturationDetector)

    private UtilizationSaturationDetector.Config saturationDetector() {
        String ref = config.saturationDetector()
                .map(EndpointPickerConfig.SaturationDetector::pluginRef)
                .filter(r -> !r.isEmpty())
                .orElse(UtilizationSaturationDetector.TYPE);
        Integer i = byName.get(ref);
        if (i != null && instances[i] instanceof PluginInstance.SaturationDetector d) {
            return d.config();
        }
        // GIE creates utilization-detector with its defaults; any other case was reported (an undeclared
        // reference, a plugin that is no detector, an unsupported detector type)
        return UtilizationSaturationDetector.Config.DEFAULT;
    }

    // --- flow control (GIE flowcontrol.NewConfigFromAPI, registry/config.go)

    private FlowControlConfig flowControl() {
        if (!config.hasFeatureGate(EndpointPickerConfig.FEATURE_FLOW_CONTROL)) {
            return null;
        }
        if (config.flowControl().isEmpty()) {
            return FlowControlConfig.DEFAULT;
        }
        EndpointPickerConfig.FlowControl fc = config.flowControl().get();
        Duration ttl = fc.defaultRequestTTL().filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        BandConfig template = fc.defaultPriorityBand()
                .map(b -> band(b, "flowControl.defaultPriorityBand"))
                .orElse(BandConfig.DEFAULT);
        FlowControlConfig out = new FlowControlConfig(
                Math.max(0, fc.maxRequests().orElse(0)),
                Math.max(0, fc.maxBytes().orElse(0)),
                ttl,
                FlowControlConfig.DEFAULT.expirySweepInterval(),
                template,
                Map.of(),
                FlowControlConfig.DEFAULT.criticalReserve());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < fc.priorityBands().size(); i++) {
            PriorityBand b = fc.priorityBands().get(i);
            if (seen.add(b.priority())) { // a duplicate priority was reported by the loader
                // each listed band takes GIE's defaults, not the template's: only unlisted priorities use that
                out = out.withBand(b.priority(), band(b, "flowControl.priorityBands[" + i + "]"));
            }
        }
        return out;
    }

    /** GIE's band defaults: {@code maxBytes} 0 or absent is 1,000,000,000; fairness global strict; FCFS. */
    private BandConfig band(PriorityBand b, String path) {
        long maxBytes = Math.max(0, b.maxBytes().orElse(0));
        long maxRequests = Math.max(0, b.maxRequests().orElse(0));
        FairnessPolicy fairness = FairnessPolicy.GLOBAL_STRICT;
        if (!b.fairnessPolicyRef().isEmpty()) {
            Integer i = byName.get(b.fairnessPolicyRef());
            if (i != null && instances[i] instanceof PluginInstance.Fairness f) {
                fairness = f.policy();
            }
            // an undeclared global-strict-fairness-policy is GIE's default one; anything else was reported
        }
        return new BandConfig(maxRequests, maxBytes == 0 ? BandConfig.DEFAULT_MAX_BYTES : maxBytes, fairness);
    }

    // --- data layer (GIE ensureDataLayer, buildDataLayerConfig)

    private SchedulerSetup.MetricsSource metricsSource() {
        if (config.hasFeatureGate(EndpointPickerConfig.FEATURE_LEGACY_METRICS)) {
            return SchedulerSetup.MetricsSource.DEFAULT; // GIE's legacy polling, with its default scheme and path
        }
        if (config.dataLayer().isEmpty()) {
            // GIE adds metrics-data-source, or uses the plugin declared under that name
            Integer i = byName.get(PluginTypes.METRICS_DATA_SOURCE);
            return i != null && instances[i] instanceof PluginInstance.DataSource d
                    ? d.source()
                    : SchedulerSetup.MetricsSource.DEFAULT;
        }
        List<EndpointPickerConfig.DataSource> sources = config.dataLayer().get().sources();
        SchedulerSetup.MetricsSource first = null;
        for (int k = 0; k < sources.size(); k++) {
            Integer i = byName.get(sources.get(k).pluginRef());
            if (i == null || !(instances[i] instanceof PluginInstance.DataSource d)) {
                continue; // undeclared, not a data source, or unsupported: reported
            }
            if (first == null) {
                first = d.source();
            } else {
                error(
                        "dataLayer.sources[" + k + "]",
                        "a second metrics data source is not supported by Infergate"
                                + " yet (expected: one source; Infergate scrapes each endpoint once per interval)");
            }
        }
        return first; // null: no sources, metrics collection is off
    }

    /**
     * The {@code core-metrics-extractor} whose parameters read the metrics (GIE {@code ensureDataLayer}): with a
     * {@code dataLayer} section, the one its metrics source lists; without one, the plugin named
     * {@code core-metrics-extractor}, else GIE's default; with legacy metrics, the built-in mappings. A declared
     * extractor that thereby goes unused gets a warning.
     */
    private MetricsExtractor metricsExtractor() {
        Set<Integer> listed = new HashSet<>();
        int used;
        if (config.hasFeatureGate(EndpointPickerConfig.FEATURE_LEGACY_METRICS)) {
            used = -1; // GIE's legacy polling reads the built-in mappings
        } else if (config.dataLayer().isEmpty()) {
            Integer i = byName.get(PluginTypes.CORE_METRICS_EXTRACTOR);
            used = i != null && instances[i] instanceof PluginInstance.Extractor ? i : -1;
        } else {
            used = listedExtractor(config.dataLayer().get().sources(), listed);
        }
        for (int i = 0; i < instances.length; i++) {
            if (i != used
                    && !listed.contains(i)
                    && instances[i] instanceof PluginInstance.Extractor x
                    && Integer.valueOf(i).equals(byName.get(x.name()))) {
                warning(
                        "plugins[" + i + "]",
                        "core-metrics-extractor \"" + x.name() + "\" is not used: "
                                + (config.hasFeatureGate(EndpointPickerConfig.FEATURE_LEGACY_METRICS)
                                        ? "feature gate \"enableLegacyMetrics\" reads the built-in engine mappings"
                                        : config.dataLayer().isEmpty()
                                                ? "without a dataLayer section GIE reads metrics with the"
                                                        + " plugin named core-metrics-extractor"
                                                : "no dataLayer source lists it in its extractors")
                                + " (expected: the extractor the data layer uses)");
            }
        }
        return used >= 0 ? ((PluginInstance.Extractor) instances[used]).extractor() : MetricsExtractor.withBuiltins();
    }

    /**
     * The plugin index of the extractor the first metrics source lists, -1 for none; a second one is an error. Adds
     * every extractor a source lists to {@code listed}.
     */
    private int listedExtractor(List<EndpointPickerConfig.DataSource> sources, Set<Integer> listed) {
        for (int k = 0; k < sources.size(); k++) {
            Integer source = byName.get(sources.get(k).pluginRef());
            if (source == null || !(instances[source] instanceof PluginInstance.DataSource)) {
                continue;
            }
            int found = -1;
            List<String> extractors = sources.get(k).extractors();
            for (int j = 0; j < extractors.size(); j++) {
                Integer i = byName.get(extractors.get(j));
                if (i == null || !(instances[i] instanceof PluginInstance.Extractor)) {
                    continue; // undeclared, another kind (reported), or an extractor that does nothing here
                }
                listed.add(i);
                if (found < 0) {
                    found = i;
                } else if (found != i) {
                    error(
                            "dataLayer.sources[" + k + "].extractors[" + j + "].pluginRef",
                            "a second core-metrics-extractor on"
                                    + " one source is not supported by Infergate yet (expected: one; both would write the"
                                    + " same endpoint metrics)");
                }
            }
            return found; // only the first source is scraped (a second is reported by metricsSource)
        }
        return -1;
    }
}
