package io.infergate.scheduler.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReservingHeadroomTest {

    private long now = 1_000_000_000L;
    private final ReservingHeadroom headroom = new ReservingHeadroom(
            UtilizationSaturationDetector.withDefaults(), new CriticalReserve(0.25, 2), () -> now);

    /** One endpoint scraped at {@code at} ms with the given queue and batch, {@code ours} of our requests on it. */
    private static List<EndpointLoad> load(long at, int waiting, int running, int ours, int prefilling) {
        return List.of(new EndpointLoad(
                "10.0.0.1:8000", EndpointSignals.of(0, waiting, 0.1), at, waiting, running, ours, prefilling));
    }

    @Test
    void withoutCriticalTrafficEveryPriorityGetsTheDetectorsRoom() {
        assertThat(headroom.headroom(0, load(1, 0, 8, 8, 2))).isEqualTo(5);
        assertThat(headroom.headroom(-1, load(1, 0, 8, 8, 2))).isEqualTo(5);
    }

    @Test
    void whileCriticalArrivesLowerPrioritiesAreHeldToThePrefillLimit() {
        assertThat(headroom.headroom(1, load(1, 0, 3, 3, 1))).isEqualTo(5); // Critical: the detector's room
        assertThat(headroom.headroom(0, load(1, 0, 3, 3, 1))).isEqualTo(1); // 2 prefills at most, 1 in progress
        assertThat(headroom.headroom(-1, load(1, 0, 3, 3, 2))).isZero();
        now += CriticalReserve.HOLD.toNanos() + 1; // no Critical request for the hold: no reserve
        assertThat(headroom.headroom(0, load(1, 0, 3, 3, 2))).isEqualTo(5);
    }

    @Test
    void aBatchCapacityIsLearnedFromTwoQueuedScrapesInARowAndKeepsAShareFreeForCritical() {
        headroom.headroom(1, load(1, 2, 8, 10, 0)); // one scrape with a queue: maybe a request waiting for a step
        assertThat(headroom.batchCapacity("10.0.0.1:8000")).isZero();
        headroom.headroom(1, load(2, 2, 8, 10, 0));
        assertThat(headroom.batchCapacity("10.0.0.1:8000")).isEqualTo(8);
        // 8 less 2 reserved slots: Standard only while fewer than 6 of ours run there
        assertThat(headroom.headroom(0, load(3, 0, 5, 5, 0))).isEqualTo(1);
        assertThat(headroom.headroom(0, load(3, 0, 5, 6, 0))).isZero();
        assertThat(headroom.headroom(1, load(3, 0, 5, 6, 0))).isEqualTo(5); // Critical may fill the reserve
    }

    @Test
    void aCapacityLearnedTooLowGrowsWhenTheEngineTakesItAllWithoutQueueing() {
        headroom.headroom(1, load(1, 1, 4, 5, 0));
        headroom.headroom(1, load(2, 1, 4, 5, 0));
        assertThat(headroom.batchCapacity("10.0.0.1:8000")).isEqualTo(4);
        headroom.headroom(1, load(3, 0, 3, 3, 0)); // at 4 less 1 reserved, no queue: room for more
        assertThat(headroom.batchCapacity("10.0.0.1:8000")).isEqualTo(5);
        headroom.headroom(1, load(3, 0, 3, 3, 0)); // the same scrape again teaches nothing
        assertThat(headroom.batchCapacity("10.0.0.1:8000")).isEqualTo(5);
    }

    @Test
    void noReserveIsTheDetectorAlone() {
        ReservingHeadroom none =
                new ReservingHeadroom(UtilizationSaturationDetector.withDefaults(), CriticalReserve.NONE, () -> now);
        none.headroom(1, load(1, 0, 3, 3, 3));
        assertThat(none.headroom(0, load(1, 0, 3, 3, 3))).isEqualTo(5);
    }
}
