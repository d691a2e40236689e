package io.infergate.api.load;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.BackendRef;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.model.ParentRef;
import io.infergate.api.model.Resource;
import io.infergate.api.model.Secret;
import io.infergate.api.model.TcpRoute;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Decoders for Gateway API kinds: Gateway and HTTPRoute (v1), TCPRoute (v1alpha2 and v1). */
final class GatewayApiDecoders {

    private static final Map<String, Gateway.Protocol> PROTOCOLS = Spellings.of(Gateway.Protocol.values(), Enum::name);
    private static final Map<String, Gateway.FromNamespaces> FROM = Map.of(
            "Same",
            Gateway.FromNamespaces.SAME,
            "All",
            Gateway.FromNamespaces.ALL,
            "Selector",
            Gateway.FromNamespaces.SELECTOR);
    private static final Map<String, HttpRoute.PathType> PATH_TYPES =
            Spellings.of(HttpRoute.PathType.values(), HttpRoute.PathType::yaml);
    private static final Map<String, HttpRoute.MatchType> MATCH_TYPES =
            Spellings.of(HttpRoute.MatchType.values(), HttpRoute.MatchType::yaml);
    private static final Map<String, HttpRoute.Method> METHODS = Spellings.of(HttpRoute.Method.values(), Enum::name);
    /** Every filter type Gateway API v1 defines, with the field that carries its settings. */
    private static final Map<String, String> FILTER_FIELDS = new LinkedHashMap<>();

    static {
        FILTER_FIELDS.put("RequestHeaderModifier", "requestHeaderModifier");
        FILTER_FIELDS.put("ResponseHeaderModifier", "responseHeaderModifier");
        FILTER_FIELDS.put("RequestMirror", "requestMirror");
        FILTER_FIELDS.put("RequestRedirect", "requestRedirect");
        FILTER_FIELDS.put("URLRewrite", "urlRewrite");
        FILTER_FIELDS.put("ExtensionRef", "extensionRef");
        FILTER_FIELDS.put("CORS", "cors");
        FILTER_FIELDS.put("ExternalAuth", "externalAuth");
    }

    private GatewayApiDecoders() {}

    static Resource gateway(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = spec(root);
        if (spec == null) {
            return new Gateway(meta, origin, "", List.of());
        }
        String className = spec.requiredString("gatewayClassName");
        List<Gateway.Listener> listeners = new ArrayList<>();
        for (Obj l : spec.requiredObjects("listeners", "1..64 listeners")) {
            listeners.add(listener(l, meta));
        }
        if (spec.has("addresses")) {
            spec.ctx()
                    .warning(
                            spec.raw("addresses"),
                            spec.path("addresses"),
                            "addresses are ignored in standalone mode (listeners bind every local address)");
        }
        spec.ignore("infrastructure");
        unsupported(spec, "allowedListeners", "tls", "defaultScope");
        spec.finish();
        return new Gateway(meta, origin, className, listeners);
    }

    private static Gateway.Listener listener(Obj l, ObjectMeta meta) {
        String name = l.requiredString("name");
        Optional<String> hostname = l.string("hostname");
        int port = l.requiredInteger("port").orElse(0);
        Gateway.Protocol protocol = Gateway.Protocol.HTTP;
        if (!l.has("protocol")) {
            l.missing("protocol");
        } else {
            protocol = l.enumValue("protocol", PROTOCOLS).orElse(Gateway.Protocol.HTTP);
        }
        Optional<Gateway.ListenerTls> tls = l.object("tls").map(t -> tls(t, meta));
        Gateway.AllowedRoutes allowed = l.object("allowedRoutes")
                .map(GatewayApiDecoders::allowedRoutes)
                .orElse(Gateway.AllowedRoutes.SAME_NAMESPACE);
        l.finish();
        return new Gateway.Listener(name, protocol, port, hostname, tls, allowed);
    }

    private static Gateway.ListenerTls tls(Obj t, ObjectMeta meta) {
        Optional<String> mode = t.string("mode");
        if (mode.isPresent() && !mode.get().equals("Terminate")) {
            t.ctx()
                    .error(
                            t.raw("mode"),
                            t.path("mode"),
                            "unsupported TLS mode \"" + mode.get()
                                    + "\" (expected: Terminate; the standalone gateway terminates TLS itself)");
        }
        List<Gateway.SecretRef> refs = new ArrayList<>();
        for (Obj r : t.objects("certificateRefs")) {
            refs.add(new Gateway.SecretRef(
                    r.string("group").orElse(ApiGroups.CORE),
                    r.string("kind").orElse(Secret.KIND),
                    r.requiredString("name"),
                    r.string("namespace").orElse(meta.namespace())));
            r.finish();
        }
        t.stringMap("options"); // implementation-specific; none defined by Infergate
        t.finish();
        return new Gateway.ListenerTls(refs);
    }

