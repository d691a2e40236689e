package io.infergate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.ManifestSet;

/** Real YAML through {@link Manifests#load(String, String)}: a Gateway, a pool, a Service, and route builders. */
final class TestManifests {

    /**
     * Gateway {@code gw} (listeners {@code http} :8080, {@code wild} :8081 for {@code *.example.com},
     * {@code exact} :8082 for {@code foo.example.com}, {@code tcp} :9000), InferencePool {@code pool}, Service
     * {@code svc} (port 80) and Service {@code svc2} (port 81).
     */
    static final String BASE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              gatewayClassName: infergate
              listeners:
                - {name: http, protocol: HTTP, port: 8080}
                - {name: wild, protocol: HTTP, port: 8081, hostname: "*.example.com"}
                - {name: exact, protocol: HTTP, port: 8082, hostname: foo.example.com}
                - {name: tcp, protocol: TCP, port: 9000}
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: pool}
            spec:
              selector: {matchLabels: {app: m}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc}
            spec:
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: svc2}
            spec:
              ports: [{port: 81}]
            """;

    private TestManifests() {}

    /** Loads BASE plus the documents, asserting there is no error. */
    static ManifestSet load(String... docs) {
        String text = BASE + String.join("", docs);
        LoadResult r = Manifests.load("test.yaml", text);
        assertThat(r.errors()).as(text).isEmpty();
        return r.manifests();
    }

    static Gateway gateway(ManifestSet set) {
        return set.gateway("default", "gw").orElseThrow();
    }

    static RouteTable table(ManifestSet set, String listener) {
        Gateway gw = gateway(set);
        return RouteTable.compile(set, gw, gw.listener(listener).orElseThrow());
    }

    /**
     * An HTTPRoute attached to listener {@code http}, one rule per {@code ruleMatches} entry (a YAML flow list
     * of matches, or {@code null} for a rule without matches), each rule sending to {@code svc:80}.
     *
     * @param meta      extra {@code metadata} fields in flow style, e.g. {@code creationTimestamp: "..."}, or ""
     * @param hostnames a YAML flow list, or {@code null} for none
     */
    static String route(String name, String meta, String hostnames, String... ruleMatches) {
        return routeWithParents(name, meta, "[{name: gw, sectionName: http}]", hostnames, ruleMatches);
    }

    /** Like {@link #route} with the given parentRefs (a YAML flow list). */
    static String routeWithParents(
            String name, String meta, String parentRefs, String hostnames, String... ruleMatches) {
        StringBuilder b = new StringBuilder("---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n")
                .append("metadata: {name: ")
                .append(name)
                .append(meta.isEmpty() ? "" : ", " + meta)
                .append("}\n")
                .append("spec:\n  parentRefs: ")
                .append(parentRefs)
                .append('\n');
        if (hostnames != null) {
            b.append("  hostnames: ").append(hostnames).append('\n');
        }
        b.append("  rules:\n");
        for (String m : ruleMatches) {
            b.append("    - backendRefs: [{name: svc, port: 80}]\n");
            if (m != null) {
                b.append("      matches: ").append(m).append('\n');
            }
        }
        return b.toString();
    }

    /** {@code metadata.creationTimestamp} on 2024-01-{day}. */
    static String created(int day) {
        return "creationTimestamp: \"2024-01-%02dT00:00:00Z\"".formatted(day);
    }

    /** {@code name#rule} of the rule serving the request, or {@code 404}. */
    static String served(RouteTable table, RequestView request) {
        return table.match(request)
                .map(m -> m.route().name() + "#" + m.route().rule())
                .orElse("404");
    }
}
