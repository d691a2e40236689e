package io.infergate.simulator.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.loop.SimHarness.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiscreteEventLoopTest {

    @Test
    void runsEventsInTimeOrderThenSchedulingOrder() {
        DiscreteEventLoop loop = new DiscreteEventLoop();
        List<String> seen = new ArrayList<>();
        loop.schedule(20, () -> seen.add("b@" + loop.now()));
        loop.schedule(10, () -> {
            seen.add("a@" + loop.now());
            loop.scheduleAfter(10, () -> seen.add("c@" + loop.now()));
        });
        loop.run();

        assertThat(seen).containsExactly("a@10", "b@20", "c@20");
        assertThat(loop.pending()).isZero();
        assertThat(loop.executed()).isEqualTo(3);
    }

    @Test
    void refusesEventsInThePast() {
        DiscreteEventLoop loop = new DiscreteEventLoop();
        loop.schedule(100, () -> {});
        loop.run();
        assertThatThrownBy(() -> loop.schedule(50, () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: >= now 100");
    }

    @Test
    void thousandsOfRequestsThroughSeveralEnginesAllCompleteWithConsistentTimings() {
        Run run = Run.of(11);

        assertThat(run.traces).hasSize(Run.REQUESTS);
        // the step-time variance is clamped at half the modelled time
        long minStepNanos = Math.round(Preset.DEFAULT.stepTime().memFloorMs() * 0.5 * 1e6);
        for (Trace t : run.traces) {
            assertThat(t.finishCalls).isEqualTo(1);
            var o = t.outcome;
            assertThat(o.reason()).isNotEqualTo(FinishReason.ABORT);
            assertThat(t.tokenTimes).hasSize(o.outputTokens());
            assertThat(o.arrivalNanos()).isLessThanOrEqualTo(o.firstScheduledNanos());
            assertThat(o.firstScheduledNanos()).isLessThan(o.firstTokenNanos());
            assertThat(o.firstTokenNanos()).isEqualTo(t.tokenTimes.get(0));
            assertThat(o.finishNanos()).isEqualTo(t.tokenTimes.get(t.tokenTimes.size() - 1));
            for (int i = 1; i < t.tokenTimes.size(); i++) {
                // one token per step at most, and no step is shorter than half the model's floor
                assertThat(t.tokenTimes.get(i) - t.tokenTimes.get(i - 1)).isGreaterThanOrEqualTo(minStepNanos);
            }
        }
        long finished = 0;
        for (VirtualEngineDriver d : run.harness.drivers) {
            EngineMetrics m = d.engine().metrics();
            finished += m.finished(FinishReason.LENGTH) + m.finished(FinishReason.STOP);
            assertThat(d.engine().hasWork()).isFalse();
            assertThat(m.kvCacheUsage()).isZero();
            assertThat(m.running()).isZero();
            assertThat(m.waiting()).isZero();
        }
        assertThat(finished).isEqualTo(Run.REQUESTS);
        // the workload shares prefixes and overloads the small caches: both mechanisms were exercised
        assertThat(run.harness.drivers.stream()
                        .mapToLong(d -> d.engine().metrics().prefixCacheHits())
                        .sum())
                .isPositive();
        assertThat(run.harness.drivers.stream()
                        .mapToLong(d -> d.engine().metrics().preemptions())
                        .sum())
                .isPositive();
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        Run a = Run.of(5);
        Run b = Run.of(5);
        for (int i = 0; i < Run.REQUESTS; i++) {
            assertThat(a.traces.get(i).outcome).isEqualTo(b.traces.get(i).outcome);
        }
    }

    /** 4 engines with small KV caches, 3,000 Poisson arrivals, shared prefixes and mixed lengths. */
    private record Run(SimHarness harness, List<Trace> traces) {
        static final int REQUESTS = 3000;

        static Run of(long seed) {
            EngineConfig config = Preset.DEFAULT.config().toBuilder()
                    .numGpuBlocks(1500)
                    .maxNumSeqs(128)
                    .maxNumBatchedTokens(2048)
                    .clampMaxModelLenToCache()
                    .build();
            SimHarness h = new SimHarness(config, 4, seed);
            SplittableRandom random = new SplittableRandom(seed);
            List<Trace> traces = new ArrayList<>();
            double t = 0;
            for (int i = 0; i < REQUESTS; i++) {
                t += -Math.log(1 - random.nextDouble()) * 1000 / 60.0; // 60 requests/s in all
                int len = 50 + random.nextInt(1500);
                int shared = random.nextInt(3) == 0 ? Math.min(len - 1, 800) : 0;
                int[] prompt = SimHarness.prompt(len, shared, random.nextInt(20), 1_000 + i);
                int out = 1 + random.nextInt(300);
                traces.add(h.submitAt(t, i % 4, "r" + i, null, prompt, out));
            }
            h.loop.run();
            return new Run(h, traces);
        }
    }
}
