package io.infergate.bench.fidelity;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Replays a {@link PublishedRun}'s stages in real time against a simulated model server: one {@code sim} replica
 * ({@link SimReplica}, the server {@code infergate sim} runs) started in this process on an ephemeral loopback port
 * with the run's engine configuration, and streaming completions sent to it over HTTP/1.1 the way inference-perf
 * sent them (the run's prompts in turn, {@code max_tokens} 64 with {@code ignore_eos}, constant rate, at most
 * {@link PublishedRun#CLIENT_MAX_IN_FLIGHT} in flight). TTFT is the time from the send to the first streamed
 * chunk, E2E to {@code [DONE]}.
 *
 * <p>Wall-clock: the numbers include this machine's scheduling, so run it on a quiet machine and report the load.
 * Runs on the caller's thread (which paces the sends and blocks until each stage drains) plus the HTTP client's
 * threads. A request that fails or a stage that does not drain within {@link #DRAIN_TIMEOUT} throws
 * {@link IllegalStateException}: a replay that lost requests has no table.
 */
public final class RealTimeReplay {

    /** How long a stage may take to drain after its last send (inference-perf's sweep timeout). */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(180);

    private RealTimeReplay() {}

    /** The replay of every stage of {@code run} against a fresh replica configured by {@code config}. */
    public static List<StageResult> run(PublishedRun run, EngineConfig config, Duration stageLength, long seed)
            throws InterruptedException {
        if (stageLength.isNegative() || stageLength.isZero()) {
            throw new IllegalArgumentException("stage length: " + stageLength + " (expected: > 0)");
        }
        Prompts prompts = Prompts.of(run, seed);
        try (SimReplica sim =
                new SimReplica(ReplicaSpec.builder(config).seed(seed).build()).start()) {
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            try {
                URI uri = URI.create(sim.url() + "/v1/completions");
                List<StageResult> results = new ArrayList<>();
                long next = 0;
                for (PublishedStage stage : run.stages()) {
                    results.add(
                            stage(http, uri, config.servedModelName(), prompts, next, stage.offeredQps(), stageLength));
                    next += requests(stage.offeredQps(), stageLength);
                }
                return results;
            } finally {
                http.close();
            }
        }
    }

    /** Requests in a stage: the rate times the length, at least one (so a short stage still has a mean). */
    static long requests(double qps, Duration length) {
        return Math.max(1, Math.round(qps * length.toNanos() / 1e9));
    }

    private static StageResult stage(
            HttpClient http, URI uri, String model, Prompts prompts, long first, double qps, Duration length)
            throws InterruptedException {
        long n = requests(qps, length);
        Semaphore slots = new Semaphore(PublishedRun.CLIENT_MAX_IN_FLIGHT);
        CountDownLatch done = new CountDownLatch((int) n);
        Sums sums = new Sums();
        long start = System.nanoTime();
        for (long i = 0; i < n; i++) {
            long due = start + Math.round(i * 1e9 / qps);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            slots.acquire();
            long sent = System.nanoTime();
            sums.firstSend(sent);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(model, prompts.text(first + i))))
                    .build();
            StreamTimer timer = new StreamTimer(sent);
            http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(timer))
                    .whenComplete((response, error) -> {
                        if (error != null || response.statusCode() != 200 || !timer.complete()) {
                            sums.failed.incrementAndGet();
                        } else {
                            sums.add(timer);
                        }
                        slots.release();
                        done.countDown();
                    });
        }
        if (!done.await(DRAIN_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(
                    "stage " + qps + " QPS: " + done.getCount() + " requests still open after " + DRAIN_TIMEOUT);
        }
        if (sums.failed.get() > 0) {
            throw new IllegalStateException("stage " + qps + " QPS: " + sums.failed.get() + " requests failed");
        }
        return sums.result(qps);
    }

    private static String body(String model, String prompt) {
        // model names and prompts are ours: plain ASCII without quotes or backslashes
        return "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + PublishedRun.OUTPUT_TOKENS
                + ",\"ignore_eos\":true,\"stream\":true}";
    }

    /** Per-stage sums, written from the HTTP client's threads. */
    private static final class Sums {
        final AtomicInteger failed = new AtomicInteger();
        private int completed;
        private double ttftMs;
        private double e2eMs;
        private long firstSend = Long.MAX_VALUE;
        private long lastDone = Long.MIN_VALUE;

        synchronized void firstSend(long nanos) {
            firstSend = Math.min(firstSend, nanos);
        }

        synchronized void add(StreamTimer t) {
            completed++;
            ttftMs += (t.firstChunk - t.sent) / 1e6;
            e2eMs += (t.last - t.sent) / 1e6;
            lastDone = Math.max(lastDone, t.last);
        }

        synchronized StageResult result(double qps) {
            return new StageResult(qps, completed, ttftMs / completed, e2eMs / completed, (lastDone - firstSend) / 1e9);
        }
    }

    /** Times one server-sent event stream: its first {@code data} chunk and its {@code [DONE]}. */
    private static final class StreamTimer implements Flow.Subscriber<String> {
        final long sent;
        volatile long firstChunk = -1;
        volatile long last = -1;

        StreamTimer(long sent) {
            this.sent = sent;
        }

        boolean complete() {
            return firstChunk > 0 && last > 0;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.equals("data: [DONE]")) {
                last = System.nanoTime();
            } else if (firstChunk < 0 && line.startsWith("data: {")) {
                firstChunk = System.nanoTime();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the response future completes exceptionally and counts the failure
        }

        @Override
        public void onComplete() {
            // [DONE] ends the stream; nothing else to record
        }
    }
}
