package io.infergate.gateway.config;

import io.infergate.api.Problem;
import io.infergate.api.model.BackendRef;
import io.infergate.api.model.EndpointSlice;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ListenerLimits;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.Pod;
import io.infergate.api.model.PoolFaultLimits;
import io.infergate.api.model.Service;
import io.infergate.gateway.route.PoolBackend;
import io.infergate.gateway.route.RouteTable;
import io.infergate.gateway.route.ServiceBackend;
import io.infergate.gateway.route.TcpRouteTable;
import io.infergate.scheduler.model.PoolModels;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.scheduling.config.PoolSchedulingResolver;
import io.infergate.scheduler.scheduling.config.SchedulerSetupFactory;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the data plane needs, compiled once from a validated {@link ManifestSet}: one {@link ListenerConfig}
 * per listener of every Gateway (route tables, TLS context), one {@link PoolRuntime} per InferencePool (model
 * resolution and ready endpoints) and the endpoints of every Service port. Nothing is re-parsed per request.
 *
 * <p>Immutable (apart from the Service round-robin counters, which are atomics) and safe from any thread. The
 * server publishes a whole new instance on reload; a request reads one instance from start to end.
 */
public final class GatewayConfig {

    /**
     * How EndpointPickerConfigs are built for the gateway: with at least {@link BuiltInProfiles#FALLBACKS}
     * endpoints per pick, as the built-in profiles, since the gateway retries on the next one.
     */
    public static final SchedulerSetupFactory.Options SETUP_OPTIONS =
            SchedulerSetupFactory.Options.DEFAULT.withMinEndpoints(BuiltInProfiles.FALLBACKS);

    private final ManifestSet manifests;
    private final List<ListenerConfig> listeners;
    private final Map<String, ListenerConfig> listenersById;
    private final List<ListenerGroup> groups;
    private final Map<String, ListenerGroup> groupsByKey;
    private final List<PoolRuntime> pools;
    private final Map<PoolId, PoolRuntime> poolsById;
    private final Map<ServiceBackend, ServiceTarget> services;
    private final BaseModels baseModels;
    private final KnownModelNames knownModels;

    private GatewayConfig(
            ManifestSet manifests,
            List<ListenerConfig> listeners,
            List<PoolRuntime> pools,
            Map<ServiceBackend, ServiceTarget> services) {
        this.manifests = manifests;
        this.listeners = List.copyOf(listeners);
        Map<String, ListenerConfig> byId = new LinkedHashMap<>();
        listeners.forEach(l -> byId.put(l.id(), l));
        this.listenersById = Map.copyOf(byId);
        Map<String, List<ListenerConfig>> members = new LinkedHashMap<>();
        listeners.forEach(l -> members.computeIfAbsent(ListenerGroup.keyOf(l), k -> new ArrayList<>())
                .add(l));
        List<ListenerGroup> g = new ArrayList<>();
        members.forEach((key, ls) ->
                g.add(new ListenerGroup(key, ls.get(0).port(), ls.get(0).protocol(), ls)));
        this.groups = List.copyOf(g);
        Map<String, ListenerGroup> gByKey = new HashMap<>();
        g.forEach(x -> gByKey.put(x.key(), x));
        this.groupsByKey = Map.copyOf(gByKey);
        this.pools = List.copyOf(pools);
        Map<PoolId, PoolRuntime> pById = new HashMap<>();
        pools.forEach(p -> pById.put(p.id(), p));
        this.poolsById = Map.copyOf(pById);
        this.services = Map.copyOf(services);
        this.baseModels = BaseModels.compile(manifests);
        this.knownModels = KnownModelNames.compile(manifests);
    }

    /**
     * Compiles a set that passed validation. Runs on the control plane (reads certificate files).
     *
     * @throws IllegalArgumentException if the set cannot be served: listeners on one port that cannot share it
     *                                  (different protocols, TCP, the same hostname), an HTTPS listener without a
     *                                  usable certificate, a pool whose scheduling annotations or
     *                                  EndpointPickerConfig have errors ({@link PoolSchedulingResolver}; the
     *                                  message lists every such problem with file, line and field)
     */
    public static GatewayConfig compile(ManifestSet set) {
        return compile(set, Options.STANDALONE);
    }

    /**
     * How a set is compiled where standalone and cluster mode differ.
     *
     * @param missingPickerServiceIsBuiltIn whether an {@code endpointPickerRef} naming a Service that is not
     *                                      declared means the in-process picker (standalone files: the GIE
     *                                      quick-start manifests reference an EPP Service they do not declare) or
     *                                      an invalid reference (cluster mode: the Service really is missing)
     */
    public record Options(boolean missingPickerServiceIsBuiltIn) {
        /** Standalone files: {@code compile(set)}. */
        public static final Options STANDALONE = new Options(true);
        /** Cluster mode: references are taken literally. */
        public static final Options CLUSTER = new Options(false);
    }

