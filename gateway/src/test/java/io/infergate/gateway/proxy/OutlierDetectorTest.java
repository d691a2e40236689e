package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.api.model.PoolFaultLimits;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private long now = 1_000;
    private final OutlierDetector detector = new OutlierDetector(OutlierDetector.Settings.DEFAULT, () -> now);

    private static Endpoint endpoint(int i) {
        return new Endpoint(
                "pod-" + i, "10.0.0." + i, 8000, Map.of(), new PoolEndpoint("pod-" + i, "pod", "10.0.0." + i, 8000, 0));
    }

    private static PoolSnapshot pool(int size) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            endpoints.add(endpoint(i));
        }
        return new PoolSnapshot(new PoolId("inference.networking.k8s.io", "default", "pool"), endpoints);
    }

    private void fail(Endpoint e, int times) {
        for (int i = 0; i < times; i++) {
            detector.failed(e);
        }
    }

    private void advance(Duration d) {
        now += d.toNanos();
    }

    @Test
    void zeroConsecutiveFailuresTurnsEjectionOff() {
        OutlierDetector off = new OutlierDetector(
                new OutlierDetector.Settings(0, Duration.ofSeconds(30), Duration.ofSeconds(300), 50), () -> now);
        PoolSnapshot pool = pool(2);
        for (int i = 0; i < 100; i++) {
            off.failed(pool.endpoints().get(0));
        }
        assertThat(off.ejected(pool.endpoints().get(0))).isFalse();
        assertThat(off.candidates(pool)).isSameAs(pool);
    }

    @Test
    void theConsecutiveFailuresAreASetting() {
        OutlierDetector two = new OutlierDetector(
                new OutlierDetector.Settings(2, Duration.ofSeconds(30), Duration.ofSeconds(300), 50), () -> now);
        Endpoint e = endpoint(1);
        two.failed(e);
        assertThat(two.ejected(e)).isFalse();
        two.failed(e);
        assertThat(two.ejected(e)).isTrue();
    }

    @Test
    void fiveFailuresInARowEjectAndASuccessInBetweenStartsTheCountOver() {
        Endpoint e = endpoint(1);
        fail(e, 4);
        detector.succeeded(e); // e.g. a 404: the client's doing, not the endpoint's
        fail(e, 4);
        assertThat(detector.ejected(e)).isFalse();
        fail(e, 1);
        assertThat(detector.ejected(e)).isTrue();
    }

    @Test
    void eachEjectionWithoutASuccessDoublesUpToTheCapAndASuccessResetsIt() {
        Endpoint e = endpoint(1);
        long[] expectedSeconds = {30, 60, 120, 240, 300, 300};
        for (long seconds : expectedSeconds) {
            fail(e, 5);
            assertThat(detector.ejected(e)).isTrue();
            advance(Duration.ofSeconds(seconds).minusNanos(1));
            assertThat(detector.ejected(e)).as("ejected for %d s", seconds).isTrue();
            advance(Duration.ofNanos(1));
            assertThat(detector.ejected(e)).as("back after %d s", seconds).isFalse();
        }
        detector.succeeded(e);
        fail(e, 5);
        advance(Duration.ofSeconds(30));
        assertThat(detector.ejected(e)).isFalse();
    }

    @Test
    void failuresWhileEjectedDoNotExtendTheEjection() {
        Endpoint e = endpoint(1);
        fail(e, 5);
        advance(Duration.ofSeconds(10));
        fail(e, 20); // requests already on their way when it was ejected
        advance(Duration.ofSeconds(20));
        assertThat(detector.ejected(e)).isFalse();
    }

    @Test
    void atMostHalfOfAPoolIsHeldOutTheFirstEjectedFirst() {
        PoolSnapshot four = pool(4);
        assertThat(detector.candidates(four)).isSameAs(four);
        fail(four.endpoints().get(2), 5);
        advance(Duration.ofMillis(1));
        fail(four.endpoints().get(0), 5);
        advance(Duration.ofMillis(1));
        fail(four.endpoints().get(1), 5);
        assertThat(detector.candidates(four).endpoints())
                .extracting(Endpoint::name)
                .containsExactly("pod-2", "pod-4");
        // a one-endpoint pool is never emptied by ejection: the model server's own answer beats a 503
        PoolSnapshot one = new PoolSnapshot(
                new PoolId("inference.networking.k8s.io", "default", "one"),
                List.of(four.endpoints().get(0)));
        assertThat(detector.candidates(one)).isSameAs(one);
        // once the first ejection ends, the next one in line is held out
        advance(Duration.ofSeconds(30).minusMillis(2));
        assertThat(detector.candidates(four).endpoints())
                .extracting(Endpoint::name)
                .containsExactly("pod-3", "pod-4");
    }

    private static PoolFaultLimits outliers(OptionalInt failures, Optional<Duration> base, Optional<Duration> max) {
        return new PoolFaultLimits(
                failures, base, max, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    }

    @Test
    void aPoolsAnnotationsWinOverTheFlagsWhichWinOverTheDefaults() {
        OutlierDetector.Settings flags =
                new OutlierDetector.Settings(3, Duration.ofSeconds(10), Duration.ofSeconds(100), 50);
        assertThat(flags.over(PoolFaultLimits.NONE)).isSameAs(flags);
        assertThat(flags.over(outliers(OptionalInt.of(2), Optional.empty(), Optional.empty())))
                .isEqualTo(new OutlierDetector.Settings(2, Duration.ofSeconds(10), Duration.ofSeconds(100), 50));
        assertThat(flags.over(new PoolFaultLimits(
                        OptionalInt.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        OptionalInt.of(100),
                        OptionalInt.empty(),
                        OptionalInt.empty(),
                        Optional.empty())))
                .isEqualTo(new OutlierDetector.Settings(3, Duration.ofSeconds(10), Duration.ofSeconds(100), 100));
        // an annotated base longer than the flag's max raises the max with it
        assertThat(flags.over(outliers(OptionalInt.empty(), Optional.of(Duration.ofMinutes(5)), Optional.empty())))
                .isEqualTo(new OutlierDetector.Settings(3, Duration.ofMinutes(5), Duration.ofMinutes(5), 50));
        assertThat(OutlierDetector.Settings.DEFAULT.over(
                        outliers(OptionalInt.empty(), Optional.empty(), Optional.of(Duration.ofMinutes(1)))))
                .isEqualTo(new OutlierDetector.Settings(5, Duration.ofSeconds(30), Duration.ofMinutes(1), 50));
    }

    @Test
    void eachPoolEjectsByItsOwnThreshold() {
        PoolFaultLimits two = outliers(OptionalInt.of(2), Optional.empty(), Optional.empty());
        Endpoint annotated = endpoint(1);
        Endpoint flags = endpoint(2);
        for (int i = 0; i < 2; i++) {
            detector.failed(annotated, two);
            detector.failed(flags, PoolFaultLimits.NONE);
        }
        assertThat(detector.ejected(annotated)).isTrue();
        assertThat(detector.ejected(flags)).isFalse();
        fail(flags, 3);
        assertThat(detector.ejected(flags)).isTrue();
    }
}
