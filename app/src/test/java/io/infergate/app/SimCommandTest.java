package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.fault.MetricsFault;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimCommandTest {

    private static SimCommand parse(String... args) {
        CommandLine cl = Main.newCommandLine();
        CommandLine.ParseResult result = cl.parseArgs(args);
        return result.subcommand().commandSpec().commandLine().getCommand();
    }

    @Test
    void optionsOverrideThePreset() {
        SimCommand cmd = parse(
                "sim",
                "--preset",
                "llama-3.1-8b-a100",
                "--model",
                "my-model",
                "--num-gpu-blocks",
                "200",
                "--block-size",
                "32",
                "--max-num-seqs",
                "8",
                "--max-num-batched-tokens",
                "512",
                "--no-prefix-caching",
                "--output-lengths",
                "fixed:5",
                "--lora-modules",
                "a=/p/a,b",
                "--max-loras",
                "2",
                "--lora-load-ms",
                "50",
                "--error-rate",
                "0.5",
                "--error-status",
                "503,429",
                "--metrics-fault",
                "garbled",
                "--crash-after-chunks",
                "4");
        EngineConfig c = cmd.replicaSpec().engine();
        assertThat(c.servedModelName()).isEqualTo("my-model");
        assertThat(c.numGpuBlocks()).isEqualTo(200);
        assertThat(c.blockSize()).isEqualTo(32);
        assertThat(c.maxModelLen()).isEqualTo(199 * 32); // clamped to the cache
        assertThat(c.maxNumSeqs()).isEqualTo(8);
        assertThat(c.maxNumBatchedTokens()).isEqualTo(512);
        assertThat(c.enablePrefixCaching()).isFalse();
        assertThat(c.outputLengths()).isEqualTo(new OutputLengthDistribution.Fixed(5));
        assertThat(c.enableLora()).isTrue();
        assertThat(c.maxLoras()).isEqualTo(2);
        assertThat(c.maxCpuLoras()).isEqualTo(2);
        assertThat(c.loraLoadNanos()).isEqualTo(50_000_000L);
        assertThat(cmd.replicaSpec().loraModules())
                .containsExactly(Map.entry("a", "/p/a"), Map.entry("b", "/adapters/b"));
        assertThat(cmd.faults().errorRate()).isEqualTo(0.5);
        assertThat(cmd.faults().errorStatuses()).containsExactly(503, 429);
        assertThat(cmd.faults().metricsFault()).isEqualTo(MetricsFault.GARBLED);
        assertThat(cmd.faults().crashAfterChunks()).isEqualTo(4);
        assertThat(cmd.replicaSpec().modelRoot()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    }

    @Test
    void minStepMsIsTheFloorOfEveryStep() {
        EngineConfig c = parse("sim", "--min-step-ms", "1000").replicaSpec().engine();
        assertThat(c.stepTime().stepMs(0, 1, 100, 0)).isGreaterThanOrEqualTo(1000.0);
        assertThat(parse("sim").replicaSpec().engine().stepTime().stepMs(0, 1, 100, 0))
                .isLessThan(1000.0);
    }

    @Test
    void startsAFleetAndPrintsItsEndpoints() throws Exception {
        SimCommand cmd = parse(
                "sim",
                "--replicas",
                "2",
                "--port",
                "0",
                "--admin-port",
                "0",
                "--num-gpu-blocks",
                "256",
                "--model",
                "tiny",
                "--lora-modules",
                "sql");
        try (SimulatorFleet fleet = cmd.startFleet()) {
            StringWriter out = new StringWriter();
            SimCommand.printEndpoints(fleet, new PrintWriter(out));
            List<SimReplica> rs = fleet.replicas();
            assertThat(out.toString().lines())
                    .containsExactly(
                            "replica sim-0 http://127.0.0.1:" + rs.get(0).port() + " model=tiny",
                            "replica sim-1 http://127.0.0.1:" + rs.get(1).port() + " model=tiny",
                            "admin http://127.0.0.1:" + fleet.adminPort());
            HttpResponse<String> models = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(rs.get(1).url() + "/v1/models"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(models.body()).contains("\"id\":\"tiny\"").contains("\"id\":\"sql\"");
        }
    }

    @Test
    void badValuesAreUsageErrorsWithExitStatus2() {
        for (String[] args : List.of(
                new String[] {"sim", "--error-rate", "2"},
                new String[] {"sim", "--preset", "gpt-5"},
                new String[] {"sim", "--output-lengths", "zipf:3"},
                new String[] {"sim", "--metrics-flavor", "ollama"},
                new String[] {"sim", "--num-gpu-blocks", "1"},
                new String[] {"sim", "--replicas", "0"},
                new String[] {"sim", "--replicas", "many"})) {
            CommandLine cl = Main.newCommandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            assertThat(cl.execute(args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).containsAnyOf("expected", "Invalid value");
        }
    }
}
