package io.infergate.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.PrimitiveIterator;
import org.junit.jupiter.api.Test;

class ArrivalsTest {

    private static final double S = 1e9;

    /** {mean gap in seconds, CV of the gaps} over n arrivals. */
    private static double[] gapStats(Arrivals a, long seed, int n) {
        PrimitiveIterator.OfLong t = a.times(seed);
        long prev = 0;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            long now = t.nextLong();
            assertThat(now).isGreaterThanOrEqualTo(prev);
            double g = (now - prev) / S;
            sum += g;
            sq += g * g;
            prev = now;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sq / n - mean * mean);
        return new double[] {mean, sd / mean};
    }

    @Test
    void poissonHasMeanGapOneOverRateAndCvOne() {
        double[] s = gapStats(Arrivals.poisson(20), 1, 50_000);
        assertThat(s[0]).isCloseTo(0.05, within(0.05 * 0.03));
        assertThat(s[1]).isCloseTo(1.0, within(0.05));
    }

    @Test
    void gammaHasTheRequestedCv() {
        double[] s = gapStats(Arrivals.gamma(20, 2.0), 2, 50_000);
        assertThat(s[0]).isCloseTo(0.05, within(0.05 * 0.05));
        assertThat(s[1]).isCloseTo(2.0, within(0.2));
        double[] smooth = gapStats(Arrivals.gamma(20, 0.5), 3, 50_000);
        assertThat(smooth[1]).isCloseTo(0.5, within(0.03));
    }

    @Test
    void constantIsEvenlySpaced() {
        double[] s = gapStats(Arrivals.constant(4), 1, 100);
        assertThat(s[0]).isCloseTo(0.25, within(1e-9));
        assertThat(s[1]).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void stagesRunAtTheirRatesAndEnd() {
        Arrivals a = Arrivals.stages(
                1.0,
                List.of(
                        Arrivals.Stage.of(10, Duration.ofSeconds(100)),
                        Arrivals.Stage.of(50, Duration.ofSeconds(100))));
        assertThat(a.durationNanos()).isEqualTo(200_000_000_000L);
        int first = 0;
        int second = 0;
        for (PrimitiveIterator.OfLong t = a.times(4); t.hasNext(); ) {
            long now = t.nextLong();
            assertThat(now).isLessThan(200_000_000_000L);
            if (now < 100_000_000_000L) {
                first++;
            } else {
                second++;
            }
        }
        assertThat(first).isCloseTo(1_000, within(100));
        assertThat(second).isCloseTo(5_000, within(250));
    }

    @Test
    void ladderClimbsFromTo() {
        Arrivals a = Arrivals.ladder(0.0, 10, 60, 10, Duration.ofSeconds(10));
        assertThat(a.stages())
                .extracting(Arrivals.Stage::ratePerSecond)
                .containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0);
        int[] perStage = new int[6];
        for (PrimitiveIterator.OfLong t = a.times(1); t.hasNext(); ) {
            perStage[(int) (t.nextLong() / 10_000_000_000L)]++;
        }
        // constant gaps: rate x 10 s, less one if the last lands on the boundary (rounding decides)
        for (int i = 0; i < 6; i++) {
            assertThat(perStage[i]).as("stage " + i).isBetween(100 * (i + 1) - 1, 100 * (i + 1));
        }
        Schedule.of(new ShareGptLike("m", 1), a, 1, 10)
                .forEach(r -> assertThat(r.arrivalNanos()).isPositive());
    }

    @Test
    void sameSeedSameTimes() {
        PrimitiveIterator.OfLong a = Arrivals.gamma(5, 3).times(9);
        PrimitiveIterator.OfLong b = Arrivals.gamma(5, 3).times(9);
        for (int i = 0; i < 1_000; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
        }
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> Arrivals.poisson(0)).hasMessageContaining("ratePerSecond: 0.0");
        assertThatThrownBy(() -> Arrivals.gamma(1, -1)).hasMessageContaining("cv: -1.0");
    }
}
