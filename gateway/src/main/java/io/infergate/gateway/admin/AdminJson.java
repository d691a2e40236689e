package io.infergate.gateway.admin;

import io.infergate.api.model.BackendRef;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.ParentRef;
import io.infergate.api.model.TcpRoute;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.PickerRef;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.metrics.EndpointFreshness;
import io.infergate.gateway.metrics.ReadyEndpoints;
import io.infergate.gateway.picker.PoolPickers;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.MetricsProblem;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Scheduler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON documents of the admin API, built from one read of the source (one configuration snapshot).
 * Stateless and thread-safe; never blocks.
 */
final class AdminJson {

    private static final JsonMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private AdminJson() {}

    /**
     * {@code GET /api/pools}: every pool, its models, its scheduling profile and prefix index size, and its endpoints
     * with our in-flight load and their scraped model-server metrics (values, age, fresh or stale and why).
     */
    static String pools(AdminSource source) {
        GatewayConfig config = source.config();
        InFlightTracker inFlight = source.inFlight();
        Datastore datastore = source.datastore();
        PoolPickers pickers = source.pickers();
        long now = source.nanoTime();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("metricsStalenessThresholdMs", EndpointFreshness.STALENESS_THRESHOLD.toMillis());
        ArrayNode pools = root.putArray("pools");
        for (PoolRuntime p : config.pools()) {
            if (!source.shows(p.id())) {
                continue;
            }
            ObjectNode pool = pools.addObject();
            putId(pool, p.id());
            pool.put("strictModels", p.models().isStrict());
            ArrayNode names = pool.putArray("modelNames");
            p.models().incomingModelNames().forEach(names::add);
            ArrayNode models = pool.putArray("inferenceModels");
            for (InferenceModel m : config.manifests().effectiveInferenceModels()) {
                if (references(m, p.id())) {
                    models.add(model(m));
                }
            }
            Scheduler scheduler = pickers == null ? null : pickers.scheduler(p.id());
            putOrNull(
                    pool,
                    "schedulingProfile",
                    scheduler == null ? null : scheduler.profile().name());
            putOrNull(
                    pool,
                    "schedulingConfig",
                    p.pickerConfig().map(c -> c.source()).orElse(null));
            pool.put("flowControl", p.flowControl());
            pool.put(
                    "endpointPicker",
                    switch (p.picker()) {
                        case PickerRef.BuiltIn b -> "in-process";
                        case PickerRef.External e ->
                            "external " + e.name() + " (" + (e.tls() ? "TLS" : "h2c") + ", "
                                    + e.failureMode().yaml() + ")";
                        case PickerRef.Invalid i ->
                            "invalid (" + i.failureMode().yaml() + "): " + i.reason();
                    });
            PrefixIndex index = pickers == null ? null : pickers.prefixIndex(p.id());
            if (index == null) {
                pool.putNull("prefixIndexSize");
            } else {
                pool.put("prefixIndexSize", index.size());
            }
            pool.put("readyEndpoints", ReadyEndpoints.count(p, source.readyNeedsMetrics() ? datastore : null, now));
            Map<String, EndpointSlot> slots = slotsOf(datastore, p);
            ArrayNode endpoints = pool.putArray("endpoints");
            long total = 0;
            long totalTokens = 0;
            int fresh = 0;
            for (Endpoint e : p.snapshot().endpoints()) {
                int n = inFlight.inFlight(e);
                long tokens = inFlight.inFlightTokens(e);
                total += n;
                totalTokens += tokens;
                ObjectNode ep = endpoints.addObject();
                ep.put("name", e.name());
                ep.put("address", e.hostPort());
                ep.put("source", e.source().source());
                ep.put("rank", e.source().rank());
                ep.put("inFlight", n);
                ep.put("inFlightTokens", tokens);
                ObjectNode labels = ep.putObject("labels");
                e.labels().forEach(labels::put);
                EndpointSlot slot = slots.get(e.hostPort());
                if (slot == null) {
                    ep.putNull("metrics"); // no datastore, or the pool is not published to it yet
                } else if (scraped(ep.putObject("metrics"), slot.metrics(), now)) {
                    fresh++;
                }
            }
            pool.put("inFlight", total);
            pool.put("inFlightTokens", totalTokens);
            if (datastore == null) {
                pool.putNull("freshEndpoints");
            } else {
                pool.put("freshEndpoints", fresh);
            }
        }
        return write(root);
    }

