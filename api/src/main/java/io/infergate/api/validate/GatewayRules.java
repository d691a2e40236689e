package io.infergate.api.validate;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.ListenerLimits;
import io.infergate.api.model.Secret;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Gateway rules: the listener CEL rules of Gateway API v1, port clashes, and HTTPS certificates. */
final class GatewayRules {

    private GatewayRules() {}

    /** The per-listener limit annotations ({@link ListenerLimits}), when present, are valid. */
    private static void listenerLimits(Reporter r, Gateway g) {
        ListenerLimits.of(
                g.metadata().annotations(), (name, problem) -> r.error(g, "metadata.annotations." + name, problem));
    }

    static void check(Reporter r) {
        // one socket per port across all Gateways: protocols on one port must agree
        Map<Integer, String> portOwner = new HashMap<>();
        Map<Integer, Gateway.Protocol> portProtocol = new HashMap<>();
        // listeners sharing a port are told apart by hostname, across Gateways too: they end up on one socket
        Map<String, String> portHostOwner = new HashMap<>();
        for (Gateway g : r.set().gateways()) {
            listenerLimits(r, g);
            List<Gateway.Listener> listeners = g.listeners();
            r.maxItems(g, "spec.listeners", listeners.size(), 64);
            Set<String> names = new HashSet<>();
            Set<String> combos = new HashSet<>();
            for (int i = 0; i < listeners.size(); i++) {
                Gateway.Listener l = listeners.get(i);
                String path = "spec.listeners[" + i + "]";
                if (!l.name().isEmpty()) {
                    String bad = Formats.sectionName(l.name());
                    if (bad != null) {
                        r.error(g, path + ".name", bad);
                    }
                    if (!names.add(l.name())) {
                        r.error(
                                g,
                                path + ".name",
                                "Listener name must be unique within the Gateway (\"" + l.name()
                                        + "\" appears more than once)");
                    }
                }
                r.range(g, path + ".port", l.port(), 1, 65535);
                l.hostname().ifPresent(h -> {
                    String bad = Formats.hostname(h);
                    if (bad != null) {
                        r.error(g, path + ".hostname", bad);
                    }
                    if (l.protocol() == Gateway.Protocol.TCP) {
                        r.error(g, path + ".hostname", "hostname must not be specified for protocols ['TCP', 'UDP']");
                    }
                });
                if (!combos.add(
                        l.port() + "|" + l.protocol() + "|" + l.hostname().orElse(""))) {
                    r.error(g, path, "Combination of port, protocol and hostname must be unique for each listener");
                }
                tls(r, g, l, path);
                allowedKinds(r, g, l, path);
                String owner = g.displayName() + " listener " + l.name();
                Gateway.Protocol other = portProtocol.putIfAbsent(l.port(), l.protocol());
                String first = portOwner.putIfAbsent(l.port(), owner);
                if (other != null && (other != l.protocol() || l.protocol() == Gateway.Protocol.TCP)) {
                    r.error(
                            g,
                            path + ".port",
                            "port " + l.port() + " is already used by " + first + " ("
                                    + other + "); expected: one TCP listener per port, or HTTP/HTTPS listeners of one"
                                    + " protocol sharing it by hostname");
                } else if (other != null) {
                    String sameHost = portHostOwner.putIfAbsent(
                            l.port() + "|" + l.hostname().orElse(""), owner);
                    if (sameHost != null && !sameHost.startsWith(g.displayName() + " ")) {
                        // within one Gateway the combination rule above has said it already
                        r.error(
                                g,
                                path + ".hostname",
                                "port " + l.port() + " with "
                                        + l.hostname()
                                                .map(h -> "hostname \"" + h + "\"")
                                                .orElse("no hostname")
                                        + " is already used by " + sameHost
                                        + "; expected: a distinct hostname per listener"
                                        + " on a shared port");
                    }
                } else {
                    portHostOwner.put(l.port() + "|" + l.hostname().orElse(""), owner);
                }
            }
        }
    }

