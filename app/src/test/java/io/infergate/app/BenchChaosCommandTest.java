package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchChaosCommandTest {

    @Test
    void defaultsAreAQuickRunOfEveryScenario() {
        CommandLine.ParseResult result = Main.newCommandLine().parseArgs("bench", "chaos");
        BenchChaosCommand c =
                result.subcommand().subcommand().commandSpec().commandLine().getCommand();
        assertThat(c.scenarios).containsExactly("faults", "attacks", "scale", "overload");
        assertThat(c.gatewayJvm).containsExactly("-Xmx512m");
        assertThat(c.ttl).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.streams).isEqualTo(1000);
        assertThat(c.streamRamp).isEqualTo(500);
        assertThat(c.gatewayJar).isNull();
    }

    @Test
    void anUnknownScenarioIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("bench", "chaos", "--scenario", "faults,nonsense"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--scenario: nonsense");
    }
}
