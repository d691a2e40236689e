package io.infergate.extproc.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.infergate.api.Manifests;
import io.infergate.extproc.server.EppServer;
import io.infergate.extproc.server.EppState;
import io.infergate.extproc.server.ServingCertificate;
import io.infergate.extproc.server.StreamSettings;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.prefix.BackgroundLearner;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Picker latency over ext_proc, as Envoy sees it: an open-loop client in the same process plays Envoy's side of
 * the protocol against a real {@link EppServer} on loopback (TLS with a self-signed certificate, as deployed), and
 * measures, per request, from the moment the request was <i>scheduled</i> (so a stalled picker cannot hide its
 * queueing: no coordinated omission) to the moment the last chunk of the re-sent request body arrived, which is
 * when Envoy can start the upstream request. Each stream then finishes with a small buffered response, as a real
 * one would.
 *
 * <p>The pool has {@code endpoints} endpoints with fixed synthetic metrics (queue 0-7, KV 10-80 %) so that every
 * scorer has work; bodies are {@code /v1/completions} prompts of the given size, drawn from 32 shared prefixes so
 * that the prefix index matches and learns. Scraping is off (nothing to scrape); everything else is the picker a
 * user runs. Not thread-safe; one run at a time.
 */
public final class PickerLatencyBench {

    /**
     * What to run.
     *
     * @param bodyBytes request body size
     * @param rate      requests per second, open loop
     * @param warmup    not measured
     * @param measure   measured
     * @param endpoints pool size
     * @param tls       TLS between the client and the picker
     * @param profile   the picker's scheduling profile
     */
    public record Spec(
            int bodyBytes, int rate, Duration warmup, Duration measure, int endpoints, boolean tls, String profile) {
        public Spec {
            if (bodyBytes < 64 || rate < 1 || endpoints < 1) {
                throw new IllegalArgumentException("bodyBytes " + bodyBytes + ", rate " + rate + ", endpoints "
                        + endpoints + " (expected: >= 64, >= 1, >= 1)");
            }
            Objects.requireNonNull(warmup, "warmup");
            Objects.requireNonNull(measure, "measure");
            Objects.requireNonNull(profile, "profile");
        }
    }

    /** Latencies in microseconds, and how many requests were sent, answered, and refused or failed. */
    public record Result(
            Spec spec,
            long sent,
            long picked,
            long failed,
            long notSent,
            double p50Micros,
            double p90Micros,
            double p99Micros,
            double maxMicros,
            double achievedRate) {
        public String row() {
            return String.format(
                    Locale.ROOT,
                    "| %,d B | %s | %,d | %,.0f | %.0f | %.0f | %.0f | %.0f | %,d | %,d | %,d |",
                    spec.bodyBytes(),
                    spec.tls() ? "TLS" : "h2c",
                    spec.rate(),
                    achievedRate,
                    p50Micros,
                    p90Micros,
                    p99Micros,
                    maxMicros,
                    picked,
                    failed,
                    notSent);
        }

        public static String header() {
            return "| body | transport | target req/s | achieved req/s | p50 µs | p90 µs | p99 µs | max µs | picked "
                    + "| failed | not sent (backlog) |\n|---|---|---|---|---|---|---|---|---|---|---|";
        }
    }

    /**
     * Requests in flight beyond which the client stops sending (and counts what it skips as not sent): one second
     * of the target rate. An overloaded picker then shows as a lower achieved rate and skipped requests instead of
     * an ever-growing client queue.
     */
    static int maxOutstanding(int rate) {
        return Math.max(100, rate);
    }

    private static final PoolId POOL = new PoolId("inference.networking.k8s.io", "default", "bench");