    /** The pool's slots by address, empty without a datastore or before the pool was published to it. */
    private static Map<String, EndpointSlot> slotsOf(Datastore datastore, PoolRuntime pool) {
        PoolState state = datastore == null ? null : datastore.state(pool.id());
        if (state == null) {
            return Map.of();
        }
        Map<String, EndpointSlot> out = new HashMap<>();
        state.slots().forEach(s -> out.put(s.hostPort(), s));
        return out;
    }

    /** Writes one endpoint's scraped metrics into {@code n}; unknown values are null. Returns whether fresh. */
    private static boolean scraped(ObjectNode n, ScrapedMetrics scraped, long now) {
        ModelServerMetrics m = scraped.metrics();
        EndpointFreshness f = EndpointFreshness.of(scraped, now);
        n.put("engine", m.engine());
        putCount(n, "waitingQueue", m.waitingQueue());
        putCount(n, "runningRequests", m.runningRequests());
        if (m.hasKvUsage()) {
            n.put("kvUsage", m.kvUsage());
        } else {
            n.putNull("kvUsage");
        }
        putSet(n, "activeAdapters", m.activeAdapters());
        putSet(n, "waitingAdapters", m.waitingAdapters());
        putCount(n, "maxLoras", m.maxLoras());
        putCount(n, "blockSize", m.blockSize());
        putCount(n, "numGpuBlocks", m.numGpuBlocks());
        if (f.everRead()) {
            n.put("ageMs", TimeUnit.NANOSECONDS.toMillis(f.ageNanos()));
        } else {
            n.putNull("ageMs");
        }
        n.put("fresh", f.fresh());
        putOrNull(n, "staleReason", f.staleReason());
        ArrayNode problems = n.putArray("problems");
        for (MetricsProblem problem : m.problems()) {
            problems.add(problem.toString());
        }
        return f.fresh();
    }

    private static void putCount(ObjectNode n, String key, int value) {
        if (value == ModelServerMetrics.UNKNOWN) {
            n.putNull(key);
        } else {
            n.put(key, value);
        }
    }

    private static void putSet(ObjectNode n, String key, Set<String> values) {
        if (values == null) {
            n.putNull(key); // no LoRA info in the scrape
        } else {
            ArrayNode a = n.putArray(key);
            values.forEach(a::add);
        }
    }

    private static void putOrNull(ObjectNode n, String key, String value) {
        if (value == null) {
            n.putNull(key);
        } else {
            n.put(key, value);
        }
    }

