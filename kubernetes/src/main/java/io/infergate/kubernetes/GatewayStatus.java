package io.infergate.kubernetes;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.BackendRef;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.ParentRef;
import io.infergate.api.model.Resource;
import io.infergate.api.model.TcpRoute;
import io.infergate.kubernetes.StatusWriter.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the Gateway API asks a Gateway controller to report, computed from a manifest set without touching the
 * cluster: per Gateway, its listeners with the kinds they take and how many routes attach; per route, one parent
 * entry for each parentRef that names a Gateway we serve, with {@code Accepted} and {@code ResolvedRefs}.
 * {@link #gatewayStatus} and {@link #routeStatus} turn them into status objects, which {@link StatusWriter} writes.
 * Stateless; every method may be called from any thread.
 *
 * <p>A route attaches to a listener when a parentRef names the listener's Gateway, its sectionName (if given) is
 * the listener's name, its port (if given) the listener's port, the listener's protocol takes the route's kind
 * (HTTP/HTTPS: HTTPRoute, TCP: TCPRoute), its {@code allowedRoutes} admit the route's kind and namespace, and, for
 * an HTTPRoute, the hostnames of route and listener intersect. This is the rule the gateway's route tables apply.
 */
final class GatewayStatus {

    private GatewayStatus() {}

    /** One listener's status: the kinds it takes (empty: none it can serve) and the routes attached. */
    record ListenerStatus(String name, List<String> supportedKinds, int attachedRoutes, Condition resolvedRefs) {}

    /** A route's parent entry: the parentRef with defaults filled, and the two conditions. */
    record RouteParent(ParentRef ref, Condition accepted, Condition resolvedRefs) {}

    /** The route kinds a listener supports: its protocol's, if its allowedRoutes.kinds (when given) list it. */
    static List<String> supportedKinds(Gateway.Listener l) {
        String kind = l.protocol().routeKind();
        List<Gateway.RouteGroupKind> allowed = l.allowedRoutes().kinds();
        if (allowed.isEmpty()
                || allowed.stream().anyMatch(k -> ApiGroups.GATEWAY.equals(k.group()) && kind.equals(k.kind()))) {
            return List.of(kind);
        }
        return List.of();
    }

    static List<ListenerStatus> listeners(ManifestSet set, Gateway g) {
        List<ListenerStatus> out = new ArrayList<>();
        for (Gateway.Listener l : g.listeners()) {
            int attached = 0;
            for (Resource route : routes(set)) {
                if (parentRefs(route).stream().anyMatch(p -> namesListener(p, g, l) && allows(g, l, route))) {
                    attached++;
                }
            }
            List<String> kinds = supportedKinds(l);
            Condition resolved = kinds.isEmpty()
                    ? new Condition(
                            "ResolvedRefs",
                            "False",
                            "InvalidRouteKinds",
                            "allowedRoutes.kinds has no kind"
                                    + " that protocol " + l.protocol() + " supports (expected: "
                                    + l.protocol().routeKind()
                                    + ")")
                    : new Condition("ResolvedRefs", "True", "ResolvedRefs", "all references are resolved");
            out.add(new ListenerStatus(l.name(), kinds, attached, resolved));
        }
        return out;
    }

    /**
     * The parent entries of a route: one per distinct parentRef that names a Gateway in the set of a served class,
     * in parentRef order.
     */
    static List<RouteParent> routeParents(ManifestSet set, Resource route, Predicate<String> servedClass) {
        Condition resolved = resolvedRefs(set, backendRefs(route));
        List<RouteParent> out = new ArrayList<>();
        for (ParentRef p : new LinkedHashSet<>(parentRefs(route))) {
            if (!p.isGateway()) {
                continue;
            }
            Optional<Gateway> gateway =
                    set.gateway(p.namespace(), p.name()).filter(g -> servedClass.test(g.gatewayClassName()));
            if (gateway.isEmpty()) {
                continue;
            }
            out.add(new RouteParent(p, accepted(gateway.get(), p, route), resolved));
        }
        return out;
    }

    private static Condition accepted(Gateway g, ParentRef p, Resource route) {
        List<Gateway.Listener> named =
                g.listeners().stream().filter(l -> namesListener(p, g, l)).toList();
        if (named.isEmpty()) {
            return new Condition(
                    "Accepted",
                    "False",
                    "NoMatchingParent",
                    "Gateway " + g.metadata().namespace() + "/"
                            + g.metadata().name() + " has no listener"
                            + p.sectionName().map(s -> " named " + s).orElse("")
                            + (p.port().isPresent() ? " on port " + p.port().getAsInt() : ""));
        }
        List<Gateway.Listener> allowing =
                named.stream().filter(l -> admits(g, l, route)).toList();
        if (allowing.isEmpty()) {
            return new Condition(
                    "Accepted",
                    "False",
                    "NotAllowedByListeners",
                    "no listener of Gateway "
                            + g.metadata().namespace() + "/" + g.metadata().name() + " allows a " + route.kind()
                            + " from namespace " + route.metadata().namespace());
        }
        if (allowing.stream().noneMatch(l -> hostnamesIntersect(l, route))) {
            return new Condition(
                    "Accepted",
                    "False",
                    "NoMatchingListenerHostname",
                    "no listener hostname of"
                            + " Gateway " + g.metadata().namespace() + "/"
                            + g.metadata().name()
                            + " intersects the route's hostnames");
        }
        return new Condition("Accepted", "True", "Accepted", "route is accepted");
    }

    /** ResolvedRefs of a route: every backendRef names an InferencePool or a Service that the set holds. */
    static Condition resolvedRefs(ManifestSet set, List<BackendRef> refs) {
        for (BackendRef b : refs) {
            if (b.isInferencePool()) {
                if (set.inferencePoolFor(b.group(), b.namespace(), b.name()).isEmpty()) {
                    return new Condition(
                            "ResolvedRefs",
                            "False",
                            "BackendNotFound",
                            "InferencePool " + b.namespace() + "/" + b.name() + " does not exist");
                }
            } else if (b.isService()) {
                if (set.service(b.namespace(), b.name()).isEmpty()) {
                    return new Condition(
                            "ResolvedRefs",
                            "False",
                            "BackendNotFound",
                            "Service " + b.namespace() + "/" + b.name() + " does not exist");
                }
            } else {
                return new Condition(
                        "ResolvedRefs",
                        "False",
                        "InvalidKind",
                        "backendRef of group \"" + b.group() + "\" kind " + b.kind()
                                + " is not supported (expected: a Service or an InferencePool)");
            }
        }
        return new Condition("ResolvedRefs", "True", "ResolvedRefs", "all references are resolved");
    }

    // ---- status objects

    /** Builds one condition as the API writes it, keeping the old lastTransitionTime when the status stayed. */
    @FunctionalInterface
    interface ConditionMaker {
        Map<String, Object> make(Condition c, long generation, List<Map<String, Object>> previous);
    }

    /**
     * A Gateway's new status: {@code Accepted} and {@code Programmed} among its conditions (other types kept), and
     * the listeners replaced by ours. Other fields ({@code addresses}) are kept as they are.
     */
    static Map<String, Object> gatewayStatus(
            Object oldStatus, long generation, List<ListenerStatus> listeners, ConditionMaker conditions) {
        Map<String, Object> status = StatusWriter.copyOf(oldStatus);
        status.put(
                "conditions",
                StatusWriter.mergeConditions(
                        StatusWriter.listOfMaps(status.get("conditions")),
                        List.of(
                                new Condition("Accepted", "True", "Accepted", "Gateway is accepted"),
                                new Condition("Programmed", "True", "Programmed", "Gateway is programmed")),
                        generation,
                        conditions));
        List<Map<String, Object>> old = StatusWriter.listOfMaps(status.get("listeners"));
        List<Map<String, Object>> next = new ArrayList<>();
        for (ListenerStatus l : listeners) {
            List<Map<String, Object>> previous = old.stream()
                    .filter(e -> l.name().equals(e.get("name")))
                    .findFirst()
                    .map(e -> StatusWriter.listOfMaps(e.get("conditions")))
                    .orElse(List.of());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", l.name());
            entry.put(
                    "supportedKinds",
                    l.supportedKinds().stream()
                            .map(k -> Map.of("group", ApiGroups.GATEWAY, "kind", k))
                            .toList());
            entry.put("attachedRoutes", l.attachedRoutes());
            entry.put(
                    "conditions",
                    List.of(
                            conditions.make(
                                    new Condition("Accepted", "True", "Accepted", "listener is accepted"),
                                    generation,
                                    previous),
                            conditions.make(
                                    new Condition("Programmed", "True", "Programmed", "listener is programmed"),
                                    generation,
                                    previous),
                            conditions.make(l.resolvedRefs(), generation, previous)));
            next.add(entry);
        }
        status.put("listeners", next);
        return status;
    }

    /**
     * A route's new status: {@code parents} with the entries of other controllers kept and ours replaced by
     * {@code parents} (so ours for a Gateway the route no longer names go).
     */
    static Map<String, Object> routeStatus(
            Object oldStatus,
            long generation,
            List<RouteParent> parents,
            String controllerName,
            ConditionMaker conditions) {
        Map<String, Object> status = StatusWriter.copyOf(oldStatus);
        List<Map<String, Object>> old = StatusWriter.listOfMaps(status.get("parents"));
        List<Map<String, Object>> next = new ArrayList<>();
        List<Map<String, Object>> ours = new ArrayList<>();
        for (Map<String, Object> e : old) {
            (controllerName.equals(e.get("controllerName")) ? ours : next).add(e);
        }
        if (parents.isEmpty() && ours.isEmpty()) {
            return status; // not a route of ours: no empty list where there was none
        }
        for (RouteParent p : parents) {
            Map<String, Object> ref = parentRef(p.ref());
            List<Map<String, Object>> previous = ours.stream()
                    .filter(e -> sameRef(ref, StatusWriter.copyOf(e.get("parentRef"))))
                    .findFirst()
                    .map(e -> StatusWriter.listOfMaps(e.get("conditions")))
                    .orElse(List.of());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("parentRef", ref);
            entry.put("controllerName", controllerName);
            entry.put(
                    "conditions",
                    List.of(
                            conditions.make(p.accepted(), generation, previous),
                            conditions.make(p.resolvedRefs(), generation, previous)));
            next.add(entry);
        }
        status.put("parents", next);
        return status;
    }

    /** The parentRef as the API shows it, defaults filled: group, kind, namespace, name, sectionName, port. */
    static Map<String, Object> parentRef(ParentRef p) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("group", p.group());
        ref.put("kind", p.kind());
        ref.put("namespace", p.namespace());
        ref.put("name", p.name());
        p.sectionName().ifPresent(s -> ref.put("sectionName", s));
        if (p.port().isPresent()) {
            ref.put("port", p.port().getAsInt());
        }
        return ref;
    }

    /** Compared through text: a port read back from the server is a Long or an Integer. */
    private static boolean sameRef(Map<String, Object> a, Map<String, Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : a.entrySet()) {
            if (!String.valueOf(e.getValue()).equals(String.valueOf(b.get(e.getKey())))) {
                return false;
            }
        }
        return true;
    }

    // ---- attachment

    static List<Resource> routes(ManifestSet set) {
        List<Resource> out = new ArrayList<>(set.httpRoutes());
        out.addAll(set.tcpRoutes());
        return out;
    }

    static List<ParentRef> parentRefs(Resource route) {
        return switch (route) {
            case HttpRoute h -> h.parentRefs();
            case TcpRoute t -> t.parentRefs();
            default -> List.of();
        };
    }

    static List<BackendRef> backendRefs(Resource route) {
        List<BackendRef> out = new ArrayList<>();
        if (route instanceof HttpRoute h) {
            h.rules().forEach(r -> r.backendRefs().forEach(b -> out.add(b.ref())));
        } else if (route instanceof TcpRoute t) {
            t.rules().forEach(r -> out.addAll(r.backendRefs()));
        }
        return out;
    }

    /** The parentRef names this listener of this Gateway (name, then sectionName and port when given). */
    private static boolean namesListener(ParentRef p, Gateway g, Gateway.Listener l) {
        return p.isGateway()
                && p.namespace().equals(g.metadata().namespace())
                && p.name().equals(g.metadata().name())
                && p.sectionName().map(l.name()::equals).orElse(true)
                && (p.port().isEmpty() || p.port().getAsInt() == l.port());
    }

    private static boolean allows(Gateway g, Gateway.Listener l, Resource route) {
        return admits(g, l, route) && hostnamesIntersect(l, route);
    }

    /** Kind and namespace: whether the listener's protocol and allowedRoutes take the route. */
    private static boolean admits(Gateway g, Gateway.Listener l, Resource route) {
        if (!supportedKinds(l).contains(route.kind())) {
            return false;
        }
        Gateway.AllowedRoutes allowed = l.allowedRoutes();
        return switch (allowed.from()) {
            case SAME -> g.metadata().namespace().equals(route.metadata().namespace());
            case ALL -> true;
            // the set carries no namespace labels: only an empty selector matches, as the gateway decides
            case SELECTOR -> allowed.selectorLabels().isEmpty();
        };
    }

    private static boolean hostnamesIntersect(Gateway.Listener l, Resource route) {
        if (!(route instanceof HttpRoute h)
                || h.hostnames().isEmpty()
                || l.hostname().isEmpty()) {
            return true;
        }
        String listener = l.hostname().get().toLowerCase(Locale.ROOT);
        return h.hostnames().stream().anyMatch(r -> intersect(listener, r.toLowerCase(Locale.ROOT)));
    }

    /** Two hostnames, each exact or {@code *.}-prefixed, match some host in common. */
    static boolean intersect(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        boolean wildA = a.startsWith("*.");
        boolean wildB = b.startsWith("*.");
        if (wildA && wildB) {
            return a.endsWith(b.substring(1)) || b.endsWith(a.substring(1));
        }
        if (wildA) {
            return b.endsWith(a.substring(1));
        }
        return wildB && a.endsWith(b.substring(1));
    }
}
