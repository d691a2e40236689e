package io.infergate.simulator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Observation;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.engine.RequestObserver;
import io.infergate.simulator.engine.StepPlan;
import io.infergate.simulator.metrics.PrometheusTextParser.Exposition;
import io.infergate.simulator.time.VirtualClock;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A real engine on a virtual clock, scraped mid-run and after draining, in every flavor. */
class MetricsEndToEndTest {

    private static final int REQUESTS = 12;
    private static final String[] ADAPTERS = {null, "sql-lora", "chat-lora"};

    @ParameterizedTest
    @EnumSource(MetricsFlavor.class)
    void scrapesOfARunningEngineParseBackToItsMetrics(MetricsFlavor flavor) {
        EngineConfig config = Preset.DEFAULT.config().toBuilder()
                .enableLora(true)
                .maxLoras(1)
                .maxCpuLoras(2)
                .maxNumSeqs(4)
                .build();
        VirtualClock clock = new VirtualClock();
        EngineMetrics metrics = flavor.newEngineMetrics(config);
        Engine engine = new Engine(config, clock, metrics, 17);
        engine.loadAdapter("sql-lora", "/adapters/sql");
        engine.loadAdapter("chat-lora", "/adapters/chat");
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < REQUESTS; i++) {
            int output = 8 + random.nextInt(40);
            engine.submit(new EngineRequest(
                    "r" + i,
                    ADAPTERS[i % ADAPTERS.length],
                    prompt(64 + random.nextInt(400), i),
                    output,
                    i % 2 == 0 ? FinishReason.STOP : FinishReason.LENGTH,
                    i % 3 == 0 ? -1 : output,
                    RequestObserver.NONE));
        }
        MetricsOptions options = new MetricsOptions(false, "0", true, clock.unixSeconds(0));

        run(engine, clock, 6);
        assertThat(metrics.running()).isPositive();
        assertThat(metrics.waiting()).isPositive();
        FlavorExpectations.assertScrape(flavor, MetricsRenderer.render(flavor, metrics, options), metrics, options);

        engine.abort("r" + (REQUESTS - 1));
        run(engine, clock, 10_000);
        assertThat(engine.hasWork()).isFalse();
        Exposition done = FlavorExpectations.assertScrape(
                flavor, MetricsRenderer.render(flavor, metrics, options), metrics, options);

        assertThat(metrics.finished(FinishReason.ABORT)).isEqualTo(1);
        assertThat(metrics.finished(FinishReason.STOP) + metrics.finished(FinishReason.LENGTH))
                .isEqualTo(REQUESTS - 1);
        assertThat(metrics.histogram(Observation.TIME_TO_FIRST_TOKEN).count()).isPositive();
        assertThat(done.samples()).isNotEmpty();
        if (flavor == MetricsFlavor.VLLM) {
            assertThat(done.family("vllm:lora_requests_info").samples()).hasSizeGreaterThan(1);
        }
    }

    /** Steps the engine at most {@code steps} times, moving the clock to each step's end or the next arrival. */
    private static void run(Engine engine, VirtualClock clock, int steps) {
        for (int i = 0; i < steps && engine.hasWork(); i++) {
            StepPlan plan = engine.beginStep();
            if (plan == null) {
                clock.advanceTo(Math.max(clock.nanoTime(), engine.nextReadyNanos()));
                continue;
            }
            clock.advanceTo(plan.endNanos());
            engine.finishStep(plan);
        }
    }

    private static int[] prompt(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = r.nextInt(32_000);
        }
        return p;
    }
}
