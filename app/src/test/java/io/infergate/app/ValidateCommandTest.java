package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {

    private static final String POOL = """
            apiVersion: inference.networking.k8s.io/v1
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
            """;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void validFilesExitZeroWithASummary(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pool.yaml");
        Files.writeString(f, GATEWAY + "---\n" + POOL);
        Run r = run("validate", "-f", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("0 errors, 0 warnings in 2 objects from 1 file" + System.lineSeparator());
    }

    @Test
    void aSetWithoutAGatewayIsWarnedAboutButStillExitsZero(@TempDir Path dir) throws Exception {
        Path pools = dir.resolve("pool.yaml");
        Path settings = dir.resolve("settings.yaml");
        Files.writeString(pools, POOL);
        Files.writeString(settings, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n");
        Run r = run("validate", "-f", pools.toString(), "-f", settings.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList())
                .containsExactly(
                        "warning: no Gateway in the files given: serve would have no listener",
                        "0 errors, 1 warning in 2 objects from 2 files");
        // the Gateway may be in any of the files given
        Path gateway = dir.resolve("gateway.yaml");
        Files.writeString(gateway, GATEWAY);
        assertThat(run("validate", "-f", pools.toString(), "-f", gateway.toString())
                        .out())
                .doesNotContain("no Gateway");
    }

    @Test
    void warningsAloneStillExitZero(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pool.yaml");
        Files.writeString(f, POOL + "  endpointPickerRef:\n    name: epp\n    port:\n      number: 9002\n");
        Run r = run("validate", "-f", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .startsWith(f + ":12:11: warning: InferencePool/pool: spec.endpointPickerRef.name: Service"
                        + " default/epp is not declared");
        assertThat(r.out())
                .endsWith(ValidateCommand.NO_GATEWAY + System.lineSeparator()
                        + "0 errors, 2 warnings in 1 object from 1" + " file" + System.lineSeparator());
    }

    @Test
    void errorsArePrintedCompilerStyleAndExitOne(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");
        Files.writeString(a, POOL.replace("8000", "70000"));
        Files.writeString(b, """
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata:
                  name: o
                spec:
                  poolRef:
                    name: pool
                    colour: blue
                """);
        Run r = run("validate", "-f", a.toString(), "--filename", b.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines().toList())
                .containsExactly(
                        a
                                + ":10:15: error: InferencePool/pool: spec.targetPorts[0].number: found 70000 (expected: 1..65535)",
                        b
                                + ":8:5: error: InferenceObjective/o: spec.poolRef.colour: unknown field \"colour\" (accepted: group,"
                                + " kind, name)",
                        ValidateCommand.NO_GATEWAY,
                        "2 errors, 1 warning in 2 objects from 2 files");
    }

    @Test
    void missingFileIsAUsageError(@TempDir Path dir) {
        Run r = run("validate", "-f", dir.resolve("nope.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("file not found: " + dir.resolve("nope.yaml"));
        assertThat(r.out()).isEmpty();
    }

    @Test
    void noFileIsAUsageError() {
        Run r = run("validate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--filename=FILE'");
    }

    @Test
    void anEndpointPickerConfigInAConfigMapIsCheckedAtItsLinesInTheManifest(@TempDir Path dir) throws Exception {
        Path pool = dir.resolve("pool.yaml");
        Path cm = dir.resolve("epp.yaml");
        Files.writeString(pool, POOL.replace("  name: pool\n", """
                  name: pool
                  annotations:
                    infergate.io/scheduling-profile: plugins-config/default-plugins.yaml
                """));
        Files.writeString(cm, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: plugins-config
                data:
                  default-plugins.yaml: |
                    apiVersion: inference.networking.x-k8s.io/v1alpha1
                    kind: EndpointPickerConfig
                    plugins:
                    - type: low-queue-filter
                      parameters:
                        threshold: 12x
                    - type: core-metrics-extractor
                      parameters:
                        engineConfigs:
                        - name: myengine
                          queuedRequestSpec: my_queue_depth
                    - type: random-picker
                """);
        Run r = run("validate", "-f", pool.toString(), "-f", cm.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines().toList())
                .containsExactly(
                        cm
                                + ":12:20: error: ConfigMap/plugins-config: plugins[0].parameters.threshold: found string \"12x\""
                                + " (expected: an integer)",
                        cm + ":16:11: warning: ConfigMap/plugins-config: plugins[1].parameters.engineConfigs[0]: engine"
                                + " \"myengine\" reads no queuedRequestsSpec and no kvUsageSpec: its endpoints count as"
                                + " saturated for shedding and flow control, which need the waiting queue or the KV-cache"
                                + " usage",
                        cm + ":17:30: error: ConfigMap/plugins-config: plugins[1].parameters.engineConfigs[0]"
                                + ".queuedRequestSpec: unknown parameter \"queuedRequestSpec\" (accepted: name,"
                                + " queuedRequestsSpec, runningRequestsSpec, kvUsageSpec, loraSpec, cacheInfoSpec,"
                                + " cacheBlockSizeSpec, cacheNumBlocksSpec, cacheBlockSizeLabelName, cacheNumBlocksLabelName)",
                        ValidateCommand.NO_GATEWAY,
                        "2 errors, 2 warnings in 2 objects from 2 files");
    }

    @Test
    void aReferenceToAMissingConfigMapKeyIsAnErrorAtTheAnnotation(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pool.yaml");
        Files.writeString(f, POOL.replace("  name: pool\n", """
                  name: pool
                  annotations:
                    infergate.io/scheduling-profile: plugins-config/plugins.yaml
                """) + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: plugins-config}
                data:
                  default-plugins.yaml: "kind: EndpointPickerConfig"
                """);
        Run r = run("validate", "-f", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines().toList())
                .containsExactly(
                        f + ":6:38: error: InferencePool/pool: metadata.annotations.infergate.io/scheduling-profile:"
                                + " \"plugins-config/plugins.yaml\": ConfigMap default/plugins-config has no key"
                                + " \"plugins.yaml\" (keys: default-plugins.yaml)",
                        ValidateCommand.NO_GATEWAY,
                        "1 error, 1 warning in 2 objects from 1 file");
    }
}
