package io.infergate.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.BackendRef;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.ParentRef;
import io.infergate.api.model.Resource;
import io.infergate.api.model.TcpRoute;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status that a manifest set implies back to the cluster:
 * <ul>
 * <li><b>InferencePool parents.</b> One entry per Gateway (of a class we serve) with an HTTPRoute whose parentRefs
 * name it and whose backendRefs name the pool, with {@code controllerName}, {@code Accepted=True/Accepted} and
 * {@code ResolvedRefs=True/ResolvedRefs}, or {@code ResolvedRefs=False/InvalidExtensionRef} when the pool's
 * endpoint picker reference is a Service that does not exist (or a kind we do not know). A reference of group
 * {@value #BUILT_IN_PICKER_GROUP}, kind {@value #BUILT_IN_PICKER_KIND} names the in-process picker and is always
 * resolved; so is a missing reference. v1 pools: {@code status.parents}, and only entries with our
 * controllerName are touched (the shared-ownership model of the Inference Extension); our entry goes when no route
 * references the pool any more. v1alpha2 pools: {@code status.parent}, which has no controllerName: we own the
 * entries naming the placeholder {@code Status/default} or a Gateway in the set, and keep the others.</li>
 * <li><b>Gateways and routes</b> (with pool parents), as the Gateway controller of the classes we serve; computed
 * by {@link GatewayStatus}. A Gateway gets {@code Accepted} and {@code Programmed} conditions and
 * {@code status.listeners} (supportedKinds, attachedRoutes, Accepted/Programmed/ResolvedRefs); its
 * {@code addresses} are left as they are. An HTTPRoute or TCPRoute gets one {@code status.parents} entry with our
 * controllerName per parentRef naming a Gateway of ours ({@code Accepted}, or {@code Accepted=False} with
 * NoMatchingParent / NotAllowedByListeners / NoMatchingListenerHostname; {@code ResolvedRefs}, or
 * {@code ResolvedRefs=False/BackendNotFound} for a missing InferencePool or Service); other controllers' entries
 * are kept.</li>
 * <li><b>InferenceModel acceptance.</b> {@code Accepted=True/Accepted}, or {@code Accepted=False/ModelNameInUse} for
 * every InferenceModel that loses a modelName clash in its pool (the oldest wins; {@link Resource#OLDEST_FIRST}).
 * Conditions of other types are kept.</li>
 * </ul>
 * Conditions carry type, status, reason, message, observedGeneration (the object's metadata.generation) and
 * lastTransitionTime, which keeps its old value when the condition's status did not change. Each object is read
 * fresh from the API server, and written with {@code updateStatus} (optimistic locking on resourceVersion) only
 * when its status changes; a 409 conflict is retried up to {@value #MAX_ATTEMPTS} times.
 *
 * <p><b>Threading.</b> {@link #write} blocks on HTTP calls; call it from one control-plane thread at a time (the
 * {@link ClusterMode} does, and only while leading). Errors writing one object are logged and counted, and do not
 * stop the others; nothing is thrown for bad input.
 */
public final class StatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

    public static final String DEFAULT_CONTROLLER_NAME = "infergate.io/gateway-controller";
    /** The endpointPickerRef group and kind that name Infergate's built-in (in-process) picker. */
    public static final String BUILT_IN_PICKER_GROUP = "infergate.io";

    public static final String BUILT_IN_PICKER_KIND = "EndpointPicker";
    static final int MAX_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final String controllerName;
    private final Predicate<String> servedClass;
    private final Clock clock;

    /**
     * @param controllerName    {@code DOMAIN/PATH}, written into our parent entries
     * @param gatewayClassNames the Gateway classes we serve; empty = all
     */
    public StatusWriter(KubernetesClient client, String controllerName, Set<String> gatewayClassNames, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.controllerName = checkControllerName(controllerName);
        Set<String> classes = Set.copyOf(gatewayClassNames);
        this.servedClass = c -> classes.isEmpty() || classes.contains(c);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    static String checkControllerName(String controllerName) {
        Objects.requireNonNull(controllerName, "controllerName");
        if (!controllerName.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?/.+")) {
            throw new IllegalArgumentException("controllerName: \"" + controllerName + "\" (expected: DOMAIN/PATH,"
                    + " e.g. " + DEFAULT_CONTROLLER_NAME + ")");
        }
        return controllerName;
    }

    /** What one {@link #write} did: objects whose status was written, already right, or not written (error). */
    public record Report(int written, int unchanged, int failed) {}

    /**
     * Writes pool parents, Gateway and route status (when {@code pools}: serve scope) and the acceptance of every
     * InferenceModel of the set. Blocks.
     */
    public Report write(ManifestSet set, boolean pools) {
        return write(set, pools, m -> true);
    }

    /**
     * Writes pool parents, Gateway and route status (when {@code pools}) and the acceptance of the InferenceModels
     * that {@code models} selects
     * (a picker writes only its own pool's). Clashes are judged among all InferenceModels of the set. Blocks.
     */
    public Report write(ManifestSet set, boolean pools, Predicate<InferenceModel> models) {
        Counter c = new Counter();
        if (pools) {
            Map<InferencePool, List<GatewayKey>> parents = poolParents(set, servedClass);
            Set<GatewayKey> known = new TreeSet<>();
            for (Gateway g : set.gateways()) {
                if (servedClass.test(g.gatewayClassName())) {
                    known.add(GatewayKey.of(g));
                }
            }
            for (InferencePool pool : set.inferencePools()) {
                Condition resolved = resolvedRefs(set, pool);
                List<GatewayKey> gateways = parents.getOrDefault(pool, List.of());
                c.add(update(
                        pool.apiVersion(),
                        pool.kind(),
                        pool.metadata().namespace(),
                        pool.metadata().name(),
                        live -> poolStatus(live, pool.isLegacy(), gateways, resolved, known)));
            }
            writeGatewaysAndRoutes(set, c);
        }
        Map<InferenceModel, Optional<InferenceModel>> claims = modelClaims(set);
        for (Map.Entry<InferenceModel, Optional<InferenceModel>> e : claims.entrySet()) {
            InferenceModel m = e.getKey();
            if (!models.test(m)) {
                continue;
            }
            Condition accepted = e.getValue()
                    .map(winner -> new Condition(
                            "Accepted",
                            "False",
                            "ModelNameInUse",
                            "modelName \"" + m.modelName() + "\" is already used by the older InferenceModel "
                                    + winner.metadata().namespace() + "/"
                                    + winner.metadata().name() + " in pool "
                                    + m.poolRef().name()))
                    .orElse(new Condition("Accepted", "True", "Accepted", "InferenceModel is accepted"));
            c.add(update(
                    m.apiVersion(),
                    m.kind(),
                    m.metadata().namespace(),
                    m.metadata().name(),
                    live -> modelStatus(live, accepted)));
        }
        return new Report(c.written, c.unchanged, c.failed);
    }

    /** As the Gateway controller of our classes: Gateways (conditions, listeners) and route parents. */
    private void writeGatewaysAndRoutes(ManifestSet set, Counter c) {
        for (Gateway g : set.gateways()) {
            if (!servedClass.test(g.gatewayClassName())) {
                continue;
            }
            List<GatewayStatus.ListenerStatus> listeners = GatewayStatus.listeners(set, g);
            c.add(update(
                    g.apiVersion(),
                    g.kind(),
                    g.metadata().namespace(),
                    g.metadata().name(),
                    live -> GatewayStatus.gatewayStatus(
                            live.getAdditionalProperties().get("status"),
                            generation(live),
                            listeners,
                            this::condition)));
        }
        for (Resource route : GatewayStatus.routes(set)) {
            List<GatewayStatus.RouteParent> parents = GatewayStatus.routeParents(set, route, servedClass);
            c.add(update(
                    route.apiVersion(),
                    route.kind(),
                    route.metadata().namespace(),
                    route.metadata().name(),
                    live -> GatewayStatus.routeStatus(
                            live.getAdditionalProperties().get("status"),
                            generation(live),
                            parents,
                            controllerName,
                            this::condition)));
        }
    }

    private static final class Counter {
        int written;
        int unchanged;
        int failed;

        void add(Outcome o) {
            switch (o) {
                case WRITTEN -> written++;
                case UNCHANGED -> unchanged++;
                case FAILED -> failed++;
            }
        }
    }

    private enum Outcome {
        WRITTEN,
        UNCHANGED,
        FAILED
    }

    /** A Gateway by namespace and name, ordered so that parent entries come out in a stable order. */
    record GatewayKey(String namespace, String name) implements Comparable<GatewayKey> {
        static GatewayKey of(Gateway g) {
            return new GatewayKey(g.metadata().namespace(), g.metadata().name());
        }

        @Override
        public int compareTo(GatewayKey o) {
            return Comparator.comparing(GatewayKey::namespace)
                    .thenComparing(GatewayKey::name)
                    .compare(this, o);
        }
    }

    /** One condition, before observedGeneration and lastTransitionTime are added. */
    record Condition(String type, String status, String reason, String message) {}

    /**
     * Per pool, the Gateways (of a served class, present in the set) that reach it through an HTTPRoute: route
     * parentRefs times route backendRefs of kind InferencePool. Pools no route reaches are absent.
     */
    static Map<InferencePool, List<GatewayKey>> poolParents(ManifestSet set, Predicate<String> servedClass) {
        Map<InferencePool, Set<GatewayKey>> out = new LinkedHashMap<>();
        for (HttpRoute route : set.httpRoutes()) {
            List<GatewayKey> gateways = new ArrayList<>();
            for (ParentRef p : route.parentRefs()) {
                if (p.isGateway()) {
                    set.gateway(p.namespace(), p.name())
                            .filter(g -> servedClass.test(g.gatewayClassName()))
                            .ifPresent(g -> gateways.add(GatewayKey.of(g)));
                }
            }
            if (gateways.isEmpty()) {
                continue;
            }
            for (HttpRoute.Rule rule : route.rules()) {
                for (HttpRoute.Backend b : rule.backendRefs()) {
                    BackendRef ref = b.ref();
                    if (ref.isInferencePool()) {
                        set.inferencePoolFor(ref.group(), ref.namespace(), ref.name())
                                .ifPresent(pool -> out.computeIfAbsent(pool, k -> new TreeSet<>())
                                        .addAll(gateways));
                    }
                }
            }
        }
        Map<InferencePool, List<GatewayKey>> sorted = new LinkedHashMap<>();
        out.forEach((pool, gws) -> sorted.put(pool, List.copyOf(gws)));
        return sorted;
    }

    /** ResolvedRefs of a pool: whether its endpoint picker reference points at something that exists. */
    static Condition resolvedRefs(ManifestSet set, InferencePool pool) {
        Optional<InferencePool.EndpointPickerRef> ref = pool.endpointPicker();
        if (ref.isEmpty()) {
            return new Condition(
                    "ResolvedRefs",
                    "True",
                    "ResolvedRefs",
                    "no endpoint picker reference: the" + " built-in picker serves the pool");
        }
        InferencePool.EndpointPickerRef r = ref.get();
        if (BUILT_IN_PICKER_GROUP.equals(r.group()) && BUILT_IN_PICKER_KIND.equals(r.kind())) {
            return new Condition("ResolvedRefs", "True", "ResolvedRefs", "the built-in endpoint picker");
        }
        if (r.isService()) {
            if (set.service(pool.metadata().namespace(), r.name()).isPresent()) {
                return new Condition(
                        "ResolvedRefs", "True", "ResolvedRefs", "endpoint picker Service " + r.name() + " found");
            }
            return new Condition(
                    "ResolvedRefs",
                    "False",
                    "InvalidExtensionRef",
                    "endpoint picker Service " + pool.metadata().namespace() + "/" + r.name() + " does not exist");
        }
        return new Condition(
                "ResolvedRefs",
                "False",
                "InvalidExtensionRef",
                "endpoint picker reference of group \""
                        + r.group() + "\" kind " + r.kind() + " is not supported (expected: a Service, or group "
                        + BUILT_IN_PICKER_GROUP + " kind " + BUILT_IN_PICKER_KIND + ")");
    }

    /** Every InferenceModel, in set order, with the older model that beats it to its modelName (empty: it wins). */
    static Map<InferenceModel, Optional<InferenceModel>> modelClaims(ManifestSet set) {
        List<InferenceModel> sorted = new ArrayList<>(set.inferenceModels());
        sorted.sort(Resource.OLDEST_FIRST);
        Map<String, InferenceModel> winners = new HashMap<>();
        for (InferenceModel m : sorted) {
            winners.putIfAbsent(ManifestSet.modelClaimKey(m), m);
        }
        Map<InferenceModel, Optional<InferenceModel>> out = new LinkedHashMap<>();
        for (InferenceModel m : set.inferenceModels()) {
            InferenceModel w = winners.get(ManifestSet.modelClaimKey(m));
            out.put(m, w == m ? Optional.empty() : Optional.of(w));
        }
        return out;
    }

    // ---- the new status of one live object; null when the object has no status to write

    private Map<String, Object> poolStatus(
            GenericKubernetesResource live,
            boolean legacy,
            List<GatewayKey> gateways,
            Condition resolved,
            Set<GatewayKey> known) {
        Map<String, Object> status = copyOf(live.getAdditionalProperties().get("status"));
        String key = legacy ? "parent" : "parents";
        List<Map<String, Object>> old = listOfMaps(status.get(key));
        Predicate<Map<String, Object>> ours =
                legacy ? e -> ownsLegacyEntry(e, known) : e -> controllerName.equals(e.get("controllerName"));
        List<Map<String, Object>> next = new ArrayList<>();
        for (Map<String, Object> e : old) {
            if (!ours.test(e)) {
                next.add(e);
            }
        }
        long generation = generation(live);
        for (GatewayKey g : gateways) {
            Map<String, Object> previous = old.stream()
                    .filter(ours)
                    .filter(e -> names(e, g))
                    .findFirst()
                    .orElse(Map.of());
            List<Map<String, Object>> previousConditions = listOfMaps(previous.get("conditions"));
            Map<String, Object> entry = new LinkedHashMap<>();
            Map<String, Object> parentRef = new LinkedHashMap<>();
            parentRef.put("group", ApiGroups.GATEWAY);
            parentRef.put("kind", Gateway.KIND);
            parentRef.put("namespace", g.namespace());
            parentRef.put("name", g.name());
            entry.put("parentRef", parentRef);
            if (!legacy) {
                entry.put("controllerName", controllerName);
            }
            entry.put(
                    "conditions",
                    List.of(
                            condition(
                                    new Condition(
                                            "Accepted",
                                            "True",
                                            "Accepted",
                                            "InferencePool is accepted by Gateway " + g.namespace() + "/" + g.name()),
                                    generation,
                                    previousConditions),
                            condition(resolved, generation, previousConditions)));
            next.add(entry);
        }
        status.put(key, next);
        return status;
    }

    private static boolean ownsLegacyEntry(Map<String, Object> e, Set<GatewayKey> known) {
        Map<String, Object> ref = copyOf(e.get("parentRef"));
        if ("Status".equals(ref.get("kind")) && "default".equals(ref.get("name"))) {
            return true; // the CRD's placeholder until a gateway writes
        }
        Object ns = ref.get("namespace");
        Object name = ref.get("name");
        return (ref.get("kind") == null || Gateway.KIND.equals(ref.get("kind")))
                && ns != null
                && name != null
                && known.contains(new GatewayKey(ns.toString(), name.toString()));
    }

    private static boolean names(Map<String, Object> entry, GatewayKey g) {
        Map<String, Object> ref = copyOf(entry.get("parentRef"));
        return g.namespace().equals(ref.get("namespace")) && g.name().equals(ref.get("name"));
    }

    private Map<String, Object> modelStatus(GenericKubernetesResource live, Condition accepted) {
        Map<String, Object> status = copyOf(live.getAdditionalProperties().get("status"));
        status.put(
                "conditions",
                mergeConditions(
                        listOfMaps(status.get("conditions")), List.of(accepted), generation(live), this::condition));
        return status;
    }

    /**
     * The conditions {@code old} with each of {@code ours} replacing the first of its type (or appended), in
     * place; duplicates of our types go, conditions of other types are kept.
     */
    static List<Map<String, Object>> mergeConditions(
            List<Map<String, Object>> old,
            List<Condition> ours,
            long generation,
            GatewayStatus.ConditionMaker conditions) {
        List<Map<String, Object>> next = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (Map<String, Object> c : old) {
            Optional<Condition> mine =
                    ours.stream().filter(o -> o.type().equals(c.get("type"))).findFirst();
            if (mine.isEmpty()) {
                next.add(c);
            } else if (placed.add(mine.get().type())) {
                next.add(conditions.make(mine.get(), generation, old));
            }
        }
        for (Condition o : ours) {
            if (placed.add(o.type())) {
                next.add(conditions.make(o, generation, old));
            }
        }
        return next;
    }

    /** The condition as the API writes it; lastTransitionTime kept from the old condition of that type and status. */
    Map<String, Object> condition(Condition c, long generation, List<Map<String, Object>> previous) {
        String time = null;
        for (Map<String, Object> p : previous) {
            if (c.type().equals(p.get("type"))
                    && c.status().equals(p.get("status"))
                    && p.get("lastTransitionTime") != null) {
                time = p.get("lastTransitionTime").toString();
            }
        }
        if (time == null) {
            time = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", c.type());
        out.put("status", c.status());
        out.put("reason", c.reason());
        out.put("message", c.message());
        out.put("observedGeneration", generation);
        out.put("lastTransitionTime", time);
        return out;
    }

    private static long generation(GenericKubernetesResource live) {
        Long g = live.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }

    // ---- reading, comparing and writing

    private Outcome update(
            String apiVersion,
            String kind,
            String namespace,
            String name,
            Function<GenericKubernetesResource, Map<String, Object>> compute) {
        var op = client.genericKubernetesResources(contextOf(apiVersion, kind)).inNamespace(namespace);
        for (int attempt = 1; ; attempt++) {
            try {
                GenericKubernetesResource live = op.withName(name).get();
                if (live == null) {
                    return Outcome.UNCHANGED; // deleted meanwhile; the next set will not have it
                }
                Map<String, Object> next = compute.apply(live);
                Object before = live.getAdditionalProperties().get("status");
                if (normalized(next).equals(normalized(before))) {
                    return Outcome.UNCHANGED;
                }
                live.setAdditionalProperty("status", next);
                op.resource(live).updateStatus();
                LOG.debug("wrote status of {} {}/{}", kind, namespace, name);
                return Outcome.WRITTEN;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < MAX_ATTEMPTS) {
                    continue; // someone else wrote first: read again and recompute
                }
                LOG.warn("writing the status of {} {}/{} failed: {}", kind, namespace, name, e.getMessage());
                return Outcome.FAILED;
            } catch (RuntimeException e) {
                LOG.warn("writing the status of {} {}/{} failed", kind, namespace, name, e);
                return Outcome.FAILED;
            }
        }
    }

    private static ResourceDefinitionContext contextOf(String apiVersion, String kind) {
        for (WatchedKind k : List.of(
                WatchScope.POOL_V1,
                WatchScope.POOL_V1ALPHA2,
                WatchScope.INFERENCE_MODEL,
                WatchScope.GATEWAY,
                WatchScope.HTTP_ROUTE)) {
            if (k.apiVersion().equals(apiVersion) && k.kind().equals(kind)) {
                return k.context();
            }
        }
        if (TcpRoute.KIND.equals(kind)) {
            return WatchScope.TCP_ROUTE.context(); // a v1 manifest is the same object: the watch reads v1alpha2
        }
        throw new IllegalArgumentException("no status is written for " + kind + " " + apiVersion);
    }

    /** Status values compared through JSON text, so that Integer 1 and Long 1 are the same. */
    private Object normalized(Object status) {
        var json = client.getKubernetesSerialization();
        return status == null ? Map.of() : json.unmarshal(json.asJson(status), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> copyOf(Object o) {
        return o instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> listOfMaps(Object o) {
        if (!(o instanceof List<?> l)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object e : l) {
            if (e instanceof Map<?, ?> m) {
                out.add((Map<String, Object>) m);
            }
        }
        return out;
    }
}
