package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The argument lists the Helm chart gives the container (deploy/helm/infergate, checked in HelmChartTest) parse
 * with the command line they run against, so the chart and the CLI cannot drift apart unnoticed.
 */
class ChartArgumentsTest {

    private static Object parse(String... args) {
        CommandLine.ParseResult parsed = Main.newCommandLine().parseArgs(args);
        return parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void gatewayModeArguments() {
        ServeCommand serve = (ServeCommand) parse(
                "serve",
                "--kubernetes",
                "--gateway-class",
                "infergate",
                "--admin-port",
                "9090",
                "--admin-host",
                "0.0.0.0",
                "--ha-enable-leader-election");
        assertThat(serve.kubernetes).isTrue();
        assertThat(serve.gatewayClasses).containsExactly("infergate");
        assertThat(serve.leaderElection).isTrue();
        assertThat(serve.adminPort).isEqualTo(9090);
    }

    @Test
    void pickerModeArguments() {
        EppCommand epp = (EppCommand) parse(
                "epp",
                "--pool-name",
                "demo",
                "--pool-namespace",
                "llm",
                "--grpc-port",
                "9002",
                "--grpc-health-port",
                "9003",
                "--metrics-port",
                "9090",
                "--config-file",
                "/config/config.yaml",
                "--ha-enable-leader-election");
        assertThat(epp.poolName).isEqualTo("demo");
        assertThat(epp.poolNamespace).isEqualTo("llm");
        assertThat(epp.grpcPort).isEqualTo(9002);
        assertThat(epp.healthPort).isEqualTo(9003);
        assertThat(epp.metricsPort).isEqualTo(9090);
        assertThat(epp.configFile).hasToString("/config/config.yaml");
        assertThat(epp.leaderElection).isTrue();
        assertThat(epp.secureServing).isTrue();
    }
}
