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
        Files.writeString(f, POOL);
        Run r = run("validate", "-f", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("0 errors, 0 warnings in 1 object from 1 file" + System.lineSeparator());
    }

    @Test
    void warningsAloneStillExitZero(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("pool.yaml");
        Files.writeString(f, POOL + "  endpointPickerRef:\n    name: epp\n    port:\n      number: 9002\n");
        Run r = run("validate", "-f", f.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith(f + ":12:11: warning: InferencePool/pool: spec.endpointPickerRef.name: Service"
                + " default/epp is not declared");
        assertThat(r.out()).endsWith("0 errors, 1 warning in 1 object from 1 file" + System.lineSeparator());
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
        assertThat(r.out().lines().toList()).containsExactly(
                a + ":10:15: error: InferencePool/pool: spec.targetPorts[0].number: found 70000 (expected: 1..65535)",
                b + ":8:5: error: InferenceObjective/o: spec.poolRef.colour: unknown field \"colour\" (accepted: group,"
                        + " kind, name)",
                "2 errors, 0 warnings in 2 objects from 2 files");
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
}
