package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.extproc.client.GrpcExternalPickers;
import io.infergate.gateway.RetryBudget;
import io.infergate.gateway.proxy.OutlierDetector;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code serve} flags of outlier ejection and the retry budget, parsed into the gateway's settings. */
class ServeResilienceFlagsTest {

    private static ServeCommand parse(String... args) {
        return (ServeCommand)
                Main.newCommandLine().parseArgs(args).subcommand().commandSpec().userObject();
    }

    @Test
    void theDefaultsAreTheGatewaysDefaults() {
        ServeCommand serve = parse("serve");
        assertThat(serve.outlierSettings()).isEqualTo(OutlierDetector.Settings.DEFAULT);
        assertThat(serve.retryBudget()).isEqualTo(RetryBudget.DEFAULT);
        assertThat(serve.pickerTimeout()).isEqualTo(GrpcExternalPickers.DEFAULT_TIMEOUT);
    }

    @Test
    void everyFlagReachesItsSetting() {
        ServeCommand serve = parse(
                "serve",
                "--outlier-consecutive-failures",
                "0",
                "--outlier-base-ejection",
                "10s",
                "--outlier-max-ejection",
                "1m",
                "--outlier-max-ejection-percent",
                "25",
                "--retry-budget-percent",
                "100",
                "--retry-budget-min",
                "0",
                "--picker-timeout",
                "750ms");
        assertThat(serve.outlierSettings())
                .isEqualTo(new OutlierDetector.Settings(0, Duration.ofSeconds(10), Duration.ofMinutes(1), 25));
        assertThat(serve.retryBudget()).isEqualTo(new RetryBudget(100, 0));
        assertThat(serve.pickerTimeout()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void anOutOfRangeValueNamesItsFlag() {
        assertThatThrownBy(() -> parse("serve", "--retry-budget-percent", "101").retryBudget())
                .hasMessage("--retry-budget-percent: 101 (expected: 0..100)");
        assertThatThrownBy(() -> parse("serve", "--outlier-max-ejection", "10s").outlierSettings())
                .hasMessageStartingWith("--outlier-base-ejection PT30S, --outlier-max-ejection PT10S");
        assertThatThrownBy(() -> parse("serve", "--picker-timeout", "0s").pickerTimeout())
                .hasMessage("--picker-timeout: PT0S (expected: a positive duration)");
    }
}
