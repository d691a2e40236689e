package io.infergate.scheduler.scheduling.config;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.model.ConfigMap;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.scheduler.model.ClientObjectives;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Resolves how every InferencePool of a manifest set schedules, from its two annotations:
 * <ul>
 *   <li>{@value #PROFILE_ANNOTATION}: a built-in profile ({@link BuiltInProfiles#NAMES}); or the name of an
 *       EndpointPickerConfig document in the pool's namespace; or a ConfigMap of that namespace holding one, as GIE
 *       deploys it: {@code <configmap>/<key>} names the key ({@code plugins-config/default-plugins.yaml}), and
 *       {@code <configmap>} alone will do when exactly one of its keys holds an EndpointPickerConfig. (A slash
 *       cannot occur in an object name, so the two forms cannot be confused.) A name that is both a document and a
 *       ConfigMap means the document, with a warning. No annotation: the gateway's default profile.</li>
 *   <li>{@value #FLOW_CONTROL_ANNOTATION}: {@code "true"} or {@code "false"} (absent: false).</li>
 *   <li>{@value ClientObjectives#ANNOTATION}: one of {@link ClientObjectives}'s spellings (checked here, applied by
 *       {@link io.infergate.scheduler.model.PoolModels}).</li>
 * </ul>
 * <b>Flow control.</b> A configuration whose {@code flowControl} feature gate is on turns flow control on for its
 * pools, with its {@code flowControl} section (GIE's limits and TTL where the section says nothing) and its
 * saturation detector; the annotation {@code "true"} is then redundant, and {@code "false"} contradicts it, an
 * error. The annotation {@code "true"} turns flow control on for any other pool with the gateway's default
 * settings, and the saturation detector of the pool's configuration if it has one.
 *
 * <p><b>What is checked.</b> Every EndpointPickerConfig document is built, its plugin parameters checked, even when
 * no pool names it (GIE builds every plugin of its configuration); a ConfigMap value is read only when a pool names
 * it, with the same strict loader and rules as a document ({@link EndpointPickerConfigLoader#fromConfigMap}). Each
 * configuration is built and reported once however many pools use it. Problems of an annotation are placed at the
 * annotation's line, with its field path ({@code metadata.annotations.infergate.io/scheduling-profile}); problems of
 * a configuration in a ConfigMap at their own line in the manifest file.
 *
 * <p>Stateless and thread-safe; runs on the calling (control-plane) thread and never throws on bad input. It reads a
 * ConfigMap's file only when the set did not keep its text.
 */
public final class PoolSchedulingResolver {

    /** The InferencePool annotation that chooses the scheduling profile or configuration. */
    public static final String PROFILE_ANNOTATION = "infergate.io/scheduling-profile";
    /** The InferencePool annotation that turns flow control on ({@code "true"}). */
    public static final String FLOW_CONTROL_ANNOTATION = "infergate.io/flow-control";

    private final ManifestSet set;
    private final SchedulerSetupFactory.Options options;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<EndpointPickerConfig, SchedulerSetup> documents = new IdentityHashMap<>();
    /** Per {@code namespace/configmap/key}: the configuration read from it, or null when it cannot be used. */
    private final Map<String, Loaded> values = new HashMap<>();

    private record Loaded(EndpointPickerConfigResult result, SchedulerSetup setup) {}

    private PoolSchedulingResolver(ManifestSet set, SchedulerSetupFactory.Options options) {
        this.set = set;
        this.options = options;
    }

    /**
     * Every pool's scheduling and every problem found.
     *
     * @param options how the configurations are built (the gateway asks for fallback endpoints)
     */
    public static Resolution resolve(ManifestSet set, SchedulerSetupFactory.Options options) {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(options, "options");
        return new PoolSchedulingResolver(set, options).run();
    }

    /**
     * What {@link #resolve} found. Immutable.
     *
     * @param problems sorted by position
     */
    public record Resolution(Map<InferencePool, PoolScheduling> pools, List<Problem> problems) {

        public Resolution {
            Map<InferencePool, PoolScheduling> byIdentity = new IdentityHashMap<>(pools);
            pools = Collections.unmodifiableMap(byIdentity);
            problems = List.copyOf(problems);
        }

        /** The pool's scheduling, or null when its annotations or configuration have errors. */
        public PoolScheduling pool(InferencePool pool) {
            return pools.get(pool);
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(Problem::isError);
        }

        public List<Problem> errors() {
            return problems.stream().filter(Problem::isError).toList();
        }
    }

    private Resolution run() {
        for (EndpointPickerConfig c : set.endpointPickerConfigs()) {
            documents.put(
                    c,
                    SchedulerSetupFactory.build(
                            c, c.displayName(), path -> set.locate(c, path), problems::add, null, options));
        }
        Map<InferencePool, PoolScheduling> pools = new IdentityHashMap<>();
        for (InferencePool pool : set.inferencePools()) {
            PoolScheduling s = pool(pool);
            if (s != null) {
                pools.put(pool, s);
            }
        }
        return new Resolution(
                pools, problems.stream().sorted(Problem.BY_POSITION).toList());
    }

    private PoolScheduling pool(InferencePool pool) {
        annotation(pool, ClientObjectives.ANNOTATION)
                .filter(v -> ClientObjectives.parse(v).isEmpty())
                .ifPresent(v -> annotationError(
                        pool,
                        ClientObjectives.ANNOTATION,
                        "\"" + v + "\" (expected one of: " + ClientObjectives.spellings() + ")"));
        Optional<Boolean> flowControl = flowControlAnnotation(pool);
        String profile = annotation(pool, PROFILE_ANNOTATION).orElse("");
        if (profile.isEmpty() || BuiltInProfiles.NAMES.contains(profile)) {
            return flowControl.map(fc -> PoolScheduling.builtIn(profile, fc)).orElse(null);
        }
        PoolPickerConfig config = pickerConfig(pool, profile);
        if (config == null || flowControl.isEmpty()) {
            return null;
        }
        SchedulerSetup setup = config.setup();
        boolean gate = setup.flowControl() != null;
        if (gate && isWritten(pool, FLOW_CONTROL_ANNOTATION) && !flowControl.get()) {
            annotationError(
                    pool,
                    FLOW_CONTROL_ANNOTATION,
                    "\"false\" contradicts " + config.source() + ", which"
                            + " turns flow control on with its flowControl feature gate (expected: no annotation, or a"
                            + " configuration without the gate)");
            return null;
        }
        return new PoolScheduling(
                profile,
                Optional.of(config),
                gate || flowControl.get(),
                Optional.ofNullable(setup.flowControl()),
                setup.saturationDetector(),
                setup.metricsExtractor());
    }

    /** The flow-control annotation: true or false (absent = false); empty when it is neither (reported). */
    private Optional<Boolean> flowControlAnnotation(InferencePool pool) {
        String v = annotation(pool, FLOW_CONTROL_ANNOTATION).orElse("false");
        if (!v.equals("true") && !v.equals("false")) {
            annotationError(pool, FLOW_CONTROL_ANNOTATION, "\"" + v + "\" (expected: \"true\" or \"false\")");
            return Optional.empty();
        }
        return Optional.of(v.equals("true"));
    }

    /** The configuration a non-built-in profile names; null when there is none or it has errors (reported). */
    private PoolPickerConfig pickerConfig(InferencePool pool, String reference) {
        String ns = pool.metadata().namespace();
        int slash = reference.indexOf('/');
        if (slash >= 0) {
            String name = reference.substring(0, slash);
            String key = reference.substring(slash + 1);
            if (name.isEmpty() || key.isEmpty()) {
                annotationError(
                        pool,
                        PROFILE_ANNOTATION,
                        "\"" + reference + "\" (expected: <configmap>/<key>, a"
                                + " ConfigMap of namespace " + ns + " and the key of its data that holds the"
                                + " EndpointPickerConfig)");
                return null;
            }
            Optional<ConfigMap> cm = configMap(ns, name);
            if (cm.isEmpty()) {
                annotationError(
                        pool,
                        PROFILE_ANNOTATION,
                        "\"" + reference + "\": there is no ConfigMap " + ns + "/" + name + " (" + namesIn(ns) + ")");
                return null;
            }
            return fromConfigMap(pool, reference, cm.get(), key);
        }
        Optional<EndpointPickerConfig> doc = set.endpointPickerConfigs().stream()
                .filter(c -> c.metadata().name().equals(reference)
                        && c.metadata().namespace().equals(ns))
                .findFirst();
        Optional<ConfigMap> cm = configMap(ns, reference);
        if (doc.isPresent()) {
            if (cm.isPresent()) {
                annotationWarning(
                        pool,
                        PROFILE_ANNOTATION,
                        "\"" + reference + "\" names both an"
                                + " EndpointPickerConfig and a ConfigMap of namespace " + ns
                                + "; the EndpointPickerConfig is"
                                + " used (write " + reference + "/<key> for the ConfigMap)");
            }
            SchedulerSetup setup = documents.get(doc.get());
            EndpointPickerConfig c = doc.get();
            return setup.hasErrors()
                    ? null
                    : new PoolPickerConfig(
                            reference, c.displayName(), c, c.displayName(), path -> set.locate(c, path), setup);
        }
        if (cm.isEmpty()) {
            annotationError(
                    pool,
                    PROFILE_ANNOTATION,
                    "\"" + reference + "\" names no scheduling profile (expected"
                            + " one of: " + String.join(", ", new TreeSet<>(BuiltInProfiles.NAMES))
                            + "; or the name of an"
                            + " EndpointPickerConfig, or of a ConfigMap holding one, in namespace " + ns + ": "
                            + namesIn(ns)
                            + "; or <configmap>/<key>)");
            return null;
        }
        List<String> configs = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Map.Entry<String, String> e : cm.get().data().entrySet()) {
            Optional<String> not = EndpointPickerConfigLoader.whyNotAConfig(e.getValue());
            if (not.isEmpty()) {
                configs.add(e.getKey());
            } else {
                others.add(e.getKey() + " (" + not.get() + ")");
            }
        }
        if (configs.size() != 1) {
            annotationError(
                    pool,
                    PROFILE_ANNOTATION,
                    "\"" + reference + "\": ConfigMap " + ns + "/" + reference
                            + (configs.isEmpty()
                                    ? " holds no EndpointPickerConfig (keys: "
                                            + (others.isEmpty() ? "none" : String.join(", ", others)) + ")"
                                    : " holds " + configs.size() + " EndpointPickerConfigs ("
                                            + String.join(", ", configs) + ")")
                            + " (expected: exactly one, or " + reference
                            + "/<key> to name it)");
            return null;
        }
        return fromConfigMap(pool, reference, cm.get(), configs.get(0));
    }

    private PoolPickerConfig fromConfigMap(InferencePool pool, String reference, ConfigMap cm, String key) {
        String where = cm.metadata().namespace() + "/" + cm.metadata().name();
        String value = cm.data().get(key);
        if (value == null) {
            annotationError(
                    pool,
                    PROFILE_ANNOTATION,
                    "\"" + reference + "\": ConfigMap " + where + " has no key \""
                            + key + "\" (keys: "
                            + (cm.data().isEmpty()
                                    ? "none"
                                    : String.join(", ", cm.data().keySet()))
                            + ")");
            return null;
        }
        Optional<String> not = EndpointPickerConfigLoader.whyNotAConfig(value);
        if (not.isPresent()) {
            annotationError(
                    pool,
                    PROFILE_ANNOTATION,
                    "\"" + reference + "\": data[" + key + "] of ConfigMap "
                            + where + " is not an EndpointPickerConfig (found: " + not.get()
                            + "; expected: a YAML document"
                            + " with kind EndpointPickerConfig)");
            return null;
        }
        String id = where + "/" + key;
        if (!values.containsKey(id)) {
            values.put(id, load(cm, key)); // null too: its problems are reported once
        }
        Loaded loaded = values.get(id);
        if (loaded == null) {
            return null;
        }
        return new PoolPickerConfig(
                reference,
                ConfigMap.KIND + "/" + cm.metadata().name() + "[" + key + "]",
                loaded.result().config().orElseThrow(),
                loaded.result().object(),
                loaded.result()::locate,
                loaded.setup());
    }

    /** Reads and builds one ConfigMap value, reporting its problems once; null when it cannot be used. */
    private Loaded load(ConfigMap cm, String key) {
        EndpointPickerConfigResult result = EndpointPickerConfigLoader.fromConfigMap(set, cm, key);
        if (result.config().isEmpty()) {
            problems.addAll(result.problems());
            return null;
        }
        SchedulerSetup setup = SchedulerSetupFactory.build(result, null, options);
        problems.addAll(setup.problems()); // the loader's and the factory's: none was reported before
        return setup.hasErrors() ? null : new Loaded(result, setup);
    }

    private Optional<ConfigMap> configMap(String namespace, String name) {
        return set.configMaps().stream()
                .filter(c -> c.metadata().name().equals(name)
                        && c.metadata().namespace().equals(namespace))
                .findFirst();
    }

    /** "EndpointPickerConfigs there: a, b; ConfigMaps: c" for messages. */
    private String namesIn(String namespace) {
        TreeSet<String> configs = new TreeSet<>();
        set.endpointPickerConfigs().stream()
                .filter(c -> c.metadata().namespace().equals(namespace))
                .forEach(c -> configs.add(c.metadata().name()));
        TreeSet<String> maps = new TreeSet<>();
        set.configMaps().stream()
                .filter(c -> c.metadata().namespace().equals(namespace))
                .forEach(c -> maps.add(c.metadata().name()));
        return "EndpointPickerConfigs there: " + (configs.isEmpty() ? "none" : String.join(", ", configs))
                + "; ConfigMaps: " + (maps.isEmpty() ? "none" : String.join(", ", maps));
    }

    private static Optional<String> annotation(InferencePool pool, String key) {
        return Optional.ofNullable(pool.metadata().annotations().get(key)).map(String::strip);
    }

    private boolean isWritten(InferencePool pool, String key) {
        return pool.metadata().annotations().containsKey(key);
    }

    private void annotationError(InferencePool pool, String key, String message) {
        String path = "metadata.annotations." + key;
        problems.add(Problem.error(at(pool, path), pool.displayName(), path, message));
    }

    private void annotationWarning(InferencePool pool, String key, String message) {
        String path = "metadata.annotations." + key;
        problems.add(Problem.warning(at(pool, path), pool.displayName(), path, message));
    }

    private Location at(InferencePool pool, String path) {
        return set.locate(pool, path);
    }
}