    /** {@link #compile(ManifestSet)} with explicit {@link Options}. */
    public static GatewayConfig compile(ManifestSet set, Options options) {
        Objects.requireNonNull(set, "set");
        Objects.requireNonNull(options, "options");
        PoolSchedulingResolver.Resolution scheduling = PoolSchedulingResolver.resolve(set, SETUP_OPTIONS);
        if (scheduling.hasErrors()) {
            List<Problem> errors = scheduling.errors();
            throw new IllegalArgumentException(errors.size() + (errors.size() == 1 ? " error" : " errors")
                    + " in the scheduling configuration of the InferencePools: "
                    + errors.stream().map(Problem::format).collect(Collectors.joining("; ")));
        }
        List<PoolRuntime> pools = new ArrayList<>();
        for (InferencePool pool : set.inferencePools()) {
            pools.add(new PoolRuntime(
                    PoolId.of(pool),
                    PoolModels.compile(set, pool),
                    PoolSnapshot.of(set, pool),
                    scheduling.pool(pool),
                    PickerRef.resolve(set, pool, options.missingPickerServiceIsBuiltIn()),
                    poolFaults(pool)));
        }
        Map<ServiceBackend, ServiceTarget> services = new HashMap<>();
        for (Service svc : set.services()) {
            for (Service.Port port : svc.ports()) {
                ServiceBackend b = new ServiceBackend(
                        svc.metadata().namespace(), svc.metadata().name(), port.port());
                services.put(b, new ServiceTarget(b, serviceEndpoints(set, svc, port)));
            }
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        Map<String, String> sockets = new HashMap<>(); // port|hostname -> listener id
        Map<Integer, ListenerConfig> portOwners = new HashMap<>();
        for (Gateway gw : set.gateways()) {
            for (Gateway.Listener l : gw.listeners()) {
                String id = gw.metadata().namespace() + "/" + gw.metadata().name() + "/" + l.name();
                ListenerConfig compiled = listener(set, gw, l, id);
                if (l.port() != 0) {
                    checkSharing(
                            compiled,
                            portOwners.putIfAbsent(l.port(), compiled),
                            sockets.putIfAbsent(l.port() + "|" + l.hostname().orElse(""), id));
                }
                listeners.add(compiled);
            }
        }
        return new GatewayConfig(set, listeners, pools, services);
    }

    /** Listeners may share a port only as HTTP with HTTP or HTTPS with HTTPS, each with its own hostname. */
    private static void checkSharing(ListenerConfig l, ListenerConfig portOwner, String sameHostname) {
        if (portOwner == null) {
            return;
        }
        if (!portOwner.protocol().equals(l.protocol()) || l.isTcp()) {
            throw new IllegalArgumentException("listener " + l.id() + ": port " + l.port() + " is already used by "
                    + portOwner.id() + " (" + portOwner.protocol() + "); expected: one TCP listener per port, or"
                    + " HTTP/HTTPS listeners of one protocol sharing it by hostname");
        }
        if (sameHostname != null) {
            throw new IllegalArgumentException("listener " + l.id() + ": port " + l.port() + " and hostname "
                    + l.hostname().map(h -> "\"" + h + "\"").orElse("(any)") + " are already used by " + sameHostname
                    + " (expected: a distinct hostname per listener on a shared port)");
        }
    }

    private static ListenerConfig listener(ManifestSet set, Gateway gw, Gateway.Listener l, String id) {
        String protocol = l.protocol().name();
        if (l.protocol() == Gateway.Protocol.TCP) {
            return new ListenerConfig(
                    id,
                    protocol,
                    l.port(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(TcpRouteTable.compile(set, gw, l)),
                    Optional.empty(),
                    List.of(),
                    listenerLimits(gw, id));
        }
        RouteTable table = RouteTable.compile(set, gw, l);
        Optional<SslContext> ssl = l.protocol() == Gateway.Protocol.HTTPS
                ? Optional.of(TlsContexts.forListener(set, gw, l, id))
                : Optional.empty();
        Set<PoolId> reachable = new LinkedHashSet<>();
        for (HttpRoute route : table.routes()) {
            for (HttpRoute.Rule rule : route.rules()) {
                for (HttpRoute.Backend b : rule.backendRefs()) {
                    BackendRef ref = b.ref();
                    if (ref.isInferencePool() && ref.weight() > 0) {
                        set.inferencePoolFor(ref.group(), ref.namespace(), ref.name())
                                .ifPresent(p -> reachable.add(PoolId.of(p)));
                    }
                }
            }
        }
        return new ListenerConfig(
                id,
                protocol,
                l.port(),
                l.hostname().map(h -> h.toLowerCase(Locale.ROOT)),
                Optional.of(table),
                Optional.empty(),
                ssl,
                List.copyOf(reachable),
                listenerLimits(gw, id));
    }

    /**
     * The per-listener limits the Gateway's annotations set ({@link ListenerLimits}).
     *
     * @throws IllegalArgumentException naming the annotation and its value when one is not valid, so that a reload
     *                                  with it keeps the last good configuration
     */
    static ListenerLimits listenerLimits(Gateway gw, String listenerId) {
        List<String> problems = new ArrayList<>();
        ListenerLimits limits = ListenerLimits.of(
                gw.metadata().annotations(), (name, problem) -> problems.add("annotation " + name + ": " + problem));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("listener " + listenerId + ": " + String.join("; ", problems));
        }
        return limits;
    }

    /**
     * The outlier-ejection and retry-budget limits the pool's annotations set ({@link PoolFaultLimits}).
     *
     * @throws IllegalArgumentException naming the pool, the annotation and its value when one is not valid, so that
     *                                  a reload with it keeps the last good configuration
     */
    static PoolFaultLimits poolFaults(InferencePool pool) {
        List<String> problems = new ArrayList<>();
        PoolFaultLimits faults = PoolFaultLimits.of(
                pool.metadata().annotations(), (name, problem) -> problems.add("annotation " + name + ": " + problem));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("InferencePool " + PoolId.of(pool) + ": " + String.join("; ", problems));
        }
        return faults;
    }

