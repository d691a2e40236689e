package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchLabVsRealCommandTest {

    @Test
    void defaultsAreThePublishedScenarioOnThreeSeeds() {
        CommandLine.ParseResult result = Main.newCommandLine().parseArgs("bench", "lab-vs-real");
        BenchLabVsRealCommand c =
                result.subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertThat(c.seeds).containsExactly(7L, 8L, 9L);
        assertThat(c.rate).isEqualTo(3.0);
        assertThat(c.duration).isEqualTo(Duration.ofSeconds(25));
        assertThat(c.warmup).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aRateThatIsNotPositiveIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("bench", "lab-vs-real", "--rate", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("expected: rate > 0");
    }
}
