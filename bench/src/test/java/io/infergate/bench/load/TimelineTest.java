package io.infergate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void bucketsRequestsByIntendedSecondAndConnectionsByTheirTime() {
        Timeline t = new Timeline();
        long start = 5 * S;
        t.connected(start - 1); // pre-opened: before the start, not counted
        t.started(start);
        t.finished(0, start + 100 * MS, start + 101 * MS, start + 102 * MS, true); // 2 ms
        t.finished(1, start + 900 * MS, start + 900 * MS, start + 1_300 * MS, true); // 400 ms, still second 0
        t.finished(2, start + 2_500 * MS, start + 2_500 * MS, start + 2_600 * MS, false);
        t.connected(start + 1_500 * MS);
        t.connected(start + 1_600 * MS);

        List<Timeline.Second> s = t.seconds();
        assertThat(s).hasSize(3);
        assertThat(s.get(0).requests()).isEqualTo(2);
        assertThat(s.get(0).errors()).isZero();
        assertThat(s.get(0).connections()).isZero();
        assertThat(s.get(0).latencyMicros().getMaxValue()).isBetween(399_600L, 400_400L);
        assertThat(s.get(0).latencyMicros().getMinValue()).isBetween(1_990L, 2_010L);
        assertThat(s.get(1).requests()).isZero();
        assertThat(s.get(1).connections()).isEqualTo(2);
        assertThat(s.get(2).requests()).isEqualTo(1);
        assertThat(s.get(2).errors()).isEqualTo(1);
        assertThat(s.get(2).latencyMicros().getTotalCount()).isZero();

        StringWriter out = new StringWriter();
        t.print(new PrintWriter(out, true));
        assertThat(out.toString().lines().toList()).hasSize(4).element(3).isEqualTo("  t=2 1 1 0 0.000 0.000 0.000");
    }

    @Test
    void ignoresEverythingBeforeItIsStarted() {
        Timeline t = new Timeline();
        t.finished(0, 1, 2, 3, true);
        t.connected(4);
        assertThat(t.seconds()).isEmpty();
    }
}