    private static Gateway.AllowedRoutes allowedRoutes(Obj a) {
        Gateway.FromNamespaces from = Gateway.FromNamespaces.SAME;
        Map<String, String> selector = Map.of();
        Optional<Obj> ns = a.object("namespaces");
        if (ns.isPresent()) {
            from = ns.get().enumValue("from", FROM).orElse(Gateway.FromNamespaces.SAME);
            Optional<Obj> sel = ns.get().object("selector");
            if (sel.isPresent()) {
                selector = sel.get().stringMap("matchLabels");
                unsupported(sel.get(), "matchExpressions");
                sel.get().finish();
            }
            ns.get().finish();
        }
        List<Gateway.RouteGroupKind> kinds = new ArrayList<>();
        for (Obj k : a.objects("kinds")) {
            kinds.add(
                    new Gateway.RouteGroupKind(k.string("group").orElse(ApiGroups.GATEWAY), k.requiredString("kind")));
            k.finish();
        }
        a.finish();
        return new Gateway.AllowedRoutes(from, selector, kinds);
    }

    static Resource httpRoute(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = spec(root);
        if (spec == null) {
            return new HttpRoute(meta, origin, List.of(), List.of(), List.of());
        }
        List<ParentRef> parents = parentRefs(spec, meta);
        List<String> hostnames = spec.strings("hostnames");
        List<HttpRoute.Rule> rules = new ArrayList<>();
        List<Obj> ruleObjs = spec.has("rules") ? spec.requiredObjects("rules", "1..16 rules") : List.of();
        for (Obj r : ruleObjs) {
            rules.add(httpRule(r, meta));
        }
        if (!spec.has("rules")) {
            // CRD default: one rule matching every request (with no backends: the gateway answers 404/500)
            rules.add(new HttpRoute.Rule(Optional.empty(), List.of(HttpRoute.Match.ANY), List.of(), List.of()));
        }
        unsupported(spec, "useDefaultGateways");
        spec.finish();
        return new HttpRoute(meta, origin, parents, hostnames, rules);
    }

    private static HttpRoute.Rule httpRule(Obj r, ObjectMeta meta) {
        Optional<String> name = r.string("name");
        List<HttpRoute.Match> matches = new ArrayList<>();
        for (Obj m : r.objects("matches")) {
            matches.add(match(m));
        }
        if (matches.isEmpty() && !r.has("matches")) {
            matches.add(HttpRoute.Match.ANY);
        }
        List<HttpRoute.Filter> filters = filters(r);
        List<HttpRoute.Backend> backends = new ArrayList<>();
        for (Obj b : r.objects("backendRefs")) {
            BackendRef ref = backendRef(b, meta);
            List<HttpRoute.Filter> bf = filters(b);
            b.finish();
            backends.add(new HttpRoute.Backend(ref, bf));
        }
        unsupported(r, "timeouts", "retry", "sessionPersistence");
        r.finish();
        return new HttpRoute.Rule(name, matches, filters, backends);
    }

    private static HttpRoute.Match match(Obj m) {
        HttpRoute.PathMatch path = HttpRoute.PathMatch.ROOT;
        Optional<Obj> p = m.object("path");
        if (p.isPresent()) {
            HttpRoute.PathType type = p.get().enumValue("type", PATH_TYPES).orElse(HttpRoute.PathType.PATH_PREFIX);
            path = new HttpRoute.PathMatch(type, p.get().string("value").orElse("/"));
            p.get().finish();
        }
        List<HttpRoute.ValueMatch> headers = valueMatches(m, "headers");
        List<HttpRoute.ValueMatch> query = valueMatches(m, "queryParams");
        Optional<HttpRoute.Method> method = m.enumValue("method", METHODS);
        m.finish();
        return new HttpRoute.Match(path, headers, query, method);
    }

    private static List<HttpRoute.ValueMatch> valueMatches(Obj m, String key) {
        List<HttpRoute.ValueMatch> out = new ArrayList<>();
        for (Obj h : m.objects(key)) {
            HttpRoute.MatchType type = h.enumValue("type", MATCH_TYPES).orElse(HttpRoute.MatchType.EXACT);
            out.add(new HttpRoute.ValueMatch(type, h.requiredString("name"), h.requiredString("value")));
            h.finish();
        }
        return out;
    }

