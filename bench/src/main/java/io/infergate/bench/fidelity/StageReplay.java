package io.infergate.bench.fidelity;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.EngineRequest;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestObserver;
import io.infergate.simulator.engine.RequestOutcome;
import io.infergate.simulator.loop.DiscreteEventLoop;
import io.infergate.simulator.loop.VirtualEngineDriver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a {@link PublishedRun}'s stages against one simulated engine in virtual time: the stages in order on one
 * engine (its prefix cache warm from the stages before, as on the published server), each a constant-rate stream
 * of the run's prompts with inference-perf's in-flight cap ({@link PublishedRun#CLIENT_MAX_IN_FLIGHT}; a send
 * that finds the cap reached waits for a completion), the next stage starting one second after the last request
 * of the previous one completed. TTFT and E2E count from the send, as inference-perf's do.
 *
 * <p>Runs on the caller's thread and does not block on anything but the computation; deterministic: the same
 * config, stage length and seed give the same results. Bad input (a stage length that is not positive) throws
 * {@link IllegalArgumentException}.
 */
public final class StageReplay {

    private static final long GAP_NANOS = 1_000_000_000L;

    private StageReplay() {}

    /** The replay of every stage of {@code run} on an engine configured by {@code config}. */
    public static List<StageResult> run(PublishedRun run, EngineConfig config, Duration stageLength, long seed) {
        if (stageLength.isNegative() || stageLength.isZero()) {
            throw new IllegalArgumentException("stage length: " + stageLength + " (expected: > 0)");
        }
        DiscreteEventLoop loop = new DiscreteEventLoop();
        Engine engine = new Engine(config, loop.clock(), new EngineMetrics(config), seed);
        VirtualEngineDriver driver = new VirtualEngineDriver(engine, loop);
        Prompts prompts = Prompts.of(run, seed);
        Client client = new Client(driver, loop, prompts);
        List<StageResult> results = new ArrayList<>();
        for (PublishedStage stage : run.stages()) {
            results.add(client.stage(stage.offeredQps(), stageLength));
        }
        return results;
    }

    /** The load generator: constant arrivals, the in-flight cap, per-stage sums. Loop thread only. */
    private static final class Client {
        private final VirtualEngineDriver driver;
        private final DiscreteEventLoop loop;
        private final Prompts prompts;
        private final ArrayDeque<Long> deferred = new ArrayDeque<>();
        private long next;
        private int inFlight;
        private int completed;
        private double ttftSum;
        private double e2eSum;
        private long firstSend;
        private long lastFinish;

        Client(VirtualEngineDriver driver, DiscreteEventLoop loop, Prompts prompts) {
            this.driver = driver;
            this.loop = loop;
            this.prompts = prompts;
        }

        StageResult stage(double qps, Duration length) {
            completed = 0;
            ttftSum = 0;
            e2eSum = 0;
            firstSend = -1;
            lastFinish = -1;
            long start = loop.now() + GAP_NANOS;
            long requests = RealTimeReplay.requests(qps, length);
            for (long i = 0; i < requests; i++) {
                long n = next++;
                loop.schedule(start + Math.round(i * 1e9 / qps), () -> arrive(n));
            }
            loop.run();
            return new StageResult(
                    qps, completed, ttftSum / completed, e2eSum / completed, (lastFinish - firstSend) / 1e9);
        }

        private void arrive(long n) {
            if (inFlight >= PublishedRun.CLIENT_MAX_IN_FLIGHT) {
                deferred.addLast(n);
            } else {
                send(n);
            }
        }

        private void send(long n) {
            inFlight++;
            if (firstSend < 0) {
                firstSend = loop.now();
            }
            driver.submit(new EngineRequest(
                    "r" + n,
                    null,
                    prompts.tokens(n),
                    PublishedRun.OUTPUT_TOKENS,
                    FinishReason.LENGTH,
                    PublishedRun.OUTPUT_TOKENS,
                    new RequestObserver() {
                        @Override
                        public void onToken(int index, int tokenId, long nanoTime) {}

                        @Override
                        public void onFinish(RequestOutcome o) {
                            finished(o);
                        }
                    }));
        }

        private void finished(RequestOutcome o) {
            inFlight--;
            completed++;
            ttftSum += o.ttftNanos() / 1e6;
            e2eSum += o.e2eNanos() / 1e6;
            lastFinish = Math.max(lastFinish, o.finishNanos());
            Long waiting = deferred.pollFirst();
            if (waiting != null) {
                long n = waiting;
                loop.schedule(loop.now(), () -> send(n)); // not from inside the engine's observer
            }
        }
    }
}
