package io.infergate.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LengthsTest {

    private static final int N = 20_000;

    private static int[] sample(LengthDistribution d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] v = new int[N];
        for (int i = 0; i < N; i++) {
            v[i] = d.sample(rnd);
        }
        return v;
    }

    @Test
    void shareGptLengthsHaveTheirMeansAndAHeavyTail() {
        int[] in = sample(LengthDistribution.shareGptInput(), 1);
        int[] out = sample(LengthDistribution.shareGptOutput(), 2);
        double inMean = Arrays.stream(in).average().orElseThrow();
        double outMean = Arrays.stream(out).average().orElseThrow();
        assertThat(inMean).isCloseTo(202, within(202 * 0.05));
        assertThat(outMean).isCloseTo(179, within(179 * 0.05));
        Arrays.sort(in);
        Arrays.sort(out);
        assertThat(in[N / 2]).isLessThan((int) (0.75 * inMean)); // median well below the mean
        assertThat(in[N * 99 / 100]).isGreaterThan((int) (3 * inMean));
        assertThat(out[N * 99 / 100]).isGreaterThan((int) (3 * outMean));
        assertThat(in[0]).isGreaterThanOrEqualTo(4);
        assertThat(in[N - 1]).isLessThanOrEqualTo(1024);
    }

    @Test
    void calibratedMeanIsTheTruncatedMean() {
        LogNormalLengths d = LogNormalLengths.withMean(500, 0.8, 10, 2000);
        assertThat(d.mean()).isCloseTo(500, within(0.01));
        assertThat(LogNormalLengths.SHAREGPT_INPUT.quantile(0.5)).isBetween(100.0, 150.0);
    }

    @Test
    void sameSeedSameLengths() {
        assertThat(sample(LengthDistribution.shareGptInput(), 7))
                .isEqualTo(sample(LengthDistribution.shareGptInput(), 7));
    }

    @Test
    void normalStaysInBounds() {
        int[] v = sample(LengthDistribution.normal(30, 9, 1, 120), 3);
        assertThat(Arrays.stream(v).average().orElseThrow()).isCloseTo(30, within(1.0));
        assertThat(Arrays.stream(v).min().orElseThrow()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void textHasExactLengthAndIsSeeded() {
        String a = Text.of(new SplittableRandom(5), 100);
        assertThat(a).hasSize(400).endsWith("\n");
        assertThat(WorkloadRequest.estimateTokens(a)).isEqualTo(100);
        assertThat(Text.of(new SplittableRandom(5), 100)).isEqualTo(a);
        assertThat(Text.of(new SplittableRandom(6), 100)).isNotEqualTo(a);
    }
}
