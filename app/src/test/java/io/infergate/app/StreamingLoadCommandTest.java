package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.bench.workload.TraceFile;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StreamingLoadCommandTest {

    private static StreamingLoadCommand parse(String... args) {
        CommandLine.ParseResult result = Main.newCommandLine().parseArgs(args);
        return result.subcommand().subcommand().commandSpec().commandLine().getCommand();
    }

    @Test
    void aNamedWorkloadIsScheduledAtTheRateForTheDuration() {
        StreamingLoadCommand.Plan plan = parse(
                        "bench",
                        "load",
                        "--target",
                        "http://127.0.0.1:9",
                        "--workload",
                        "shared-prefix-small",
                        "--rate",
                        "20",
                        "--arrivals",
                        "gamma",
                        "--cv",
                        "3",
                        "--duration",
                        "5",
                        "--seed",
                        "7",
                        "--slo-ttft-ms",
                        "500",
                        "--label",
                        "gw")
                .plan();
        assertThat(plan.workloadName()).isEqualTo("shared-prefix-small");
        assertThat(plan.label()).isEqualTo("gw");
        assertThat(plan.slo().ttftMillis()).isEqualTo(500);
        assertThat(plan.slo().tpotMillis()).isEqualTo(100);
        assertThat(plan.requests())
                .hasSizeBetween(40, 200)
                .allSatisfy(r -> assertThat(r.arrivalNanos()).isLessThan(5_000_000_000L));
        assertThat(plan.settings()).containsEntry("arrivals", "gamma cv 3.0").containsEntry("seed", "7");
        // the same options give the same requests
        assertThat(parse(
                                "bench",
                                "load",
                                "--target",
                                "http://127.0.0.1:9",
                                "--workload",
                                "shared-prefix-small",
                                "--rate",
                                "20",
                                "--arrivals",
                                "gamma",
                                "--cv",
                                "3",
                                "--duration",
                                "5",
                                "--seed",
                                "7")
                        .plan()
                        .requests())
                .isEqualTo(plan.requests());
        assertThat(parse("bench", "load", "--target", "http://127.0.0.1:9", "--max-requests", "3")
                        .plan()
                        .requests())
                .hasSize(3);
        assertThat(parse("bench", "load", "--target", "http://gw.local:8080")
                        .plan()
                        .label())
                .isEqualTo("gw.local:8080");
    }

    @Test
    void aTraceIsReplayedInArrivalOrderAndCutAtTheDuration(@TempDir Path dir) {
        Path trace = dir.resolve("t.jsonl");
        TraceFile.write(
                trace,
                List.of(
                        WorkloadRequest.of("m", 0, "second", 4, "", "").withArrivalNanos(2_000_000_000L),
                        WorkloadRequest.of("m", 0, "first", 4, "", "").withArrivalNanos(1_000_000_000L),
                        WorkloadRequest.of("m", 0, "too late", 4, "", "").withArrivalNanos(9_000_000_000L)));
        StreamingLoadCommand.Plan plan = parse(
                        "bench",
                        "load",
                        "--target",
                        "http://127.0.0.1:9",
                        "--trace",
                        trace.toString(),
                        "--duration",
                        "5")
                .plan();
        assertThat(plan.requests()).extracting(WorkloadRequest::prompt).containsExactly("first", "second");
        assertThat(plan.rate()).isEqualTo(1.0);
    }

    @Test
    void badOptionsAreUsageErrorsWithExitStatus2(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("bad.jsonl"), "not json\n");
        for (String[] args : List.of(
                new String[] {"bench", "load"},
                new String[] {"bench", "load", "--target", "https://x:1"},
                new String[] {"bench", "load", "--target", "http://x:1", "--workload", "nope"},
                new String[] {"bench", "load", "--target", "http://x:1", "--rate", "0"},
                new String[] {"bench", "load", "--target", "http://x:1", "--arrivals", "bursty"},
                new String[] {"bench", "load", "--target", "http://x:1", "--cv", "2"},
                new String[] {"bench", "load", "--target", "http://x:1", "--arrivals", "gamma", "--cv", "-1"},
                new String[] {"bench", "load", "--target", "http://x:1", "--duration", "0"},
                new String[] {"bench", "load", "--target", "http://x:1", "--max-requests", "0"},
                new String[] {"bench", "load", "--target", "http://x:1", "--timeout", "-1"},
                new String[] {"bench", "load", "--target", "http://x:1", "--slo-tpot-ms", "0"},
                new String[] {"bench", "load", "--target", "http://x:1", "--label", " "},
                new String[] {"bench", "load", "--target", "http://x:1", "--trace", garbage.toString()},
                new String[] {
                    "bench",
                    "load",
                    "--target",
                    "http://x:1",
                    "--trace",
                    dir.resolve("none").toString()
                },
                new String[] {"bench", "load", "--target", "http://x:1", "--trace", garbage.toString(), "--rate", "3"},
                new String[] {
                    "bench", "load", "--target", "http://x:1", "--trace", garbage.toString(), "--workload", "sharegpt"
                })) {
            CommandLine cl = Main.newCommandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            assertThat(cl.execute(args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString())
                    .as(String.join(" ", args))
                    .containsAnyOf("expected", "Missing required", "do not apply", "applies to", "--trace: ");
        }
    }

    @Test
    void runsAgainstASimulatorReplicaPrintsTheSummaryAndWritesJson(@TempDir Path dir) throws Exception {
        try (SimReplica replica = new SimReplica(ReplicaSpec.builder(Preset.DEFAULT.config().toBuilder()
                                .numGpuBlocks(2048)
                                .clampMaxModelLenToCache()
                                .build())
                        .seed(5)
                        .build())
                .start()) {
            Path json = dir.resolve("out/run.json");
            CommandLine cl = Main.newCommandLine();
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            int status = cl.execute(
                    "bench",
                    "load",
                    "--target",
                    replica.url(),
                    "--workload",
                    "sharegpt",
                    "--rate",
                    "20",
                    "--arrivals",
                    "constant",
                    "--duration",
                    "0.2",
                    "--max-requests",
                    "3",
                    "--label",
                    "direct",
                    "--json",
                    json.toString());
            assertThat(status).as(out.toString()).isZero();
            assertThat(out.toString())
                    .contains("target=direct sent=3 completed=3 shed=0 failed=0")
                    .contains("ITL ms:")
                    .contains("| direct | 3 |");
            JsonNode report = JsonMapper.shared().readTree(json.toFile());
            assertThat(report.path("workload").asString()).isEqualTo("sharegpt");
            JsonNode point = report.path("points").path(0);
            assertThat(point.path("policy").asString()).isEqualTo("direct");
            assertThat(point.path("rate").asDouble()).isEqualTo(20);
            assertThat(point.path("summary").path("completed").asInt()).isEqualTo(3);
            assertThat(report.path("itlMillis").path("count").asLong()).isPositive();
        }
    }
}
