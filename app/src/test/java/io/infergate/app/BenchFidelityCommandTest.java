package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.bench.fidelity.PublishedRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchFidelityCommandTest {

    @Test
    void defaultsReplayBothPublishedConfigsWithSixtySecondStages() {
        CommandLine.ParseResult result = Main.newCommandLine().parseArgs("bench", "fidelity");
        BenchFidelityCommand c =
                result.subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertThat(c.configs).containsExactly(PublishedRun.A, PublishedRun.B);
        assertThat(c.stageLength).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.preset).isEqualTo("llama-3.1-8b-h100");
    }

    @Test
    void anUnknownPresetIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("bench", "fidelity", "--preset", "gpt-5")).isEqualTo(2);
        assertThat(err.toString()).contains("expected one of: llama-3.1-8b-h100");
    }

    @Test
    void shortStagesPrintTheTableForOneConfig() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("bench", "fidelity", "--config", "B", "--stage-length", "200ms"))
                .isEqualTo(0);
        assertThat(out.toString())
                .contains("Config B (vllm+batch_size)")
                .contains("| 111.9 (knee) |")
                .doesNotContain("Config A");
    }
}
