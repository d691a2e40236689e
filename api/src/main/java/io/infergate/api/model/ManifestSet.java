package io.infergate.api.model;

import io.infergate.api.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything one load produced: the objects in document order, lookups by kind and namespace/name, and where
 * each field was written. Immutable and thread-safe; build a new one to change anything (the gateway swaps
 * whole sets on reload).
 *
 * <p>A set may contain objects that have problems (a missing required field is filled with an empty value);
 * consumers must not serve a set whose load or validation produced errors.
 *
 * <p>The set also keeps the text of every file that holds a ConfigMap ({@link #sourceText}), so that a
 * configuration embedded in a ConfigMap value can be loaded later with problems placed on the lines of that file,
 * even when the file has changed on disk since.
 */
public final class ManifestSet {

    private final List<Resource> resources;
    private final Map<Integer, FieldIndex> fields;
    private final Map<Class<?>, List<Resource>> byType = new HashMap<>();
    private final Map<String, Resource> byKey = new HashMap<>();
    private final Map<String, String> sources;

    public ManifestSet(List<? extends Resource> resources, Map<Integer, FieldIndex> fields) {
        this(resources, fields, Map.of());
    }

    /**
     * @param sources file name (as in {@link Location#file()}) to the text it was loaded from; only files whose
     *                ConfigMaps may be read again need to be here
     */
    public ManifestSet(
            List<? extends Resource> resources, Map<Integer, FieldIndex> fields, Map<String, String> sources) {
        this.resources = List.copyOf(resources);
        this.fields = Map.copyOf(fields);
        this.sources = Map.copyOf(sources);
        for (Resource r : this.resources) {
            byType.computeIfAbsent(r.getClass(), k -> new ArrayList<>()).add(r);
            // first one wins; the validator reports duplicates
            byKey.putIfAbsent(
                    key(
                            r.group(),
                            r.kind(),
                            r.metadata().namespace(),
                            r.metadata().name()),
                    r);
        }
        byType.replaceAll((k, v) -> List.copyOf(v));
    }

    /**
     * This set without the objects {@code drop} selects; the rest keep their field positions and source texts (for
     * cluster mode, which leaves out objects with errors and serves the others).
     */
    public ManifestSet without(Predicate<? super Resource> drop) {
        return new ManifestSet(resources.stream().filter(r -> !drop.test(r)).toList(), fields, sources);
    }

    /** An empty set. */
    public static ManifestSet empty() {
        return new ManifestSet(List.of(), Map.of());
    }

    private static String key(String group, String kind, String namespace, String name) {
        return group + "|" + kind + "|" + namespace + "|" + name;
    }

    /** Every object, in document order. */
    public List<Resource> all() {
        return resources;
    }

    @SuppressWarnings("unchecked")
    public <T extends Resource> List<T> ofType(Class<T> type) {
        return (List<T>) byType.getOrDefault(type, List.of());
    }

    public List<Gateway> gateways() {
        return ofType(Gateway.class);
    }

    public List<HttpRoute> httpRoutes() {
        return ofType(HttpRoute.class);
    }

    public List<TcpRoute> tcpRoutes() {
        return ofType(TcpRoute.class);
    }

    public List<InferencePool> inferencePools() {
        return ofType(InferencePool.class);
    }

    public List<InferenceModel> inferenceModels() {
        return ofType(InferenceModel.class);
    }

    public List<InferenceObjective> inferenceObjectives() {
        return ofType(InferenceObjective.class);
    }

    public List<InferenceModelRewrite> inferenceModelRewrites() {
        return ofType(InferenceModelRewrite.class);
    }

    public List<Service> services() {
        return ofType(Service.class);
    }

    public List<Pod> pods() {
        return ofType(Pod.class);
    }

    public List<EndpointSlice> endpointSlices() {
        return ofType(EndpointSlice.class);
    }

    public List<ConfigMap> configMaps() {
        return ofType(ConfigMap.class);
    }

    public List<Secret> secrets() {
        return ofType(Secret.class);
    }

    /** EndpointPickerConfig documents of the set (not those inside ConfigMaps), in document order. */
    public List<EndpointPickerConfig> endpointPickerConfigs() {
        return ofType(EndpointPickerConfig.class);
    }

    /** The object with this group, kind, namespace and name (the first one, if declared twice). */
    public Optional<Resource> find(String group, String kind, String namespace, String name) {
        return Optional.ofNullable(byKey.get(key(group, kind, namespace, name)));
    }

    public Optional<Gateway> gateway(String namespace, String name) {
        return find(ApiGroups.GATEWAY, Gateway.KIND, namespace, name).map(Gateway.class::cast);
    }

    /** The pool of exactly this group ({@code inference.networking.k8s.io} or {@code ...x-k8s.io}). */
    public Optional<InferencePool> inferencePool(String group, String namespace, String name) {
        return find(group, InferencePool.KIND, namespace, name).map(InferencePool.class::cast);
    }

    /** Pools of any group with this namespace and name (v1 first). */
    public List<InferencePool> inferencePoolsNamed(String namespace, String name) {
        List<InferencePool> out = new ArrayList<>(2);
        inferencePool(ApiGroups.INFERENCE, namespace, name).ifPresent(out::add);
        inferencePool(ApiGroups.INFERENCE_X, namespace, name).ifPresent(out::add);
        return out;
    }

    /** The pool a route backendRef or a poolRef points at; an empty group means "either group". */
    public Optional<InferencePool> inferencePoolFor(String group, String namespace, String name) {
        if (group.isEmpty()) {
            return inferencePoolsNamed(namespace, name).stream().findFirst();
        }
        return inferencePool(group, namespace, name);
    }

    public Optional<Service> service(String namespace, String name) {
        return find(ApiGroups.CORE, Service.KIND, namespace, name).map(Service.class::cast);
    }

    public Optional<Secret> secret(String namespace, String name) {
        return find(ApiGroups.CORE, Secret.KIND, namespace, name).map(Secret.class::cast);
    }

    /** Pods the pool selects (same namespace, every selector label), ready or not, in document order. */
    public List<Pod> podsSelectedBy(InferencePool pool) {
        return pods().stream()
                .filter(p -> p.metadata().namespace().equals(pool.metadata().namespace()))
                .filter(p -> pool.selects(p.metadata().labels()))
                .toList();
    }

    /** The Pod annotation that narrows which of the pool's target ports a Pod serves ({@code "8000,8002"}). */
    public static final String ACTIVE_PORTS_ANNOTATION = "inference.networking.k8s.io/active-ports";

    /**
     * The pool's ready endpoints: each ready selected Pod and each ready address of an EndpointSlice whose
     * labels the selector matches, times each target port. A Pod with the {@value #ACTIVE_PORTS_ANNOTATION}
     * annotation serves only the target ports it lists (ranks keep their index in targetPorts); an annotation that
     * lists no valid port number is ignored, as if absent.
     */
    public List<PoolEndpoint> endpoints(InferencePool pool) {
        List<PoolEndpoint> out = new ArrayList<>();
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (Pod pod : podsSelectedBy(pool)) {
            if (pod.isReady() && seen.putIfAbsent(pod.podIp().orElseThrow(), true) == null) {
                addRanks(
                        out,
                        pool,
                        pod.metadata().name(),
                        pod.podIp().orElseThrow(),
                        activePorts(pod.metadata().annotations().get(ACTIVE_PORTS_ANNOTATION)));
            }
        }
        for (EndpointSlice slice : endpointSlices()) {
            if (!slice.metadata().namespace().equals(pool.metadata().namespace())
                    || !pool.selects(slice.metadata().labels())) {
                continue;
            }
            for (EndpointSlice.Endpoint e : slice.endpoints()) {
                if (!e.isReady()) {
                    continue;
                }
                for (String address : e.addresses()) {
                    if (seen.putIfAbsent(address, true) == null) {
                        addRanks(
                                out, pool, e.hostname().orElse(slice.metadata().name() + "-" + address), address, null);
                    }
                }
            }
        }
        return out;
    }

    /** The port numbers an active-ports annotation lists, or null (every port) when it lists none. */
    static Set<Integer> activePorts(String annotation) {
        if (annotation == null) {
            return null;
        }
        Set<Integer> ports = new HashSet<>();
        for (String part : annotation.split(",")) {
            try {
                ports.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException ignored) {
                // not a port: skipped, like the reference picker skips what it cannot parse
            }
        }
        return ports.isEmpty() ? null : ports;
    }

    private static void addRanks(
            List<PoolEndpoint> out, InferencePool pool, String source, String address, Set<Integer> active) {
        List<Integer> ports = pool.targetPorts();
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            if (port >= 1 && port <= 65535 && (active == null || active.contains(port))) {
                out.add(new PoolEndpoint(source + "-rank-" + i, source, address, port, i));
            }
        }
    }

    /**
     * InferenceModels without the losers of modelName clashes: per pool (namespace, group and name of the
     * poolRef) and modelName, only the oldest ({@link Resource#OLDEST_FIRST}) remains. Document order kept.
     */
    public List<InferenceModel> effectiveInferenceModels() {
        Map<String, InferenceModel> winners = new HashMap<>();
        List<InferenceModel> sorted = new ArrayList<>(inferenceModels());
        sorted.sort(Resource.OLDEST_FIRST);
        for (InferenceModel m : sorted) {
            winners.putIfAbsent(modelClaimKey(m), m);
        }
        return inferenceModels().stream()
                .filter(m -> winners.get(modelClaimKey(m)) == m)
                .toList();
    }

    /** The key under which InferenceModels compete for a model name: pool identity plus model name. */
    public static String modelClaimKey(InferenceModel m) {
        PoolRef p = m.poolRef();
        return m.metadata().namespace() + "|" + p.group() + "|" + p.name() + "|" + m.modelName();
    }

    /** Rewrites of one pool, oldest first (the order in which their rules take precedence on ties). */
    public List<InferenceModelRewrite> rewritesFor(InferencePool pool) {
        List<InferenceModelRewrite> out = new ArrayList<>();
        for (InferenceModelRewrite r : inferenceModelRewrites()) {
            if (r.metadata().namespace().equals(pool.metadata().namespace())
                    && r.poolRef().name().equals(pool.metadata().name())
                    && r.poolRef().group().equals(pool.group())) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(r -> (Resource) r, Resource.OLDEST_FIRST));
        return out;
    }

    /** Where {@code fieldPath} of {@code resource} was written (or its closest written ancestor). */
    public Location locate(Resource resource, String fieldPath) {
        Objects.requireNonNull(resource, "resource");
        FieldIndex index = fields.get(resource.origin().sequence());
        return index == null ? resource.origin().location() : index.locate(fieldPath);
    }

    /** The text {@code file} was loaded from, when the set kept it (files holding ConfigMaps). */
    public Optional<String> sourceText(String file) {
        return Optional.ofNullable(sources.get(file));
    }

    /** Whether the manifest wrote the field itself rather than leaving it to a default. */
    public boolean isWritten(Resource resource, String fieldPath) {
        FieldIndex index = fields.get(resource.origin().sequence());
        return index != null && index.isWritten(fieldPath);
    }
}
