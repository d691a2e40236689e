package io.infergate.kubernetes.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Checks {@code deploy/}: the Helm chart renders in both modes with the facts the Inference Extension's gateways
 * rely on (picker Service port 9002 with appProtocol http2, the pool's endpointPickerRef pointing at it, probes,
 * least-privilege RBAC), the CRDs are the expected CustomResourceDefinitions, and the example manifests load with
 * our own loader.
 *
 * <p>Rendering uses helm-java (Helm's Go library through JNI): no cluster, no helm binary, no network.
 */
class HelmChartTest {

    private static final Path REPO = repoRoot();
    private static final Path CHART = REPO.resolve("deploy/helm/infergate");
    private static final Path EXAMPLES = REPO.resolve("deploy/examples");
    private static final String RELEASE = "demo";
    private static final String NAMESPACE = "llm";
    /** The chart needs gRPC probes (Kubernetes 1.27+); helm-java's template assumes 1.20 unless told. */
    private static final String KUBE_VERSION = "v1.31.0";

    /** Verbs that change objects; only status subresources and leases may have them. */
    private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");

    private static final Set<String> STATUS_VERBS = Set.of("update", "patch");
    private static final Set<String> LEASE_VERBS = Set.of("get", "create", "update");

    /** Kinds of the examples that only a cluster knows; our loader reports them as unknown kinds. */
    private static final Set<String> CLUSTER_ONLY_KINDS = Set.of("Deployment", "GatewayClass");

    // --- the chart ------------------------------------------------------------------------------------------

    @Test
    void chartPassesHelmLintStrict() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed())
                .as("helm lint --strict: %s", result.getMessages())
                .isFalse();
    }

    @Test
    void gatewayModeRendersTheGatewayItsClassAndAReadOnlyClusterRole() {
        Rendered r = render(Map.of());

        assertThat(r.kinds())
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "GatewayClass", "Service", "Deployment");
        Map<String, Object> container = onlyContainer(r.one("Deployment"));
        assertThat(strings(container, "args"))
                .containsExactly(
                        "serve",
                        "--kubernetes",
                        "--gateway-class",
                        "infergate",
                        "--admin-port",
                        "9090",
                        "--admin-host",
                        "0.0.0.0");
        assertThat(string(container, "image")).isEqualTo("ghcr.io/infergate/infergate:0.1.0");
        assertThat(string(container, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
        assertThat(string(container, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
        assertThat(containerPort(container, "admin")).isEqualTo(9090);
        assertCommonPodSettings(r.one("Deployment"));

        assertThat(string(r.one("GatewayClass"), "spec", "controllerName"))
                .isEqualTo("infergate.io/gateway-controller");
        Map<String, Object> service = r.one("Service");
        assertThat(string(service, "spec", "type")).isEqualTo("LoadBalancer");
        assertThat(list(service, "spec", "ports"))
                .singleElement()
                .satisfies(p -> assertThat(map(p)).containsEntry("port", 80).containsEntry("targetPort", 80));
        assertThat(containerPort(container, "http")).isEqualTo(80);
        // a non-root process binds the listener's port 80 thanks to this (safe) sysctl
        assertThat(list(r.one("Deployment"), "spec", "template", "spec", "securityContext", "sysctls"))
                .containsExactly(Map.of("name", "net.ipv4.ip_unprivileged_port_start", "value", "0"));

        Map<String, Object> role = r.one("ClusterRole");
        assertRulesAreLeastPrivilege(role);
        assertThat(readable(role))
                .containsAll(List.of(
                        "inference.networking.k8s.io/inferencepools",
                        "inference.networking.x-k8s.io/inferencepools",
                        "inference.networking.x-k8s.io/inferencemodels",
                        "inference.networking.x-k8s.io/inferenceobjectives",
                        "inference.networking.x-k8s.io/inferencemodelrewrites",
                        "/pods",
                        "/services",
                        "/configmaps",
                        "/secrets",
                        "discovery.k8s.io/endpointslices",
                        "gateway.networking.k8s.io/gateways",
                        "gateway.networking.k8s.io/gatewayclasses",
                        "gateway.networking.k8s.io/httproutes",
                        "gateway.networking.k8s.io/tcproutes"));
        assertThat(writable(role))
                .containsExactlyInAnyOrder(
                        "inference.networking.k8s.io/inferencepools/status",
                        "inference.networking.x-k8s.io/inferencepools/status",
                        "inference.networking.x-k8s.io/inferencemodels/status",
                        "gateway.networking.k8s.io/gateways/status",
                        "gateway.networking.k8s.io/httproutes/status",
                        "gateway.networking.k8s.io/tcproutes/status");
        assertThat(string(r.one("ClusterRoleBinding"), "roleRef", "name")).isEqualTo(name(role));
    }

    @Test
    void gatewayModeWithReplicasTurnsLeaderElectionOnWithALeaseRole() {
        Rendered r = render(Map.of("replicas", 2, "gateway.gatewayClass.create", false));

        assertThat(r.kinds()).doesNotContain("GatewayClass").contains("Role", "RoleBinding");
        assertThat(strings(onlyContainer(r.one("Deployment")), "args")).contains("--ha-enable-leader-election");
        assertLeaseRole(r.one("Role"));
    }

    @Test
    void pickerModeRendersThePoolItsPickerAndTheServiceThePoolPointsAt() {
        Rendered r = render(Map.of("mode", "picker", "inferencePool.modelServers.matchLabels.app", "vllm-qwen3"));

        assertThat(r.kinds())
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "Role", "RoleBinding", "InferencePool", "Service", "Deployment");
        Map<String, Object> deployment = r.one("Deployment");
        assertThat(name(deployment)).isEqualTo("demo-epp");
        assertThat(string(deployment, "spec", "strategy", "type")).isEqualTo("Recreate");
        Map<String, Object> container = onlyContainer(deployment);
        assertThat(strings(container, "args"))
                .containsExactly(
                        "epp",
                        "--pool-name",
                        RELEASE,
                        "--pool-namespace",
                        NAMESPACE,
                        "--grpc-port",
                        "9002",
                        "--grpc-health-port",
                        "9003",
                        "--metrics-port",
                        "9090");
        assertThat(map(container, "readinessProbe", "grpc"))
                .containsEntry("port", 9003)
                .containsEntry("service", "readiness");
        assertThat(map(container, "livenessProbe", "grpc"))
                .containsEntry("port", 9003)
                .containsEntry("service", "liveness");
        assertCommonPodSettings(deployment);

        Map<String, Object> service = r.one("Service");
        Map<String, Object> extProc = servicePort(service, 9002);
        assertThat(extProc).containsEntry("name", "grpc-ext-proc").containsEntry("appProtocol", "http2");
        assertThat(servicePort(service, 9003)).isNotNull();
        assertThat(servicePort(service, 9090)).containsEntry("name", "http-metrics");
        assertThat(map(service, "spec", "selector"))
                .isEqualTo(map(deployment, "spec", "template", "metadata", "labels"));

        Map<String, Object> pool = r.one("InferencePool");
        assertThat(string(pool, "apiVersion")).isEqualTo("inference.networking.k8s.io/v1");
        assertThat(name(pool)).isEqualTo(RELEASE);
        assertThat(map(pool, "spec", "selector", "matchLabels")).isEqualTo(Map.of("app", "vllm-qwen3"));
        assertThat(list(pool, "spec", "targetPorts")).containsExactly(Map.of("number", 8000));
        Map<String, Object> ref = map(pool, "spec", "endpointPickerRef");
        assertThat(ref)
                .containsEntry("kind", "Service")
                .containsEntry("name", name(service))
                .containsEntry("failureMode", "FailClose");
        assertThat(map(ref, "port")).containsEntry("number", extProc.get("port"));

        Map<String, Object> role = r.one("Role");
        assertRulesAreLeastPrivilege(role);
        assertThat(readable(role))
                .containsExactlyInAnyOrder(
                        "/pods",
                        "inference.networking.k8s.io/inferencepools",
                        "inference.networking.x-k8s.io/inferenceobjectives",
                        "inference.networking.x-k8s.io/inferencemodelrewrites",
                        "inference.networking.x-k8s.io/inferencemodels");
        assertThat(writable(role)).containsExactly("inference.networking.x-k8s.io/inferencemodels/status");
    }

    @Test
    void pickerModeRendersTheEndpointPickerConfigAndTheIstioDestinationRule() throws IOException {
        Rendered r = render(Map.of(), resource("deploy/picker-with-config.yaml"));

        Map<String, Object> configMap = r.one("ConfigMap");
        String config = string(configMap, "data", "config.yaml");
        LoadResult loaded = Manifests.load("config.yaml", config);
        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.manifests().endpointPickerConfigs()).hasSize(1);

        Map<String, Object> deployment = r.one("Deployment");
        Map<String, Object> container = onlyContainer(deployment);
        assertThat(strings(container, "args"))
                .containsSequence("--config-file", "/config/config.yaml")
                .contains("--pool-name");
        assertThat(list(container, "volumeMounts"))
                .anySatisfy(
                        m -> assertThat(map(m)).containsEntry("name", "config").containsEntry("mountPath", "/config"));
        assertThat(list(deployment, "spec", "template", "spec", "volumes"))
                .anySatisfy(v -> assertThat(map(v, "configMap")).containsEntry("name", name(configMap)));
        assertThat(map(deployment, "spec", "template", "metadata", "annotations"))
                .containsKey("infergate.io/config-checksum");

        Map<String, Object> pool = r.one("InferencePool");
        assertThat(list(pool, "spec", "targetPorts")).containsExactly(Map.of("number", 8000), Map.of("number", 8001));
        assertThat(string(pool, "spec", "endpointPickerRef", "failureMode")).isEqualTo("FailOpen");

        Map<String, Object> rule = r.one("DestinationRule");
        assertThat(string(rule, "spec", "host")).isEqualTo("demo-epp.llm.svc.cluster.local");
        assertThat(map(rule, "spec", "trafficPolicy", "tls"))
                .containsEntry("mode", "SIMPLE")
                .containsEntry("insecureSkipVerify", true);
        assertThat(map(rule, "spec", "trafficPolicy", "connectionPool", "http"))
                .containsEntry("maxRequestsPerConnection", 256000);
    }

    @Test
    void pickerModeOnGkeAddsHealthCheckAndBackendPoliciesForThePool() {
        Rendered r = render(
                Map.of("mode", "picker", "inferencePool.modelServers.matchLabels.app", "vllm", "provider.name", "gke"));

        for (String kind : List.of("HealthCheckPolicy", "GCPBackendPolicy")) {
            assertThat(map(r.one(kind), "spec", "targetRef"))
                    .containsEntry("group", "inference.networking.k8s.io")
                    .containsEntry("kind", "InferencePool")
                    .containsEntry("name", RELEASE);
        }
        assertThat(map(r.one("HealthCheckPolicy"), "spec", "default", "config", "httpHealthCheck"))
                .containsEntry("requestPath", "/health")
                .containsEntry("port", 8000);
        assertThat(r.kinds()).doesNotContain("DestinationRule", "ConfigMap");
    }

    @Test
    void pickerModeWithLeaderElectionAddsTheFlagAndALeaseRole() {
        Rendered r = render(Map.of(
                "mode",
                "picker",
                "inferencePool.modelServers.matchLabels.app",
                "vllm",
                "leaderElection.enabled",
                true));

        assertThat(strings(onlyContainer(r.one("Deployment")), "args")).contains("--ha-enable-leader-election");
        List<Map<String, Object>> roles = r.all("Role");
        assertThat(roles).hasSize(2);
        assertLeaseRole(roles.stream()
                .filter(x -> name(x).endsWith("-leader-election"))
                .findFirst()
                .orElseThrow());
    }

    @Test
    void pickerModeWithoutModelServerLabelsFails() {
        assertThatThrownBy(() -> render(Map.of("mode", "picker")))
                .hasMessageContaining("inferencePool.modelServers.matchLabels");
    }

    @Test
    void anUnknownProviderFailsTheValuesSchema() {
        assertThatThrownBy(() -> render(Map.of(
                        "mode",
                        "picker",
                        "inferencePool.modelServers.matchLabels.app",
                        "vllm",
                        "provider.name",
                        "nginx")))
                .hasMessageContaining("/provider/name");
    }

    @Test
    void gatewayModeWithoutPrivilegedPortsMapsServicePortsToHighTargetPorts() {
        Rendered r = render(Map.of(), resource("deploy/gateway-high-ports.yaml"));

        Map<String, Object> pod = map(r.one("Deployment"), "spec", "template", "spec");
        assertThat(map(pod, "securityContext")).doesNotContainKey("sysctls");
        assertThat(containerPort(onlyContainer(r.one("Deployment")), "http")).isEqualTo(8080);
        assertThat(string(r.one("Service"), "spec", "type")).isEqualTo("ClusterIP");
        assertThat(list(r.one("Service"), "spec", "ports"))
                .singleElement()
                .satisfies(p -> assertThat(map(p)).containsEntry("port", 80).containsEntry("targetPort", 8080));
    }

    @Test
    void anUnknownModeFailsTheValuesSchema() {
        assertThatThrownBy(() -> render(Map.of("mode", "bogus")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("/mode");
    }

    // --- CRDs and examples ----------------------------------------------------------------------------------

    @Test
    void everyCrdIsTheExpectedCustomResourceDefinition() throws IOException {
        record Expected(String group, String kind, String version, List<String> shortNames) {}
        Map<String, Expected> expected = Map.of(
                "inferencepools.inference.networking.k8s.io",
                new Expected("inference.networking.k8s.io", "InferencePool", "v1", List.of("infpool")),
                "inferencepools.inference.networking.x-k8s.io",
                new Expected("inference.networking.x-k8s.io", "InferencePool", "v1alpha2", List.of("xinfpool")),
                "inferencemodels.inference.networking.x-k8s.io",
                new Expected("inference.networking.x-k8s.io", "InferenceModel", "v1alpha2", List.of()),
                "inferenceobjectives.inference.networking.x-k8s.io",
                new Expected("inference.networking.x-k8s.io", "InferenceObjective", "v1alpha2", List.of()),
                "inferencemodelrewrites.inference.networking.x-k8s.io",
                new Expected("inference.networking.x-k8s.io", "InferenceModelRewrite", "v1alpha2", List.of()));

        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (Path file : yamlFiles(REPO.resolve("deploy/crds"))) {
            List<Map<String, Object>> docs = parseAll(Files.readString(file));
            assertThat(docs).as(file.toString()).hasSize(1);
            Map<String, Object> crd = docs.getFirst();
            assertThat(string(crd, "apiVersion")).isEqualTo("apiextensions.k8s.io/v1");
            assertThat(string(crd, "kind")).isEqualTo("CustomResourceDefinition");
            found.put(name(crd), crd);
        }
        assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());

        expected.forEach((crdName, e) -> {
            Map<String, Object> crd = found.get(crdName);
            assertThat(string(crd, "spec", "group")).as(crdName).isEqualTo(e.group());
            assertThat(string(crd, "spec", "names", "kind")).as(crdName).isEqualTo(e.kind());
            assertThat(string(crd, "spec", "names", "plural") + "." + e.group()).isEqualTo(crdName);
            assertThat(string(crd, "spec", "scope")).isEqualTo("Namespaced");
            Object shortNames = map(crd, "spec", "names").getOrDefault("shortNames", List.of());
            assertThat(shortNames).as(crdName).isEqualTo(e.shortNames());
            Map<String, Object> version = map(list(crd, "spec", "versions").getFirst());
            assertThat(list(crd, "spec", "versions")).hasSize(1);
            assertThat(version)
                    .containsEntry("name", e.version())
                    .containsEntry("served", true)
                    .containsEntry("storage", true);
            assertThat(map(version, "subresources")).containsKey("status");
            assertThat(map(version, "schema", "openAPIV3Schema", "properties")).containsKeys("spec", "status");
        });

        Map<String, Object> v1Pool = map(
                list(found.get("inferencepools.inference.networking.k8s.io"), "spec", "versions")
                        .getFirst(),
                "schema",
                "openAPIV3Schema",
                "properties",
                "spec");
        assertThat(strings(v1Pool, "required")).containsExactly("selector", "targetPorts");
        assertThat(map(v1Pool, "properties", "targetPorts")).containsEntry("maxItems", 8);
        assertThat(map(v1Pool, "properties", "endpointPickerRef", "properties", "failureMode"))
                .containsEntry("default", "FailClose");
        assertThat(celRules(map(v1Pool, "properties", "targetPorts")))
                .containsExactly("self.all(p1, self.exists_one(p2, p1.number==p2.number))");
        assertThat(celRules(map(v1Pool, "properties", "endpointPickerRef")))
                .containsExactly("self.kind != 'Service' || has(self.port)");

        Map<String, Object> model =
                map(list(found.get("inferencemodels.inference.networking.x-k8s.io"), "spec", "versions")
                        .getFirst());
        assertThat(list(model, "additionalPrinterColumns"))
                .extracting(c -> map(c).get("name"))
                .containsExactly("Model Name", "Inference Pool", "Criticality", "Age");
        Map<String, Object> modelSpec = map(model, "schema", "openAPIV3Schema", "properties", "spec", "properties");
        assertThat(celRules(map(modelSpec, "modelName"))).containsExactly("self == oldSelf");
        assertThat(celRules(map(modelSpec, "targetModels")))
                .containsExactly("self.all(model, has(model.weight)) || self.all(model, !has(model.weight))");
    }

    @Test
    void gatewayModeExamplesLoadWithOurLoader() throws IOException {
        LoadResult r = loadExamples(yamlFiles(EXAMPLES.resolve("gateway")), "", Set.of());

        assertThat(r.manifests().gateways())
                .singleElement()
                .satisfies(g -> assertThat(g.gatewayClassName()).isEqualTo("infergate"));
        assertThat(r.manifests().httpRoutes()).hasSize(1);
        assertThat(r.manifests().inferencePools()).hasSize(1);
        assertThat(r.manifests().inferenceObjectives()).hasSize(2);
        assertThat(r.manifests().inferenceModelRewrites()).hasSize(1);
    }

    /**
     * The picker example's manifests, with each of its Gateways, plus what the chart renders from the example's
     * values.yaml (the InferencePool the HTTPRoute points at and the picker's Service).
     */
    @Test
    void pickerModeExamplesLoadWithOurLoaderTogetherWithTheChartsPool() throws IOException {
        Path dir = EXAMPLES.resolve("picker");
        String rendered = renderedForLoader(dir.resolve("values.yaml"));
        List<Path> shared = yamlFiles(dir).stream()
                .filter(f -> !Set.of("values.yaml", "gateway.yaml")
                        .contains(f.getFileName().toString()))
                .toList();
        List<Path> gateways = new ArrayList<>(List.of(dir.resolve("gateway.yaml")));
        gateways.addAll(yamlFiles(dir.resolve("providers")));
        assertThat(gateways).hasSize(3);

        for (Path gateway : gateways) {
            List<Path> files = new ArrayList<>(shared);
            files.add(gateway);
            // The route is served by Envoy/Istio/GKE, which need its request timeout; Infergate's own loader
            // rejects `timeouts` because Infergate (as a gateway) does not implement it.
            LoadResult r = loadExamples(files, rendered, Set.of("spec.rules[0].timeouts"));

            assertThat(r.manifests().gateways()).as(gateway.toString()).hasSize(1);
            assertThat(r.manifests().httpRoutes()).hasSize(1);
            assertThat(r.manifests().inferencePools()).singleElement().satisfies(pool -> {
                assertThat(pool.metadata().name()).isEqualTo("vllm-qwen3-32b");
                assertThat(pool.endpointPicker()).isPresent();
            });
            assertThat(r.manifests().services()).hasSize(1);
            assertThat(r.manifests().inferenceObjectives()).hasSize(2);
            assertThat(r.manifests().inferenceModelRewrites()).hasSize(1);
        }
    }

    /** The documents of the chart's picker-mode output that our loader knows, as one YAML text. */
    private static String renderedForLoader(Path valuesFile) {
        TemplateCommand template = new Helm(CHART)
                .template()
                .withName("vllm-qwen3-32b")
                .withNamespace("default")
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(valuesFile);
        List<Object> known = new ArrayList<>();
        for (Map<String, Object> doc : parseAll(template.call())) {
            if (Set.of("InferencePool", "Service", "ConfigMap").contains(doc.get("kind"))) {
                known.add(doc);
            }
        }
        assertThat(known).hasSize(2);
        return new Dump(DumpSettings.builder().build()).dumpAllToString(known.iterator());
    }

    /**
     * Loads manifests together (so references between files resolve) and checks that the only errors are the
     * cluster-only kinds (the model-server Deployment, a GatewayClass), which our loader does not know, and the
     * given HTTPRoute fields that only a foreign gateway implements.
     */
    private static LoadResult loadExamples(List<Path> files, String extraYaml, Set<String> foreignFields) {
        assertThat(files).isNotEmpty();
        ManifestLoader loader = new ManifestLoader();
        files.forEach(loader::add);
        if (!extraYaml.isEmpty()) {
            loader.add("helm-template", new StringReader(extraYaml));
        }
        LoadResult r = Manifests.validated(loader.result());
        List<Problem> unexpected = new ArrayList<>();
        for (Problem p : r.errors()) {
            boolean clusterOnly = p.field().equals("kind")
                    && CLUSTER_ONLY_KINDS.stream().anyMatch(k -> p.message().startsWith("unknown kind " + k + " "));
            boolean foreign = p.object().equals("HTTPRoute/llm-route") && foreignFields.contains(p.field());
            if (!clusterOnly && !foreign) {
                unexpected.add(p);
            }
        }
        assertThat(unexpected).extracting(Problem::format).isEmpty();
        return r;
    }

    // --- rendering and YAML access --------------------------------------------------------------------------

    /** The documents of one {@code helm template} run. */
    private record Rendered(List<Map<String, Object>> docs) {

        List<String> kinds() {
            return docs.stream().map(d -> string(d, "kind")).toList();
        }

        List<Map<String, Object>> all(String kind) {
            return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        }

        Map<String, Object> one(String kind) {
            List<Map<String, Object>> found = all(kind);
            assertThat(found).as("documents of kind %s in %s", kind, kinds()).hasSize(1);
            return found.getFirst();
        }
    }

    private static Rendered render(Map<String, Object> sets, Path... valuesFiles) {
        TemplateCommand template = new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path f : valuesFiles) {
            template = template.withValuesFile(f);
        }
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            template = template.set(e.getKey(), e.getValue());
        }
        List<Map<String, Object>> docs = parseAll(template.call());
        for (Map<String, Object> d : docs) {
            assertThat(d).containsKeys("apiVersion", "kind", "metadata");
            assertThat(name(d)).isNotBlank();
        }
        return new Rendered(docs);
    }

    private static List<Map<String, Object>> parseAll(String yaml) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (doc != null) {
                assertThat(doc).isInstanceOf(Map.class);
                docs.add(map(doc));
            }
        }
        return docs;
    }

    private static List<Object> celRules(Map<String, Object> schema) {
        return list(schema, "x-kubernetes-validations").stream()
                .map(v -> map(v).get("rule"))
                .toList();
    }

    private static void assertCommonPodSettings(Map<String, Object> deployment) {
        Map<String, Object> pod = map(deployment, "spec", "template", "spec");
        assertThat(pod).containsEntry("terminationGracePeriodSeconds", 130);
        assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true);
        Map<String, Object> container = onlyContainer(deployment);
        assertThat(map(container, "securityContext")).containsEntry("allowPrivilegeEscalation", false);
        Map<String, String> fieldRefs = new LinkedHashMap<>();
        for (Object env : list(container, "env")) {
            Map<String, Object> e = map(env);
            if (e.get("valueFrom") != null) {
                fieldRefs.put(string(e, "name"), string(e, "valueFrom", "fieldRef", "fieldPath"));
            }
        }
        assertThat(fieldRefs)
                .containsEntry("NAMESPACE", "metadata.namespace")
                .containsEntry("POD_NAME", "metadata.name");
        assertThat(string(pod, "serviceAccountName")).isNotBlank();
    }

    /** No wildcards; reads anywhere; writes only on status subresources (update/patch) and leases. */
    private static void assertRulesAreLeastPrivilege(Map<String, Object> role) {
        for (Object o : list(role, "rules")) {
            Map<String, Object> rule = map(o);
            List<String> verbs = strings(rule, "verbs");
            List<String> resources = strings(rule, "resources");
            assertThat(verbs).doesNotContain("*");
            assertThat(resources).doesNotContain("*");
            assertThat(strings(rule, "apiGroups")).doesNotContain("*");
            if (!READ_VERBS.containsAll(verbs)) {
                boolean status =
                        resources.stream().allMatch(x -> x.endsWith("/status")) && STATUS_VERBS.containsAll(verbs);
                boolean lease = resources.equals(List.of("leases")) && LEASE_VERBS.containsAll(verbs);
                assertThat(status || lease).as("write rule %s", rule).isTrue();
            }
        }
    }

    private static void assertLeaseRole(Map<String, Object> role) {
        assertRulesAreLeastPrivilege(role);
        assertThat(list(role, "rules")).singleElement().satisfies(rule -> {
            assertThat(strings(map(rule), "apiGroups")).containsExactly("coordination.k8s.io");
            assertThat(strings(map(rule), "resources")).containsExactly("leases");
            assertThat(strings(map(rule), "verbs")).containsExactlyInAnyOrder("get", "create", "update");
        });
    }

    /** group/resource pairs a role may read (core group written as an empty group). */
    private static Set<String> readable(Map<String, Object> role) {
        return grants(role, "list");
    }

    private static Set<String> writable(Map<String, Object> role) {
        Set<String> writes = grants(role, "update");
        writes.addAll(grants(role, "patch"));
        return writes;
    }

    private static Set<String> grants(Map<String, Object> role, String verb) {
        Set<String> out = new TreeSet<>();
        for (Object o : list(role, "rules")) {
            Map<String, Object> rule = map(o);
            if (strings(rule, "verbs").contains(verb)) {
                for (String g : strings(rule, "apiGroups")) {
                    for (String res : strings(rule, "resources")) {
                        out.add(g + "/" + res);
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, Object> onlyContainer(Map<String, Object> deployment) {
        List<Object> containers = list(deployment, "spec", "template", "spec", "containers");
        assertThat(containers).hasSize(1);
        return map(containers.getFirst());
    }

    private static Object containerPort(Map<String, Object> container, String portName) {
        return list(container, "ports").stream()
                .map(HelmChartTest::map)
                .filter(p -> portName.equals(p.get("name")))
                .findFirst()
                .map(p -> p.get("containerPort"))
                .orElseThrow(() -> new AssertionError("no port " + portName));
    }

    private static Map<String, Object> servicePort(Map<String, Object> service, int port) {
        return list(service, "spec", "ports").stream()
                .map(HelmChartTest::map)
                .filter(p -> Integer.valueOf(port).equals(p.get("port")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no service port " + port + " in " + service));
    }

    private static String name(Map<String, Object> doc) {
        return string(doc, "metadata", "name");
    }

    private static Object at(Object node, String... path) {
        Object cur = node;
        for (String key : path) {
            assertThat(cur)
                    .as("parent of %s in %s", key, String.join(".", path))
                    .isInstanceOf(Map.class);
            cur = ((Map<?, ?>) cur).get(key);
            assertThat(cur).as("%s (in %s)", key, String.join(".", path)).isNotNull();
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String... path) {
        Object v = at(node, path);
        assertThat(v).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String... path) {
        Object v = at(node, path);
        assertThat(v).isInstanceOf(List.class);
        return (List<Object>) v;
    }

    private static String string(Object node, String... path) {
        Object v = at(node, path);
        assertThat(v).isInstanceOf(String.class);
        return (String) v;
    }

    private static List<String> strings(Object node, String... path) {
        return list(node, path).stream().map(String::valueOf).toList();
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(
                    HelmChartTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Maven runs tests in the module directory; an IDE may use the repository root. */
    private static Path repoRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/helm/infergate"))) {
                return p;
            }
        }
        throw new UncheckedIOException(new IOException("no deploy/helm/infergate above " + cwd));
    }
}
