package io.infergate.api;

import static io.infergate.api.Yaml.error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Gateway API rules (v1 Gateway, HTTPRoute, v1alpha2 TCPRoute) and their references, one bad manifest each. */
class GatewayRulesTest {

    // lines 1..15
    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gw
            spec:
              gatewayClassName: infergate
              listeners:
                - name: http
                  protocol: HTTP
                  port: 8080
                - name: tcp
                  protocol: TCP
                  port: 9000
            ---
            apiVersion: inference.networking.k8s.io/v1
            """;
    // lines 16..24 (continues the document opened above)
    private static final String POOL = """
            kind: InferencePool
            metadata:
              name: pool
            spec:
              selector:
                matchLabels:
                  app: m
              targetPorts:
                - number: 8000
            """;
    // route: lines 25..41
    private static final String ROUTE = """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: r
            spec:
              parentRefs:
                - name: gw
              rules:
                - matches:
                    - path:
                        type: PathPrefix
                        value: /v1
                  backendRefs:
                    - group: inference.networking.k8s.io
                      kind: InferencePool
                      name: pool
            """;
    private static final String BASE = GATEWAY + POOL + ROUTE;

    @Test
    void baseIsValid() {
        assertThat(Yaml.load(BASE).problems()).isEmpty();
    }

    @Test
    void maxConnectionsAnnotationIsAPositiveInteger() {
        String annotated = BASE.replaceFirst(
                "  name: gw\n", "  name: gw\n  annotations:\n    infergate.io/max-connections: \"lots\"\n");
        error(
                annotated,
                6,
                "Gateway/gw",
                "metadata.annotations.infergate.io/max-connections",
                "\"lots\" is not a connection cap (expected: a positive integer)");
        assertThat(Yaml.load(annotated.replace("\"lots\"", "\"500\"")).problems())
                .isEmpty();
    }

    @Test
    void maxConcurrentStreamsAnnotationIsAPositiveInteger() {
        String annotated = BASE.replaceFirst(
                "  name: gw\n", "  name: gw\n  annotations:\n    infergate.io/max-concurrent-streams: \"0\"\n");
        error(
                annotated,
                6,
                "Gateway/gw",
                "metadata.annotations.infergate.io/max-concurrent-streams",
                "\"0\" is not a stream cap (expected: a positive integer)");
        assertThat(Yaml.load(annotated.replace("\"0\"", "\"250\"")).problems()).isEmpty();
    }

    @Test
    void timeoutAnnotationsArePositiveDurations() {
        for (String name : List.of("infergate.io/request-header-timeout", "infergate.io/body-read-timeout")) {
            String annotated =
                    BASE.replaceFirst("  name: gw\n", "  name: gw\n  annotations:\n    " + name + ": \"soon\"\n");
            error(
                    annotated,
                    6,
                    "Gateway/gw",
                    "metadata.annotations." + name,
                    "\"soon\" is not a timeout (expected: a positive duration such as 500ms or 30s)");
            assertThat(Yaml.load(annotated.replace("\"soon\"", "\"0s\"")).problems())
                    .hasSize(1);
            assertThat(Yaml.load(annotated.replace("\"soon\"", "\"2.5s\"")).problems())
                    .isEmpty();
        }
    }

    @Test
    void listenerNamesUnique() {
        error(
                BASE.replace("name: tcp", "name: http"),
                11,
                "Gateway/gw",
                "spec.listeners[1].name",
                "Listener name must be unique within the Gateway (\"http\" appears more than once)");
    }

    @Test
    void listenerPortRange() {
        error(
                BASE.replace("port: 8080", "port: 0"),
                10,
                "Gateway/gw",
                "spec.listeners[0].port",
                "found 0 (expected: 1..65535)");
    }

    @Test
    void listenerProtocolEnum() {
        error(
                BASE.replace("protocol: TCP", "protocol: UDP"),
                12,
                "Gateway/gw",
                "spec.listeners[1].protocol",
                "unsupported value \"UDP\" (expected one of: HTTP, HTTPS, TCP)");
    }

    @Test
    void listenersOnOnePortMustAgree() {
        error(
                BASE.replace("port: 9000", "port: 8080"),
                13,
                "Gateway/gw",
                "spec.listeners[1].port",
                "port 8080 is already used by Gateway/gw listener http (HTTP)");
    }

    @Test
    void listenersOfTwoGatewaysShareAPortOnlyWithDistinctHostnames() {
        String second = """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: other
                spec:
                  gatewayClassName: infergate
                  listeners:
                    - name: web
                      protocol: HTTP
                      port: 8080
                """;
        // line 50: the second Gateway's listener, which has no hostname, like gw's http listener
        error(
                BASE + second,
                50,
                "Gateway/other",
                "spec.listeners[0].hostname",
                "port 8080 with no hostname is already used by Gateway/gw listener http");
        assertThat(Yaml.load(BASE
                                + second.replace(
                                        "      port: 8080\n", "      port: 8080\n      hostname: a.example.com\n"))
                        .problems())
                .isEmpty();
    }

    @Test
    void tlsNotAllowedOnHttp() {
        error(
                BASE.replace(
                        "      port: 8080\n",
                        "      port: 8080\n      tls:\n        certificateRefs:\n" + "          - name: cert\n"),
                12,
                "Gateway/gw",
                "spec.listeners[0].tls",
                "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
    }

    @Test
    void hostnameNotAllowedOnTcp() {
        error(
                BASE.replace("      port: 9000\n", "      port: 9000\n      hostname: a.example.com\n"),
                14,
                "Gateway/gw",
                "spec.listeners[1].hostname",
                "hostname must not be specified for protocols ['TCP', 'UDP']");
    }

    @Test
    void httpsNeedsACertificateSecret() {
        String https = BASE.replace("protocol: HTTP\n", "protocol: HTTPS\n")
                .replace(
                        "      port: 8080\n",
                        "      port: 8080\n      tls:\n        certificateRefs:\n          - name: cert\n");
        error(
                https,
                13,
                "Gateway/gw",
                "spec.listeners[0].tls.certificateRefs[0].name",
                "Secret default/cert is not declared");
        String withSecret = https + """
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: cert
                type: kubernetes.io/tls
                stringData:
                  tls.crt: "-----BEGIN CERTIFICATE-----"
                """;
        error(withSecret, 52, "Secret/cert", "data", "a kubernetes.io/tls Secret needs tls.crt and tls.key");
        String withFiles = https + """
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: cert
                  annotations:
                    infergate.io/tls-crt-file: certs/tls.crt
                    infergate.io/tls-key-file: certs/tls.key
                type: kubernetes.io/tls
                """;
        assertThat(Yaml.load(withFiles).problems()).isEmpty();
        var secret = Yaml.load(withFiles).manifests().secrets().get(0);
        assertThat(secret.certFile().orElseThrow().toString()).endsWith("certs/tls.crt");
    }

    @Test
    void httpsWithoutTlsIsAnError() {
        error(
                BASE.replace("protocol: HTTP\n", "protocol: HTTPS\n"),
                8,
                "Gateway/gw",
                "spec.listeners[0].tls",
                "an HTTPS listener needs tls.certificateRefs");
    }

    @Test
    void routeParentMustExist() {
        error(
                BASE.replace("- name: gw\n", "- name: nope\n"),
                32,
                "HTTPRoute/r",
                "spec.parentRefs[0].name",
                "Gateway default/nope is not declared");
    }

    @Test
    void routeSectionNameMustExist() {
        error(
                BASE.replace("- name: gw\n", "- name: gw\n      sectionName: https\n"),
                33,
                "HTTPRoute/r",
                "spec.parentRefs[0].sectionName",
                "Gateway/gw has no listener \"https\" (expected one of: [http, tcp])");
    }

    @Test
    void httpRouteCannotAttachToATcpListener() {
        error(
                BASE.replace("- name: gw\n", "- name: gw\n      sectionName: tcp\n"),
                32,
                "HTTPRoute/r",
                "spec.parentRefs[0]",
                "no listener of Gateway/gw accepts this route: listener tcp is TCP (expected:"
                        + " HTTP or HTTPS for a HTTPRoute)");
    }

    @Test
    void routeFromAnotherNamespaceNeedsAllowedRoutes() {
        String other = BASE.substring(0, BASE.indexOf("  name: r\n")) + "  name: r\n  namespace: team\n"
                + BASE.substring(BASE.indexOf("  name: r\n") + 10)
                        .replace("- name: gw\n", "- name: gw\n      namespace: default\n");
        var problems = Yaml.load(other).errors();
        assertThat(problems).extracting(Problem::field).contains("spec.parentRefs[0]");
        assertThat(problems.get(0).message()).contains("allows routes from namespace default only");
    }

    @Test
    void backendPoolMustExist() {
        error(
                BASE.replace("name: pool\n", "name: pool2\n").replace("  name: pool2\nspec:", "  name: pool\nspec:"),
                41,
                "HTTPRoute/r",
                "spec.rules[0].backendRefs[0].name",
                "InferencePool default/pool2 of group inference.networking.k8s.io is not declared");
    }

    @Test
    void serviceBackendNeedsAPort() {
        String svc = BASE.replace(
                        "- group: inference.networking.k8s.io\n          kind: InferencePool\n          name: pool\n",
                        "- name: svc\n")
                + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n"
                + "  - port: 80\n";
        error(svc, 39, "HTTPRoute/r", "spec.rules[0].backendRefs[0].port", "Must have port for Service reference");
    }

    @Test
    void backendWeightRange() {
        error(
                BASE + "          weight: -1\n",
                42,
                "HTTPRoute/r",
                "spec.rules[0].backendRefs[0].weight",
                "found -1 (expected: 0..1000000)");
    }

    @Test
    void atMostSixteenRules() {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            rules.append("    - backendRefs:\n        - {group: inference.networking.k8s.io, kind: InferencePool,"
                    + " name: pool}\n");
        }
        error(
                GATEWAY + POOL + ROUTE.substring(0, ROUTE.indexOf("    - matches")) + rules,
                34,
                "HTTPRoute/r",
                "spec.rules",
                "found 17 items (expected: at most 16)");
    }

    @Test
    void atMostSixtyFourMatchesPerRule() {
        StringBuilder matches = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            matches.append("        - path: {value: /p").append(i).append("}\n");
        }
        error(
                BASE.replace(
                        "        - path:\n            type: PathPrefix\n            value: /v1\n", matches.toString()),
                35,
                "HTTPRoute/r",
                "spec.rules[0].matches",
                "found 65 items (expected: at most 64)");
    }

    @Test
    void pathMustBeAbsolute() {
        error(
                BASE.replace("value: /v1", "value: v1"),
                37,
                "HTTPRoute/r",
                "spec.rules[0].matches[0].path.value",
                "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']");
    }

    @Test
    void pathMustNotContainDoubleSlash() {
        error(
                BASE.replace("value: /v1", "value: /v1//x"),
                37,
                "HTTPRoute/r",
                "spec.rules[0].matches[0].path.value",
                "must not contain '//' when type one of ['Exact', 'PathPrefix']");
    }

    @Test
    void regularExpressionMustCompile() {
        error(
                BASE.replace(
                        "type: PathPrefix\n            value: /v1",
                        "type: RegularExpression\n            value: /v1/(a"),
                37,
                "HTTPRoute/r",
                "spec.rules[0].matches[0].path.value",
                "is not a valid regular expression");
    }

    @Test
    void headerMatchNamesUniqueCaseInsensitively() {
        error(
                BASE.replace(
                        "            value: /v1\n",
                        "            value: /v1\n          headers:\n"
                                + "            - {name: X-Gateway-Model-Name, value: a}\n"
                                + "            - {name: x-gateway-model-name, value: b}\n"),
                40,
                "HTTPRoute/r",
                "spec.rules[0].matches[0].headers[1].name",
                "is matched twice in one match");
    }

    @Test
    void hostnameFormat() {
        error(
                BASE.replace("  parentRefs:\n", "  hostnames: [\"10.0.0.1\"]\n  parentRefs:\n"),
                31,
                "HTTPRoute/r",
                "spec.hostnames[0]",
                "\"10.0.0.1\" is an IP address (expected: a DNS name; IPs are not allowed)");
    }

    @Test
    void routeHostnameMustIntersectTheListenerHostname() {
        String yaml = BASE.replace("      port: 8080\n", "      port: 8080\n      hostname: \"*.example.com\"\n")
                .replace("  parentRefs:\n", "  hostnames: [\"example.org\"]\n  parentRefs:\n");
        error(
                yaml,
                34,
                "HTTPRoute/r",
                "spec.parentRefs[0]",
                "none of the route's hostnames [example.org] matches" + " listener http hostname *.example.com");
        assertThat(Yaml.load(yaml.replace("example.org", "a.example.com")).problems())
                .isEmpty();
    }

    @Test
    void tcpRouteNeedsServiceBackends() {
        String tcp = GATEWAY + POOL + """
                ---
                apiVersion: gateway.networking.k8s.io/v1alpha2
                kind: TCPRoute
                metadata:
                  name: t
                spec:
                  parentRefs:
                    - name: gw
                      sectionName: tcp
                  rules:
                    - backendRefs:
                        - group: inference.networking.k8s.io
                          kind: InferencePool
                          name: pool
                """;
        error(
                tcp,
                37,
                "TCPRoute/t",
                "spec.rules[0].backendRefs[0].kind",
                "backend of group"
                        + " \"inference.networking.k8s.io\" kind InferencePool is not supported (expected: a core Service)");
    }

    @Test
    void duplicateObjectsAreErrors() {
        error(
                BASE + ROUTE,
                46,
                "HTTPRoute/r",
                "metadata.name",
                "HTTPRoute default/r is declared twice (first at test.yaml:26:1)");
    }

    @Test
    void objectNamesAreDns1123() {
        error(
                BASE.replace("name: r\n", "name: R_1\n"),
                29,
                "HTTPRoute/R_1",
                "metadata.name",
                "\"R_1\" is not a DNS-1123 subdomain");
    }
}
