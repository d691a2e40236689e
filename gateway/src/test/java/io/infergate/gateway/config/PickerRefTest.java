package io.infergate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class PickerRefTest {

    private static ManifestSet load(String ref, String annotations, boolean withService) {
        String yaml = """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, annotations: {%s}}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8000}]
                %s
                """.formatted(annotations, ref == null ? "" : "  endpointPickerRef: " + ref);
        if (withService) {
            yaml += """
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: epp}
                    spec:
                      selector: {app: epp}
                      ports: [{port: 9002, targetPort: 19002}]
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: epp-pod, labels: {app: epp}}
                    status: {podIP: 127.0.0.1, phase: Running}
                    """;
        }
        LoadResult r = Manifests.load("t.yaml", yaml);
        assertThat(r.errors()).as(yaml).isEmpty();
        return r.manifests();
    }

    private static PickerRef resolve(ManifestSet set, boolean standalone) {
        InferencePool pool = set.inferencePools().get(0);
        return PickerRef.resolve(set, pool, standalone);
    }

    @Test
    void noReferenceAndTheBuiltInSpellingAreTheInProcessPicker() {
        assertThat(resolve(load(null, "", false), false)).isInstanceOf(PickerRef.BuiltIn.class);
        assertThat(resolve(load("{group: infergate.io, kind: EndpointPicker, name: x}", "", false), false))
                .isInstanceOf(PickerRef.BuiltIn.class);
    }

    @Test
    void aMissingServiceIsBuiltInStandaloneAndInvalidInCluster() {
        ManifestSet set = load("{name: epp, port: {number: 9002}, failureMode: FailOpen}", "", false);
        assertThat(resolve(set, true)).isInstanceOf(PickerRef.BuiltIn.class);
        assertThat(resolve(set, false)).isInstanceOfSatisfying(PickerRef.Invalid.class, i -> {
            assertThat(i.reason()).contains("Service default/epp").contains("does not exist");
            assertThat(i.failureMode()).isEqualTo(InferencePool.FailureMode.FAIL_OPEN);
        });
    }

    @Test
    void aDeclaredServiceIsExternalAtItsTargetPortWithTlsUnlessTheAnnotationSaysFalse() {
        PickerRef tls = resolve(load("{name: epp, port: {number: 9002}}", "", true), false);
        assertThat(tls).isInstanceOfSatisfying(PickerRef.External.class, e -> {
            assertThat(e.addresses()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 19002));
            assertThat(e.tls()).isTrue();
            assertThat(e.name()).isEqualTo("default/epp:9002");
            assertThat(e.failureMode()).isEqualTo(InferencePool.FailureMode.FAIL_CLOSE);
        });
        PickerRef h2c = resolve(
                load("{name: epp, port: {number: 9002}}", "infergate.io/endpoint-picker-tls: \"false\"", true), true);
        assertThat(h2c)
                .isInstanceOfSatisfying(
                        PickerRef.External.class, e -> assertThat(e.tls()).isFalse());
    }

    @Test
    void anotherKindIsInvalid() {
        assertThat(resolve(load("{group: example.com, kind: Picker, name: p}", "", true), true))
                .isInstanceOf(PickerRef.Invalid.class);
    }

    @Test
    void compileOptionsReachThePools() {
        ManifestSet set = load("{name: epp, port: {number: 9002}}", "", false);
        assertThat(GatewayConfig.compile(set).pools().get(0).picker()).isInstanceOf(PickerRef.BuiltIn.class);
        assertThat(GatewayConfig.compile(set, GatewayConfig.Options.CLUSTER)
                        .pools()
                        .get(0)
                        .picker())
                .isInstanceOf(PickerRef.Invalid.class);
    }
}