    /** {@code GET /api/config}: sources and last reload, listeners, routes, pools, the base-model map. */
    static String config(AdminSource source) {
        GatewayConfig config = source.config();
        ConfigStatus status = source.configStatus();
        Map<String, Integer> bound = source.boundPorts();
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode sources = root.putArray("sources");
        status.sources().forEach(sources::add);
        status.lastReload()
                .ifPresentOrElse(
                        r -> {
                            ObjectNode reload = root.putObject("lastReload");
                            reload.put("at", r.at().toString());
                            reload.put("applied", r.applied());
                            reload.put("message", r.message());
                            ArrayNode problems = reload.putArray("problems");
                            r.problems().forEach(problems::add);
                        },
                        () -> root.putNull("lastReload"));
        ArrayNode listeners = root.putArray("listeners");
        for (ListenerConfig l : config.listeners()) {
            ObjectNode n = listeners.addObject();
            n.put("id", l.id());
            n.put("protocol", l.protocol());
            n.put("port", l.port());
            l.hostname().ifPresentOrElse(h -> n.put("hostname", h), () -> n.putNull("hostname"));
            Integer b = bound.get(l.id());
            if (b == null) {
                n.putNull("boundPort");
            } else {
                n.put("boundPort", b);
            }
            ArrayNode pools = n.putArray("pools");
            l.pools().forEach(id -> pools.add(id.toString()));
        }
        ManifestSet set = config.manifests();
        ArrayNode routes = root.putArray("routes");
        for (HttpRoute r : set.httpRoutes()) {
            ObjectNode n = route(
                    routes, "HTTPRoute", r.metadata().namespace(), r.metadata().name(), r.parentRefs());
            ArrayNode hostnames = n.putArray("hostnames");
            r.hostnames().forEach(hostnames::add);
            ArrayNode rules = n.putArray("rules");
            for (HttpRoute.Rule rule : r.rules()) {
                ObjectNode rn = rules.addObject();
                rn.put("matches", rule.matches().size());
                ArrayNode backends = rn.putArray("backends");
                rule.backendRefs().forEach(b -> backends.add(backend(b.ref())));
            }
        }
        for (TcpRoute r : set.tcpRoutes()) {
            ObjectNode n = route(
                    routes, "TCPRoute", r.metadata().namespace(), r.metadata().name(), r.parentRefs());
            ArrayNode rules = n.putArray("rules");
            for (TcpRoute.Rule rule : r.rules()) {
                ArrayNode backends = rules.addObject().putArray("backends");
                rule.backendRefs().forEach(b -> backends.add(backend(b)));
            }
        }
        ArrayNode pools = root.putArray("pools");
        config.pools().forEach(p -> pools.add(p.id().toString()));
        // what X-Gateway-Base-Model-Name is set to; null = no bbr-managed ConfigMap, the header is the model itself
        if (config.baseModels().declared()) {
            ObjectNode base = root.putObject("baseModels");
            new TreeMap<>(config.baseModels().mappings()).forEach(base::put);
        } else {
            root.putNull("baseModels");
        }
        return write(root);
    }

    /** A small JSON object with one string field, for errors. */
    static String message(String key, String value) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put(key, value);
        return write(root);
    }

    private static ObjectNode route(
            ArrayNode routes, String kind, String namespace, String name, List<ParentRef> parents) {
        ObjectNode n = routes.addObject();
        n.put("kind", kind);
        n.put("namespace", namespace);
        n.put("name", name);
        ArrayNode refs = n.putArray("parentRefs");
        for (ParentRef p : parents) {
            refs.add(p.namespace() + "/" + p.name()
                    + p.sectionName().map(s -> "/" + s).orElse(""));
        }
        return n;
    }

    private static String backend(BackendRef b) {
        return b.kind() + " " + b.namespace() + "/" + b.name()
                + (b.port().isPresent() && !b.isInferencePool() ? ":" + b.port().getAsInt() : "")
                + " weight " + b.weight();
    }

    private static ObjectNode model(InferenceModel m) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", m.metadata().name());
        n.put("modelName", m.modelName());
        n.put("criticality", m.effectiveCriticality().yaml());
        ArrayNode targets = n.putArray("targetModels");
        for (InferenceModel.TargetModel t : m.targetModels()) {
            ObjectNode tn = targets.addObject();
            tn.put("name", t.name());
            if (t.weight().isPresent()) {
                tn.put("weight", t.weight().getAsInt());
            }
        }
        return n;
    }

    private static boolean references(InferenceModel m, PoolId pool) {
        return m.metadata().namespace().equals(pool.namespace())
                && m.poolRef().name().equals(pool.name())
                && m.poolRef().group().equals(pool.group());
    }

    private static void putId(ObjectNode n, PoolId id) {
        n.put("namespace", id.namespace());
        n.put("name", id.name());
        n.put("group", id.group());
    }

    private static String write(ObjectNode root) {
        return MAPPER.writeValueAsString(root) + "\n"; // a tree of strings and numbers always serializes
    }
}
