package io.infergate.scheduler.scheduling.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Problem;
import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.scheduler.admission.BandConfig;
import io.infergate.scheduler.admission.FairnessPolicy;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.plugins.InFlightRequestsScorer;
import io.infergate.scheduler.scheduling.plugins.PrefixCacheScorer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The v1.5-style configuration with every section (the api module's test resource, copied). */
class FullConfigTest {

    private static final String FILE = Epc.FULL.toString();
    private static final String TEXT = Epc.read(Epc.FULL);

    private static int line(String needle) {
        int at = TEXT.indexOf(needle);
        return (int) TEXT.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    @Test
    void itsEdfOrderingPolicyIsNotSupportedYet() {
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.load(Epc.FULL);
        assertThat(r.problems()).isEmpty();

        SchedulerSetup setup = SchedulerSetupFactory.build(r, null);

        assertThat(setup.hasErrors()).isTrue();
        assertThat(setup.profile()).isNull();
        assertThat(setup.problems())
                .extracting(Problem::format)
                .containsExactly(FILE + ":" + line("type: edf-ordering-policy")
                        + ":9: error: plugins[10].type: plugin type edf-ordering-policy is not"
                        + " supported by Infergate yet (supported: fcfs-ordering-policy)");
    }

    @Test
    void withFcfsInsteadEverySectionIsApplied() {
        // same lines, so positions stay those of the file
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.load(
                FILE, TEXT.replace("type: edf-ordering-policy", "type: fcfs-ordering-policy"));
        SchedulerSetup setup = SchedulerSetupFactory.build(r, null);

        assertThat(setup.problems()).extracting(Problem::format).isEmpty();
        SchedulerProfile p = setup.profile();
        assertThat(p.scorers())
                .extracting(ws -> ws.scorer().name() + "*" + ws.weight())
                .containsExactly(
                        "queue-scorer*2.0",
                        "kv-cache-utilization-scorer*2.0",
                        "prefix-cache-scorer*3.0",
                        "inflight*0.5");
        assertThat(p.scorers().get(3).scorer()).isInstanceOf(InFlightRequestsScorer.class);
        assertThat(p.scorers().get(3).scorer().type()).isEqualTo("in-flight-requests-scorer");
        assertThat(p.picker().type()).isEqualTo("max-score-picker");
        assertThat(p.maxEndpoints()).isEqualTo(1);
        assertThat(((PrefixCacheScorer) p.scorers().get(2).scorer()).autoTune()).isFalse();
        assertThat(setup.prefixHasher().blockSizeTokens()).isEqualTo(16);
        assertThat(setup.prefixHasher().maxPrefixBlocks()).isEqualTo(256);
        assertThat(setup.prefixIndex().defaultCapacity()).isEqualTo(31250);

        assertThat(setup.saturationDetector())
                .isEqualTo(new UtilizationSaturationDetector.Config(5, 0.8, Duration.ofMillis(200), 0.2));
        assertThat(setup.metricsSource()).isEqualTo(new SchedulerSetup.MetricsSource("http", "/metrics", true));

        FlowControlConfig fc = setup.flowControl();
        assertThat(fc.maxBytes()).isEqualTo(1L << 30); // 1Gi
        assertThat(fc.maxRequests()).isEqualTo(1000); // 1k
        assertThat(fc.requestTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fc.expirySweepInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(fc.defaultBand()).isEqualTo(new BandConfig(100, 500_000_000L, FairnessPolicy.GLOBAL_STRICT));
        // listed bands do not inherit the template: their own values, else GIE's band defaults
        assertThat(fc.bands())
                .isEqualTo(Map.of(
                        10, new BandConfig(50, BandConfig.DEFAULT_MAX_BYTES, FairnessPolicy.ROUND_ROBIN),
                        -1, new BandConfig(0, 512, FairnessPolicy.GLOBAL_STRICT)));
        assertThat(fc.band(3)).isEqualTo(fc.defaultBand());
    }
}