    private static void tls(Reporter r, Gateway g, Gateway.Listener l, String path) {
        if (l.protocol() != Gateway.Protocol.HTTPS) {
            if (l.tls().isPresent()) {
                r.error(g, path + ".tls", "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
            }
            return;
        }
        if (l.tls().isEmpty()) {
            r.error(
                    g,
                    path + ".tls",
                    "an HTTPS listener needs tls.certificateRefs (expected: a reference to a"
                            + " Secret of type kubernetes.io/tls)");
            return;
        }
        List<Gateway.SecretRef> refs = l.tls().get().certificateRefs();
        if (refs.isEmpty()) {
            r.error(g, path + ".tls", "certificateRefs or options must be specified when mode is Terminate");
        }
        r.maxItems(g, path + ".tls.certificateRefs", refs.size(), 64);
        for (int j = 0; j < refs.size(); j++) {
            certificate(r, g, refs.get(j), path + ".tls.certificateRefs[" + j + "]");
        }
    }

    private static void certificate(Reporter r, Gateway g, Gateway.SecretRef ref, String path) {
        if (!ref.group().isEmpty() || !ref.kind().equals(Secret.KIND)) {
            r.error(g, path, "found group \"" + ref.group() + "\" kind " + ref.kind() + " (expected: a core Secret)");
            return;
        }
        if (!ref.namespace().equals(g.metadata().namespace())) {
            r.error(
                    g,
                    path + ".namespace",
                    "Secret in namespace " + ref.namespace() + " is in another namespace than"
                            + " the Gateway (expected: " + g.metadata().namespace()
                            + "; ReferenceGrant is not supported)");
            return;
        }
        if (ref.name().isEmpty()) {
            return;
        }
        Optional<Secret> secret = r.set().secret(ref.namespace(), ref.name());
        if (secret.isEmpty()) {
            r.error(g, path + ".name", "Secret " + ref.namespace() + "/" + ref.name() + " is not declared");
            return;
        }
        Secret s = secret.get();
        if (!s.type().equals(Secret.TYPE_TLS)) {
            r.error(
                    g,
                    path + ".name",
                    "Secret " + ref.name() + " is of type " + s.type() + " (expected: " + Secret.TYPE_TLS + ")");
        }
    }

    /** Secret contents: TLS secrets need a certificate and a key, inline or as files; data must be base64. */
    static void secrets(Reporter r) {
        for (Secret s : r.set().secrets()) {
            for (Map.Entry<String, String> e : s.data().entrySet()) {
                try {
                    Base64.getMimeDecoder().decode(e.getValue());
                } catch (IllegalArgumentException ex) {
                    r.error(
                            s,
                            "data." + e.getKey(),
                            "is not base64 (expected: base64 in data, or plain text in" + " stringData)");
                }
            }
            if (!s.type().equals(Secret.TYPE_TLS)) {
                continue;
            }
            boolean cert =
                    s.data().containsKey(Secret.TLS_CERT_KEY) || s.certFile().isPresent();
            boolean key = s.data().containsKey(Secret.TLS_PRIVATE_KEY_KEY)
                    || s.keyFile().isPresent();
            if (!cert || !key) {
                r.error(
                        s,
                        "data",
                        "a kubernetes.io/tls Secret needs " + Secret.TLS_CERT_KEY + " and "
                                + Secret.TLS_PRIVATE_KEY_KEY
                                + " (expected: in data or stringData, or files named by the"
                                + " annotations " + Secret.CERT_FILE_ANNOTATION + " and " + Secret.KEY_FILE_ANNOTATION
                                + ")");
            }
        }
    }

    private static void allowedKinds(Reporter r, Gateway g, Gateway.Listener l, String path) {
        List<Gateway.RouteGroupKind> kinds = l.allowedRoutes().kinds();
        r.maxItems(g, path + ".allowedRoutes.kinds", kinds.size(), 8);
        for (int k = 0; k < kinds.size(); k++) {
            Gateway.RouteGroupKind gk = kinds.get(k);
            if (!gk.group().equals(ApiGroups.GATEWAY)
                    || !gk.kind().equals(l.protocol().routeKind())) {
                r.error(
                        g,
                        path + ".allowedRoutes.kinds[" + k + "]",
                        "kind " + gk.kind() + " cannot attach to a " + l.protocol() + " listener (expected: "
                                + l.protocol().routeKind() + ")");
            }
        }
    }
}
