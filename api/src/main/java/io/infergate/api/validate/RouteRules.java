package io.infergate.api.validate;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.BackendRef;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.ParentRef;
import io.infergate.api.model.Resource;
import io.infergate.api.model.Service;
import io.infergate.api.model.TcpRoute;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** HTTPRoute and TCPRoute: the Gateway API v1 limits and CEL rules, parent attachment and backend references. */
final class RouteRules {

    private static final List<String> PATH_FORBIDDEN = List.of("//", "/./", "/../", "%2f", "%2F", "#");

    private RouteRules() {}

    static void check(Reporter r) {
        for (HttpRoute route : r.set().httpRoutes()) {
            http(r, route);
        }
        for (TcpRoute route : r.set().tcpRoutes()) {
            tcp(r, route);
        }
    }

    private static void http(Reporter r, HttpRoute route) {
        parents(r, route, route.parentRefs(), Gateway.Protocol.HTTP, route.hostnames());
        r.maxItems(route, "spec.hostnames", route.hostnames().size(), 16);
        for (int i = 0; i < route.hostnames().size(); i++) {
            String bad = Formats.hostname(route.hostnames().get(i));
            if (bad != null) {
                r.error(route, "spec.hostnames[" + i + "]", bad);
            }
        }
        List<HttpRoute.Rule> rules = route.rules();
        r.maxItems(route, "spec.rules", rules.size(), 16);
        int totalMatches = 0;
        Set<String> ruleNames = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            HttpRoute.Rule rule = rules.get(i);
            String path = "spec.rules[" + i + "]";
            rule.name().ifPresent(n -> {
                if (!ruleNames.add(n)) {
                    r.error(
                            route,
                            path + ".name",
                            "Rule name must be unique within the route (\"" + n + "\" appears more than once)");
                }
            });
            r.maxItems(route, path + ".matches", rule.matches().size(), 64);
            totalMatches += rule.matches().size();
            for (int j = 0; j < rule.matches().size(); j++) {
                match(r, route, rule.matches().get(j), path + ".matches[" + j + "]");
            }
            r.maxItems(route, path + ".filters", rule.filters().size(), 16);
            filters(r, route, rule.filters(), path + ".filters");
            r.maxItems(route, path + ".backendRefs", rule.backendRefs().size(), 16);
            for (int j = 0; j < rule.backendRefs().size(); j++) {
                HttpRoute.Backend b = rule.backendRefs().get(j);
                backend(r, route, b.ref(), path + ".backendRefs[" + j + "]", true);
                filters(r, route, b.filters(), path + ".backendRefs[" + j + "].filters");
            }
        }
        if (totalMatches > 128) {
            r.error(
                    route,
                    "spec.rules",
                    "While 16 rules and 64 matches per rule are allowed, the total number of"
                            + " matches across all rules in a route must be less than 128 (found " + totalMatches
                            + ")");
        }
    }

    private static void match(Reporter r, HttpRoute route, HttpRoute.Match m, String path) {
        HttpRoute.PathMatch p = m.path();
        String pp = path + ".path.value";
        if (p.value().length() > 1024) {
            r.error(route, pp, "is " + p.value().length() + " characters long (expected: at most 1024)");
        }
        if (p.type() == HttpRoute.PathType.REGULAR_EXPRESSION) {
            String bad = Formats.regex(p.value());
            if (bad != null) {
                r.error(route, pp, bad);
            }
        } else {
            String types = "when type one of ['Exact', 'PathPrefix']";
            if (!p.value().startsWith("/")) {
                r.error(
                        route,
                        pp,
                        "value must be an absolute path and start with '/' " + types + " (found \"" + p.value()
                                + "\")");
            }
            for (String bad : PATH_FORBIDDEN) {
                if (p.value().contains(bad)) {
                    r.error(route, pp, "must not contain '" + bad + "' " + types + " (found \"" + p.value() + "\")");
                }
            }
            if (p.value().endsWith("/..") || p.value().endsWith("/.")) {
                r.error(route, pp, "must not end with '/..' or '/.' " + types + " (found \"" + p.value() + "\")");
            }
            if (!p.value().isEmpty() && !Formats.pathChars(p.value())) {
                r.error(
                        route,
                        pp,
                        "must only contain valid characters (matching"
                                + " ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) " + types);
            }
        }
        valueMatches(r, route, m.headers(), path + ".headers", 4096, true);
        valueMatches(r, route, m.queryParams(), path + ".queryParams", 1024, false);
    }

    private static void valueMatches(
            Reporter r,
            HttpRoute route,
            List<HttpRoute.ValueMatch> list,
            String path,
            int maxValue,
            boolean caseInsensitive) {
        r.maxItems(route, path, list.size(), 16);
        Set<String> names = new HashSet<>();
        for (int k = 0; k < list.size(); k++) {
            HttpRoute.ValueMatch v = list.get(k);
            String at = path + "[" + k + "]";
            String badName = Formats.headerName(v.name());
            if (!v.name().isEmpty() && badName != null) {
                r.error(route, at + ".name", badName);
            }
            String key = caseInsensitive ? v.name().toLowerCase(Locale.ROOT) : v.name();
            if (!v.name().isEmpty() && !names.add(key)) {
                r.error(
                        route,
                        at + ".name",
                        "\"" + v.name() + "\" is matched twice in one match (expected: unique" + " names"
                                + (caseInsensitive ? ", compared case-insensitively" : "") + ")");
            }
            if (v.value().length() > maxValue || (v.value().isEmpty() && r.set().isWritten(route, at + ".value"))) {
                r.error(
                        route,
                        at + ".value",
                        "is " + v.value().length() + " characters long (expected: 1.." + maxValue + ")");
            }
            if (v.type() == HttpRoute.MatchType.REGULAR_EXPRESSION) {
                String bad = Formats.regex(v.value());
                if (bad != null) {
                    r.error(route, at + ".value", bad);
                }
            }
        }
    }

    private static void filters(Reporter r, HttpRoute route, List<HttpRoute.Filter> filters, String path) {
        Set<HttpRoute.FilterType> seen = new HashSet<>();
        for (int i = 0; i < filters.size(); i++) {
            HttpRoute.Filter f = filters.get(i);
            if (!seen.add(f.type())) {
                r.error(route, path + "[" + i + "].type", f.type().yaml() + " filter cannot be repeated");
            }
            HttpRoute.HeaderModifier h = f.headers();
            r.maxItems(route, path + "[" + i + "]", h.set().size(), 16);
            r.maxItems(route, path + "[" + i + "]", h.add().size(), 16);
            r.maxItems(route, path + "[" + i + "]", h.remove().size(), 16);
        }
    }

    private static void tcp(Reporter r, TcpRoute route) {
        parents(r, route, route.parentRefs(), Gateway.Protocol.TCP, List.of());
        int maxRules = route.apiVersion().equals(ApiGroups.GATEWAY_V1) ? 1 : 16;
        r.maxItems(route, "spec.rules", route.rules().size(), maxRules);
        for (int i = 0; i < route.rules().size(); i++) {
            List<BackendRef> refs = route.rules().get(i).backendRefs();
            String path = "spec.rules[" + i + "].backendRefs";
            if (refs.isEmpty()) {
                r.error(route, path, "found no backendRefs (expected: 1..16)");
            }
            r.maxItems(route, path, refs.size(), 16);
            for (int j = 0; j < refs.size(); j++) {
                backend(r, route, refs.get(j), path + "[" + j + "]", false);
            }
        }
    }

    private static void backend(Reporter r, Resource route, BackendRef b, String path, boolean http) {
        r.range(route, path + ".weight", b.weight(), 0, 1_000_000);
        b.port().ifPresent(p -> r.range(route, path + ".port", p, 1, 65535));
        if (http && b.isInferencePool()) {
            if (b.group().isEmpty()) {
                r.warning(
                        route,
                        path + ".group",
                        "kind InferencePool without a group (expected: group " + ApiGroups.INFERENCE
                                + "); resolved against pools of either Inference Extension group");
            }
            if (!b.name().isEmpty()
                    && r.set()
                            .inferencePoolFor(b.group(), b.namespace(), b.name())
                            .isEmpty()) {
                r.error(
                        route,
                        path + ".name",
                        "InferencePool " + b.namespace() + "/" + b.name()
                                + (b.group().isEmpty() ? "" : " of group " + b.group()) + " is not declared");
            }
            crossNamespace(r, route, b, path);
            return;
        }
        if (!b.isService()) {
            r.error(
                    route,
                    path + ".kind",
                    "backend of group \"" + b.group() + "\" kind " + b.kind()
                            + " is not supported (expected: a core Service"
                            + (http
                                    ? " or an InferencePool of group " + ApiGroups.INFERENCE + " or "
                                            + ApiGroups.INFERENCE_X
                                    : "")
                            + ")");
            return;
        }
        if (b.port().isEmpty()) {
            r.error(route, path + ".port", "Must have port for Service reference");
        }
        crossNamespace(r, route, b, path);
        if (b.name().isEmpty()) {
            return;
        }
        Optional<Service> svc = r.set().service(b.namespace(), b.name());
        if (svc.isEmpty()) {
            r.error(route, path + ".name", "Service " + b.namespace() + "/" + b.name() + " is not declared");
        } else if (svc.get().type().equals("ExternalName")) {
            r.error(
                    route,
                    path + ".name",
                    "Service " + b.name() + " is of type ExternalName (expected: a Service" + " with endpoints)");
        } else if (b.port().isPresent() && svc.get().port(b.port().getAsInt()).isEmpty()) {
            r.error(
                    route,
                    path + ".port",
                    "Service " + b.name() + " has no port " + b.port().getAsInt()
                            + " (expected one of: "
                            + svc.get().ports().stream()
                                    .map(p -> String.valueOf(p.port()))
                                    .toList()
                            + ")");
        }
    }

    private static void crossNamespace(Reporter r, Resource route, BackendRef b, String path) {
        if (!b.namespace().equals(route.metadata().namespace())) {
            r.error(
                    route,
                    path + ".namespace",
                    "backend in namespace " + b.namespace() + " is in another namespace"
                            + " than the route (expected: " + route.metadata().namespace()
                            + "; ReferenceGrant is not supported)");
        }
    }

    private static void parents(
            Reporter r, Resource route, List<ParentRef> parents, Gateway.Protocol wanted, List<String> routeHostnames) {
        r.maxItems(route, "spec.parentRefs", parents.size(), 32);
        if (parents.isEmpty()) {
            r.warning(route, "spec.parentRefs", "no parentRefs: this route attaches to no Gateway and serves nothing");
        }
        for (int i = 0; i < parents.size(); i++) {
            ParentRef p = parents.get(i);
            String path = "spec.parentRefs[" + i + "]";
            p.port().ifPresent(port -> r.range(route, path + ".port", port, 1, 65535));
            if (!p.isGateway()) {
                r.error(
                        route,
                        path + ".kind",
                        "parent of group \"" + p.group() + "\" kind " + p.kind()
                                + " is not supported (expected: a Gateway of group " + ApiGroups.GATEWAY + ")");
                continue;
            }
            if (p.name().isEmpty()) {
                continue;
            }
            Optional<Gateway> gw = r.set().gateway(p.namespace(), p.name());
            if (gw.isEmpty()) {
                r.error(route, path + ".name", "Gateway " + p.namespace() + "/" + p.name() + " is not declared");
                continue;
            }
            attachment(r, route, gw.get(), p, path, wanted, routeHostnames);
        }
    }

    /** Whether some listener of the Gateway accepts the route; if none does, say why. */
    private static void attachment(
            Reporter r,
            Resource route,
            Gateway gw,
            ParentRef p,
            String path,
            Gateway.Protocol wanted,
            List<String> routeHostnames) {
        List<Gateway.Listener> candidates = gw.listeners();
        if (p.sectionName().isPresent()) {
            Optional<Gateway.Listener> l = gw.listener(p.sectionName().get());
            if (l.isEmpty()) {
                r.error(
                        route,
                        path + ".sectionName",
                        gw.displayName() + " has no listener \""
                                + p.sectionName().get() + "\" (expected one of: "
                                + gw.listeners().stream()
                                        .map(Gateway.Listener::name)
                                        .toList() + ")");
                return;
            }
            candidates = List.of(l.get());
        }
        String why = "";
        for (Gateway.Listener l : candidates) {
            String reason = refusal(route, gw, l, p, wanted, routeHostnames);
            if (reason == null) {
                return;
            }
            why = why.isEmpty() ? reason : why;
        }
        r.error(route, path, "no listener of " + gw.displayName() + " accepts this route: " + why);
    }

    private static String refusal(
            Resource route,
            Gateway gw,
            Gateway.Listener l,
            ParentRef p,
            Gateway.Protocol wanted,
            List<String> routeHostnames) {
        boolean protocolOk = wanted == Gateway.Protocol.TCP
                ? l.protocol() == Gateway.Protocol.TCP
                : l.protocol() != Gateway.Protocol.TCP;
        if (!protocolOk) {
            return "listener " + l.name() + " is " + l.protocol() + " (expected: "
                    + (wanted == Gateway.Protocol.TCP ? "TCP" : "HTTP or HTTPS") + " for a " + route.kind() + ")";
        }
        if (p.port().isPresent() && p.port().getAsInt() != l.port()) {
            return "listener " + l.name() + " listens on port " + l.port() + ", not "
                    + p.port().getAsInt();
        }
        Gateway.AllowedRoutes allowed = l.allowedRoutes();
        boolean sameNs = gw.metadata().namespace().equals(route.metadata().namespace());
        if (allowed.from() == Gateway.FromNamespaces.SAME && !sameNs) {
            return "listener " + l.name() + " allows routes from namespace "
                    + gw.metadata().namespace() + " only (allowedRoutes.namespaces.from: Same)";
        }
        if (allowed.from() == Gateway.FromNamespaces.SELECTOR
                && !allowed.selectorLabels().isEmpty()) {
            return "listener " + l.name() + " selects route namespaces by label, and namespaces have no labels"
                    + " without a cluster";
        }
        if (!allowed.kinds().isEmpty()
                && allowed.kinds().stream()
                        .noneMatch(
                                k -> k.kind().equals(route.kind()) && k.group().equals(ApiGroups.GATEWAY))) {
            return "listener " + l.name() + " does not allow kind " + route.kind();
        }
        if (l.hostname().isPresent()
                && !routeHostnames.isEmpty()
                && routeHostnames.stream()
                        .noneMatch(h -> Hostnames.intersect(l.hostname().get(), h))) {
            return "none of the route's hostnames " + routeHostnames + " matches listener " + l.name() + " hostname "
                    + l.hostname().get();
        }
        return null;
    }
}