    /**
     * A Service port's endpoints: each ready Pod its selector matches (same namespace) at the numeric target
     * port, then each ready address of the EndpointSlices labelled with the Service's name, at the slice port
     * of the same name (or the only slice port, or the target port). A named target port cannot be resolved
     * against Pods (their container ports are not modelled), so such a port has only EndpointSlice endpoints.
     */
    static List<InetSocketAddress> serviceEndpoints(ManifestSet set, Service svc, Service.Port port) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        int target = port.targetPortNumber().orElse(port.targetPortName().isPresent() ? -1 : port.port());
        String ns = svc.metadata().namespace();
        if (!svc.selector().isEmpty() && target > 0) {
            for (Pod pod : set.pods()) {
                if (pod.metadata().namespace().equals(ns)
                        && pod.isReady()
                        && selects(svc.selector(), pod.metadata().labels())) {
                    out.add(InetSocketAddress.createUnresolved(pod.podIp().orElseThrow(), target));
                }
            }
        }
        for (EndpointSlice slice : set.endpointSlices()) {
            if (!slice.metadata().namespace().equals(ns)
                    || !svc.metadata().name().equals(slice.metadata().labels().get(EndpointSlice.SERVICE_NAME_LABEL))) {
                continue;
            }
            int slicePort = slicePort(slice, port, target);
            if (slicePort <= 0) {
                continue;
            }
            for (EndpointSlice.Endpoint e : slice.endpoints()) {
                if (e.isReady()) {
                    for (String address : e.addresses()) {
                        out.add(InetSocketAddress.createUnresolved(address, slicePort));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static int slicePort(EndpointSlice slice, Service.Port port, int target) {
        for (EndpointSlice.Port p : slice.ports()) {
            if (p.name().isPresent() && p.name().equals(port.name())) {
                return p.port();
            }
        }
        return slice.ports().size() == 1 ? slice.ports().get(0).port() : target;
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public ManifestSet manifests() {
        return manifests;
    }

    /** Every listener of every Gateway, in document order. */
    public List<ListenerConfig> listeners() {
        return listeners;
    }

    /** The listener with this id, or null. */
    public ListenerConfig listener(String id) {
        return listenersById.get(id);
    }

    /** One entry per socket to bind, in document order of each group's first listener. */
    public List<ListenerGroup> groups() {
        return groups;
    }

    /** The group with this {@link ListenerGroup#key() key}, or null. */
    public ListenerGroup group(String key) {
        return groupsByKey.get(key);
    }

    public List<PoolRuntime> pools() {
        return pools;
    }

    /** The pool a route backend names, or null when it is not declared. */
    public PoolRuntime pool(PoolBackend backend) {
        return poolsById.get(new PoolId(backend.group(), backend.namespace(), backend.name()));
    }

    /** The pool with this id, or null. */
    public PoolRuntime pool(PoolId id) {
        return poolsById.get(id);
    }

    /** The endpoints of a Service port, or null when the Service or the port is not declared. */
    public ServiceTarget service(ServiceBackend backend) {
        return services.get(backend);
    }

    /** The {@code X-Gateway-Base-Model-Name} mapping of the bbr-managed ConfigMaps. */
    public BaseModels baseModels() {
        return baseModels;
    }

    /** The model names metrics may use as label values; every other name is {@link KnownModelNames#OTHER}. */
    public KnownModelNames knownModels() {
        return knownModels;
    }
}
