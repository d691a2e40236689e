package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import io.infergate.api.model.InferencePool;
import io.infergate.app.serve.ClusterSets;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Cluster mode leaves out objects with errors and serves the rest. */
class ClusterSetsTest {

    private static LoadResult cluster(String... namesAndTexts) {
        ManifestLoader loader = new ManifestLoader();
        for (int i = 0; i < namesAndTexts.length; i += 2) {
            loader.add(namesAndTexts[i], new StringReader(namesAndTexts[i + 1]));
        }
        return Manifests.validated(loader.result());
    }

    private static String pool(String name, int port) {
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: %s, namespace: llm}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: %d}]
                """.formatted(name, port);
    }

    @Test
    void aBrokenObjectIsLeftOutAndTheRestIsServed() {
        LoadResult result = cluster(
                "cluster:InferencePool/llm/good", pool("good", 8000),
                "cluster:InferencePool/llm/broken", pool("broken", 70000));
        assertThat(result.hasErrors()).isTrue();
        ClusterSets.Servable servable = ClusterSets.of(result);
        assertThat(servable.result().hasErrors()).isFalse();
        assertThat(servable.leftOut()).containsExactly("cluster:InferencePool/llm/broken");
        assertThat(servable.result().manifests().inferencePools())
                .extracting(p -> p.metadata().name())
                .containsExactly("good");
        assertThat(servable.problems()).anyMatch(p -> p.contains("70000"));
    }

    @Test
    void aCleanSetIsServedWhole() {
        ClusterSets.Servable servable = ClusterSets.of(cluster("cluster:InferencePool/llm/good", pool("good", 8000)));
        assertThat(servable.leftOut()).isEmpty();
        assertThat(servable.result().manifests().ofType(InferencePool.class)).hasSize(1);
    }

    @Test
    void errorsThatNameNoClusterObjectAreNotHidden() {
        ClusterSets.Servable servable =
                ClusterSets.of(Manifests.validated(Manifests.load("file.yaml", pool("broken", 70000))));
        assertThat(servable.result().hasErrors()).isTrue();
        assertThat(servable.leftOut()).isEmpty();
    }
}
