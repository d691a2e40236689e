package io.infergate.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {

    @Test
    void noFaultsByDefault() {
        FaultInjector f = new FaultInjector(FaultConfig.NONE, 1);
        assertThat(f.decide()).isEqualTo(RequestFaults.NONE);
    }

    @Test
    void errorRateOneAlwaysFailsWithAConfiguredStatus() {
        FaultInjector f = new FaultInjector(
                FaultConfig.NONE
                        .withErrorRate(1)
                        .withErrorStatuses(List.of(429, 503))
                        .withRetryAfterSeconds(7),
                1);
        for (int i = 0; i < 100; i++) {
            RequestFaults d = f.decide();
            assertThat(d.errorStatus()).isIn(429, 503);
            assertThat(d.retryAfterSeconds()).isEqualTo(7);
        }
    }

    @Test
    void retryAfterOnlyFor429And503() {
        FaultInjector f = new FaultInjector(FaultConfig.NONE.withErrorRate(1).withErrorStatuses(List.of(500)), 1);
        assertThat(f.decide().retryAfterSeconds()).isZero();
    }

    @Test
    void errorRateIsHonouredAndSeeded() {
        FaultConfig c = FaultConfig.NONE.withErrorRate(0.25);
        List<Integer> a = draws(new FaultInjector(c, 42));
        List<Integer> b = draws(new FaultInjector(c, 42));
        assertThat(a).isEqualTo(b);
        long failures = a.stream().filter(s -> s != 0).count();
        assertThat(failures).isBetween(200L, 300L);
        assertThat(draws(new FaultInjector(c, 43))).isNotEqualTo(a);
    }

    @Test
    void runtimeChangesApplyToLaterRequests() {
        FaultInjector f = new FaultInjector(FaultConfig.NONE, 1);
        f.set(FaultConfig.NONE.withAddedLatencyMs(250).withCrashAfterChunks(3));
        RequestFaults d = f.decide();
        assertThat(d.latencyNanos()).isEqualTo(250_000_000L);
        assertThat(d.crashAfterChunks()).isEqualTo(3);
        assertThat(d.failsWithError()).isFalse();
    }

    private static List<Integer> draws(FaultInjector f) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            out.add(f.decide().errorStatus());
        }
        return out;
    }
}