    private static List<HttpRoute.Filter> filters(Obj owner) {
        List<HttpRoute.Filter> out = new ArrayList<>();
        for (Obj f : owner.objects("filters")) {
            f.ignore(FILTER_FIELDS.values().toArray(String[]::new));
            String type = f.requiredString("type");
            if (type.equals("RequestHeaderModifier") || type.equals("ResponseHeaderModifier")) {
                String field = FILTER_FIELDS.get(type);
                HttpRoute.HeaderModifier hm = f.object(field)
                        .map(GatewayApiDecoders::headerModifier)
                        .orElseGet(() -> {
                            f.ctx().error(f.node(), f.path(field), "required for filter type " + type);
                            return new HttpRoute.HeaderModifier(List.of(), List.of(), List.of());
                        });
                out.add(new HttpRoute.Filter(
                        type.equals("RequestHeaderModifier")
                                ? HttpRoute.FilterType.REQUEST_HEADER_MODIFIER
                                : HttpRoute.FilterType.RESPONSE_HEADER_MODIFIER,
                        hm));
            } else if (FILTER_FIELDS.containsKey(type)) {
                f.ctx()
                        .error(
                                f.raw("type"),
                                f.path("type"),
                                "filter type " + type
                                        + " is not supported by Infergate (supported: RequestHeaderModifier, ResponseHeaderModifier)");
            } else if (!type.isEmpty()) {
                f.ctx()
                        .error(
                                f.raw("type"),
                                f.path("type"),
                                "unknown filter type \"" + type + "\" (expected one of: "
                                        + String.join(", ", FILTER_FIELDS.keySet()) + ")");
            }
            for (String field : FILTER_FIELDS.values()) {
                if (f.has(field) && !field.equals(FILTER_FIELDS.get(type))) {
                    f.ctx().error(f.raw(field), f.path(field), field + " must not be set for filter type " + type);
                }
            }
            f.finish();
        }
        return out;
    }

    private static HttpRoute.HeaderModifier headerModifier(Obj h) {
        HttpRoute.HeaderModifier hm =
                new HttpRoute.HeaderModifier(headers(h, "set"), headers(h, "add"), h.strings("remove"));
        h.finish();
        return hm;
    }

    private static List<HttpRoute.Header> headers(Obj h, String key) {
        List<HttpRoute.Header> out = new ArrayList<>();
        for (Obj e : h.objects(key)) {
            out.add(new HttpRoute.Header(e.requiredString("name"), e.requiredString("value")));
            e.finish();
        }
        return out;
    }

    static Resource tcpRoute(Obj root, ObjectMeta meta, Origin origin, String apiVersion) {
        Obj spec = spec(root);
        if (spec == null) {
            return new TcpRoute(meta, origin, apiVersion, List.of(), List.of());
        }
        List<ParentRef> parents = parentRefs(spec, meta);
        List<TcpRoute.Rule> rules = new ArrayList<>();
        for (Obj r : spec.requiredObjects("rules", "at least 1 rule")) {
            Optional<String> name = r.string("name");
            List<BackendRef> refs = new ArrayList<>();
            for (Obj b : r.objects("backendRefs")) {
                refs.add(backendRef(b, meta));
                b.finish();
            }
            r.finish();
            rules.add(new TcpRoute.Rule(name, refs));
        }
        unsupported(spec, "useDefaultGateways");
        spec.finish();
        return new TcpRoute(meta, origin, apiVersion, parents, rules);
    }

    private static List<ParentRef> parentRefs(Obj spec, ObjectMeta meta) {
        List<ParentRef> out = new ArrayList<>();
        for (Obj p : spec.objects("parentRefs")) {
            out.add(new ParentRef(
                    p.string("group").orElse(ApiGroups.GATEWAY),
                    p.string("kind").orElse(Gateway.KIND),
                    p.string("namespace").orElse(meta.namespace()),
                    p.requiredString("name"),
                    p.string("sectionName"),
                    p.integer("port")));
            p.finish();
        }
        return out;
    }

    /** Reads the BackendRef fields; the caller reads any extra fields and calls finish. */
    private static BackendRef backendRef(Obj b, ObjectMeta meta) {
        OptionalInt port = b.integer("port");
        return new BackendRef(
                b.string("group").orElse(ApiGroups.CORE),
                b.string("kind").orElse("Service"),
                b.string("namespace").orElse(meta.namespace()),
                b.requiredString("name"),
                port,
                b.integer("weight").orElse(1));
    }

    static Obj spec(Obj root) {
        return root.requiredObject("spec").orElse(null);
    }

    /** Fields Gateway API defines but Infergate does not implement: an error, never silently ignored. */
    static void unsupported(Obj o, String... keys) {
        for (String k : keys) {
            if (o.has(k)) {
                o.ctx()
                        .error(
                                o.raw(k),
                                o.path(k),
                                k + " is not supported by Infergate (remove it; it would be ignored)");
            }
        }
    }
}
