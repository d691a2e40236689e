package io.infergate.scheduler.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.infergate.scheduler.admission.UtilizationSaturationDetector.Config;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UtilizationSaturationDetectorTest {

    private static final long MS = 1_000_000L;
    private final UtilizationSaturationDetector detector = UtilizationSaturationDetector.withDefaults();

    private static EndpointSignals fresh(int queue, double kv) {
        return EndpointSignals.of(10 * MS, queue, kv);
    }

    @Test
    void defaultsAreGies() {
        assertThat(detector.config()).isEqualTo(new Config(5, 0.8, Duration.ofMillis(200), 0.0));
        assertThat(UtilizationSaturationDetector.TYPE).isEqualTo("utilization-detector");
    }

    @Test
    void configIsValidatedWithTheExpectedRange() {
        assertThatThrownBy(() -> new Config(0, 0.8, Duration.ofMillis(200), 0))
                .hasMessage("queueDepthThreshold: 0 (expected: > 0)");
        assertThatThrownBy(() -> new Config(5, 0, Duration.ofMillis(200), 0))
                .hasMessage("kvCacheUtilThreshold: 0.0 (expected: in (0, 1])");
        assertThatThrownBy(() -> new Config(5, 1.01, Duration.ofMillis(200), 0))
                .hasMessage("kvCacheUtilThreshold: 1.01 (expected: in (0, 1])");
        assertThatThrownBy(() -> new Config(5, Double.NaN, Duration.ofMillis(200), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Config(5, 0.8, Duration.ZERO, 0))
                .hasMessage("metricsStalenessThreshold: PT0S (expected: > 0)");
        assertThatThrownBy(() -> new Config(5, 0.8, Duration.ofMillis(200), -0.1))
                .hasMessage("headroom: -0.1 (expected: a finite fraction >= 0)");
        assertThatThrownBy(() -> new Config(5, 0.8, Duration.ofMillis(200), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new Config(1, 1.0, Duration.ofNanos(1), 5.0).kvCacheUtilThreshold())
                .isEqualTo(1.0);
    }

    @Test
    void signalsAreValidated() {
        assertThatThrownBy(() -> EndpointSignals.of(-1, 0, 0)).hasMessage("metricsAgeNanos: -1 (expected: >= 0)");
        assertThatThrownBy(() -> EndpointSignals.of(0, -1, 0)).hasMessage("waitingQueue: -1 (expected: >= 0)");
        assertThatThrownBy(() -> EndpointSignals.of(0, 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EndpointSignals.of(0, 0, -0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scoreIsTheLargerOfTheTwoRatios() {
        assertThat(detector.score(fresh(0, 0))).isZero();
        assertThat(detector.score(fresh(5, 0.4))).isEqualTo(1.0); // queue 5/5 beats kv 0.4/0.8
        assertThat(detector.score(fresh(1, 0.6))).isCloseTo(0.75, within(1e-12)); // kv 0.6/0.8 beats queue 1/5
        assertThat(detector.score(fresh(10, 0.2))).isEqualTo(2.0); // above 1 when over the threshold
    }

    @Test
    void saturationIsTheMeanScore() {
        assertThat(detector.saturation(List.of(fresh(4, 0.4), fresh(0, 0.2))))
                .isCloseTo((0.8 + 0.25) / 2, within(1e-12));
        // GIE's average, kept as a gauge: one overloaded endpoint and one idle one make exactly 1.0 ...
        List<EndpointSignals> mixed = List.of(fresh(10, 0), fresh(0, 0));
        assertThat(detector.saturation(mixed)).isEqualTo(1.0);
        // ... but the pool is not saturated while one endpoint can take a request (issue 16: one deep queue kept
        // the pool "saturated" while three replicas idled)
        assertThat(detector.isSaturated(mixed)).isFalse();
        assertThat(detector.isSaturated(List.of(fresh(10, 0), fresh(5, 0), fresh(0, 0.8))))
                .isTrue();
        List<EndpointSignals> justBelow = List.of(fresh(5, 0), fresh(0, 0.79));
        assertThat(detector.saturation(justBelow)).isLessThan(1.0);
        assertThat(detector.isSaturated(justBelow)).isFalse();
    }

    @Test
    void headroomIsWhatEachUnsaturatedEndpointCanStillTake() {
        // queue threshold 5: an idle endpoint takes 5, one with 3 waiting 2, a deep queue or a full KV cache none
        assertThat(detector.headroom(List.of(fresh(0, 0), fresh(3, 0.5), fresh(9, 0), fresh(0, 0.8))))
                .isEqualTo(7);
        assertThat(detector.headroom(List.of(EndpointSignals.NO_METRICS, EndpointSignals.of(200 * MS + 1, 0, 0))))
                .isZero();
        assertThat(detector.headroom(List.of())).isZero();
    }

    @Test
    void staleOrMetriclessEndpointsCountAsOne() {
        EndpointSignals atThreshold = EndpointSignals.of(200 * MS, 0, 0);
        EndpointSignals stale = EndpointSignals.of(200 * MS + 1, 0, 0);
        assertThat(detector.isFresh(atThreshold)).isTrue();
        assertThat(detector.score(atThreshold)).isZero();
        assertThat(detector.isFresh(stale)).isFalse();
        assertThat(detector.score(stale)).isEqualTo(1.0);
        assertThat(detector.score(EndpointSignals.NO_METRICS)).isEqualTo(1.0);
        assertThat(detector.saturation(List.of(stale, fresh(0, 0)))).isEqualTo(0.5);
        assertThat(detector.isSaturated(List.of(stale, EndpointSignals.NO_METRICS)))
                .isTrue();
    }

    @Test
    void noCandidatesIsSaturated() {
        assertThat(detector.saturation(List.of())).isEqualTo(1.0);
        assertThat(detector.isSaturated(List.of())).isTrue();
    }

    @Test
    void filterKeepsFreshEndpointsStrictlyBelowTheLimits() {
        List<EndpointSignals> in = List.of(
                fresh(4, 0.79), // 0 kept
                fresh(5, 0.1), // 1 queue at the limit
                fresh(0, 0.8), // 2 kv at the limit
                EndpointSignals.of(201 * MS, 0, 0), // 3 stale
                EndpointSignals.NO_METRICS, // 4 no metrics
                fresh(0, 0)); // 5 kept
        assertThat(detector.filter(in)).containsExactly(0, 5);
    }

    @Test
    void headroomRelaxesOnlyTheFilter() {
        UtilizationSaturationDetector roomy =
                new UtilizationSaturationDetector(new Config(5, 0.8, Duration.ofMillis(200), 0.2));
        List<EndpointSignals> in = List.of(fresh(5, 0), fresh(6, 0), fresh(0, 0.95), fresh(0, 0.96));
        assertThat(roomy.filter(in)).containsExactly(0, 2); // limits 6 and 0.96
        assertThat(roomy.saturation(List.of(fresh(6, 0)))).isCloseTo(1.2, within(1e-12));
    }

    @Test
    void filterFallsBackToEveryEndpointWhenNoneWouldRemain() {
        List<EndpointSignals> allBad = List.of(fresh(9, 0), EndpointSignals.NO_METRICS, fresh(0, 0.99));
        assertThat(detector.filter(allBad)).containsExactly(0, 1, 2);
        assertThat(detector.filter(List.of())).isEmpty();
        assertThat(detector.filter(List.of(fresh(0, 0), fresh(1, 0.1)))).containsExactly(0, 1);
    }
}