    /** Runs one point; blocks for warmup + measure + drain. */
    public static Result run(Spec spec) throws InterruptedException {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: bench, namespace: default}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                """);
        for (int i = 0; i < spec.endpoints(); i++) {
            yaml.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: vllm-")
                    .append(i)
                    .append(", namespace: default, labels: {app: vllm}}\nstatus: {podIP: 10.0.")
                    .append(i / 250)
                    .append('.')
                    .append(i % 250 + 1)
                    .append("}\n");
        }
        BackgroundLearner learner = new BackgroundLearner();
        EppState state = new EppState(
                POOL,
                SchedulingOptions.defaults().withDefaultProfile(spec.profile()).withMetricsInterval(Duration.ZERO),
                System::nanoTime,
                ThreadLocalRandom::current,
                learner);
        state.update(Manifests.load("bench.yaml", yaml.toString()).manifests());
        SplittableRandom random = new SplittableRandom(42);
        for (EndpointSlot slot : state.datastore().slots()) {
            // read "now" and never again: with the staleness threshold they would count as stale, so refresh below
            slot.metrics(slot.metrics().read(metrics(random), System.nanoTime()));
        }
        EppServer server = new EppServer(
                        state,
                        StreamSettings.defaults(),
                        new EppServer.Options(
                                "127.0.0.1",
                                0,
                                0,
                                -1,
                                spec.tls() ? Optional.of(ServingCertificate.selfSigned("localhost")) : Optional.empty(),
                                Duration.ZERO),
                        () -> true)
                .start();
        ChannelCredentials creds = spec.tls()
                ? TlsChannelCredentials.newBuilder()
                        .trustManager(InsecureTrustManagerFactory.INSTANCE.getTrustManagers())
                        .build()
                : InsecureChannelCredentials.create();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.boundPorts().get("grpc"), creds)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "epp-bench-timer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<byte[]> bodies = bodies(spec.bodyBytes(), random);
            ExternalProcessorGrpc.ExternalProcessorStub stub = ExternalProcessorGrpc.newStub(channel);
            // keep the synthetic metrics fresh (the saturation detector treats old metrics as stale)
            timer.scheduleAtFixedRate(
                    () -> state.datastore()
                            .slots()
                            .forEach(s -> s.metrics(s.metrics().read(s.metrics().metrics(), System.nanoTime()))),
                    20,
                    20,
                    TimeUnit.MILLISECONDS);
            // warm-up, drained, then the measured phase: a backlog the cold JIT built does not leak into the numbers
            phase(spec, spec.warmup(), stub, bodies, timer);
            return phase(spec, spec.measure(), stub, bodies, timer);
        } finally {
            timer.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.close();
            state.close();
        }
    }

    /** One open-loop phase at the spec's rate; returns when every request of it was answered or skipped. */
    private static Result phase(
            Spec spec,
            Duration length,
            ExternalProcessorGrpc.ExternalProcessorStub stub,
            List<byte[]> bodies,
            ScheduledExecutorService timer)
            throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicInteger picked = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger notSent = new AtomicInteger();
        int cap = maxOutstanding(spec.rate());
        long intervalNanos = 1_000_000_000L / spec.rate();
        long total = Math.max(1, length.toNanos() / intervalNanos);
        CountDownLatch done = new CountDownLatch((int) total);
        long start = System.nanoTime() + 10_000_000L;
        AtomicInteger next = new AtomicInteger();
        var task = timer.scheduleAtFixedRate(
                () -> {
                    // catch up on every send whose time has come (the timer may fire late under load)
                    long now = System.nanoTime();
                    int i;
                    while ((i = next.get()) < total && start + i * intervalNanos <= now) {
                        next.incrementAndGet();
                        if (i - (total - done.getCount()) < cap) { // requests sent and not answered yet
                            send(
                                    stub,
                                    bodies.get(i % bodies.size()),
                                    start + i * intervalNanos,
                                    true,
                                    recorder,
                                    picked,
                                    failed,
                                    done);
                        } else {
                            notSent.incrementAndGet();
                            done.countDown();
                        }
                    }
                },
                start - System.nanoTime(),
                Math.max(50_000L, intervalNanos / 2),
                TimeUnit.NANOSECONDS);
        try {
            if (!done.await(length.toSeconds() + 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("requests still unanswered 60 s after the run");
            }
        } finally {
            task.cancel(false);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        return new Result(
                spec,
                total,
                picked.get(),
                failed.get(),
                notSent.get(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                picked.get() / seconds);
    }

    private static ModelServerMetrics metrics(SplittableRandom random) {
        return new ModelServerMetrics(
                "vllm",
                random.nextInt(8),
                random.nextInt(16),
                0.1 + 0.7 * random.nextDouble(),
                Set.of(),
                Set.of(),
                4,
                16,
                8192,
                List.of());
    }

    /** 256 bodies of exactly {@code size} bytes, over 32 shared prefixes of half the body each. */
    static List<byte[]> bodies(int size, SplittableRandom random) {
        String head = "{\"model\":\"llama\",\"max_tokens\":64,\"stream\":true,\"prompt\":\"";
        String tail = "\"}";
        int text = size - head.length() - tail.length();
        List<String> prefixes = new ArrayList<>();
        for (int p = 0; p < 32; p++) {
            prefixes.add(words(text / 2, random));
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            String prefix = prefixes.get(i % prefixes.size());
            String body = head + prefix + words(text - prefix.length(), random) + tail;
            out.add(body.getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    private static String words(int length, SplittableRandom random) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0 && sb.length() < length) {
                sb.append(' ');
            }
        }
        sb.setLength(length);
        return sb.toString();
    }

    private static void send(
            ExternalProcessorGrpc.ExternalProcessorStub stub,
            byte[] body,
            long scheduled,
            boolean measured,
            Recorder recorder,
            AtomicInteger picked,
            AtomicInteger failed,
            CountDownLatch done) {
        StreamObserver<ProcessingRequest>[] requests = new StreamObserver[1];
        requests[0] = stub.process(new StreamObserver<>() {
            private boolean finished;

            @Override
            public void onNext(ProcessingResponse r) {
                if (r.hasImmediateResponse()) {
                    end(false);
                    return;
                }
                if (r.hasRequestBody()
                        && r.getRequestBody()
                                .getResponse()
                                .getBodyMutation()
                                .getStreamedResponse()
                                .getEndOfStream()) {
                    if (measured) {
                        recorder.recordValue(Math.max(1, (System.nanoTime() - scheduled) / 1000) * 1000);
                    }
                    picked.incrementAndGet();
                    // the upstream answered: a small buffered response, as Envoy would pass it
                    requests[0].onNext(ProcessingRequest.newBuilder()
                            .setResponseHeaders(HttpHeaders.newBuilder()
                                    .setHeaders(HeaderMap.newBuilder()
                                            .addHeaders(header(":status", "200"))
                                            .addHeaders(header("content-type", "application/json"))))
                            .build());
                    requests[0].onNext(ProcessingRequest.newBuilder()
                            .setResponseBody(
                                    HttpBody.newBuilder().setBody(RESPONSE).setEndOfStream(true))
                            .build());
                } else if (r.hasResponseBody()
                        && r.getResponseBody()
                                .getResponse()
                                .getBodyMutation()
                                .getStreamedResponse()
                                .getEndOfStream()) {
                    requests[0].onCompleted();
                }
            }

            @Override
            public void onError(Throwable t) {
                end(false);
            }

            @Override
            public void onCompleted() {
                end(true);
            }

            private void end(boolean ok) {
                if (!finished) {
                    finished = true;
                    if (!ok) {
                        failed.incrementAndGet();
                    }
                    done.countDown();
                }
            }
        });
        requests[0].onNext(ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder()
                        .setHeaders(HEADERS.toBuilder()
                                .addHeaders(header("content-length", Integer.toString(body.length)))))
                .build());
        // the bodies never change: chunks share them instead of copying (the client shares the CPU with the picker)
        ByteString whole = UnsafeByteOperations.unsafeWrap(body);
        int chunk = 64 * 1024;
        for (int off = 0; off < body.length; off += chunk) {
            int n = Math.min(chunk, body.length - off);
            requests[0].onNext(ProcessingRequest.newBuilder()
                    .setRequestBody(HttpBody.newBuilder()
                            .setBody(whole.substring(off, off + n))
                            .setEndOfStream(off + n == body.length))
                    .build());
        }
    }

    private static final HeaderMap HEADERS = HeaderMap.newBuilder()
            .addHeaders(header(":method", "POST"))
            .addHeaders(header(":path", "/v1/completions"))
            .addHeaders(header(":authority", "gateway"))
            .addHeaders(header("content-type", "application/json"))
            .build();

    private static final ByteString RESPONSE =
            ByteString.copyFromUtf8("{\"id\":\"cmpl-1\",\"object\":\"text_completion\","
                    + "\"model\":\"llama\",\"choices\":[{\"index\":0,\"text\":\"ok\",\"finish_reason\":\"length\"}],"
                    + "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":64,\"total_tokens\":1064}}");

    private static HeaderValue header(String k, String v) {
        return HeaderValue.newBuilder()
                .setKey(k)
                .setRawValue(ByteString.copyFromUtf8(v))
                .build();
    }

    private PickerLatencyBench() {}
}
