package io.infergate.scheduler.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;

/** Test helpers: manifests loaded through the real loader and validator. */
final class Sets {

    static final String POOLS = """
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: pool}
            spec:
              selector: {matchLabels: {app: vllm}}
              targetPorts: [{number: 8000}]
              endpointPickerRef: {name: epp, port: {number: 9002}}
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferencePool
            metadata: {name: legacy}
            spec:
              selector: {app: vllm}
              targetPortNumber: 8000
              extensionRef: {name: epp}
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferencePool
            metadata: {name: other}
            spec:
              selector: {app: other}
              targetPortNumber: 8000
              extensionRef: {name: epp}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: epp}
            spec:
              selector: {app: epp}
              ports: [{port: 9002}]
            """;

    private Sets() {}

    /** Loads {@link #POOLS} plus {@code yaml}, asserting there is no error. */
    static ManifestSet load(String yaml) {
        LoadResult r = Manifests.load("test.yaml", POOLS + "---\n" + yaml);
        assertThat(r.errors())
                .as(() -> String.join(
                        "\n", r.errors().stream().map(Problem::format).toList()))
                .isEmpty();
        return r.manifests();
    }

    static InferencePool pool(ManifestSet set, String group, String name) {
        return set.inferencePool(group, "default", name).orElseThrow();
    }

    static PoolModels v1(ManifestSet set) {
        return PoolModels.compile(set, pool(set, "inference.networking.k8s.io", "pool"));
    }

    static PoolModels legacy(ManifestSet set) {
        return PoolModels.compile(set, pool(set, "inference.networking.x-k8s.io", "legacy"));
    }

    static PoolModels other(ManifestSet set) {
        return PoolModels.compile(set, pool(set, "inference.networking.x-k8s.io", "other"));
    }
}
