package io.infergate.extproc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpTrailers;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.testing.Trials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Properties of ext_proc message handling ({@link EppStream}) over random sequences of {@link ProcessingRequest}s
 * (seeded trials, {@link Trials}): request and response headers, bodies and trailers in any order and number, with
 * valid, mutated and hostile contents, then a half-close or a cancel. Every stream ends, within its bound, either
 * normally or with {@code INVALID_ARGUMENT} (a protocol violation) or {@code CANCELLED} (ours), never with
 * {@code INTERNAL} or {@code UNKNOWN} (an unexpected failure); and once it has ended no in-flight lease is left.
 */
class EppStreamProperties {

    private static final PoolId POOL_ID = new PoolId("inference.networking.k8s.io", "default", "pool");
    private static final Set<Status.Code> DOCUMENTED_ENDS = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.CANCELLED);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private EppState state;
    private Server server;
    private ManagedChannel channel;
    private EnvoySide envoy;

    @BeforeEach
    void start() throws IOException {
        String manifests = """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: default}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {name: epp, port: {number: 9002}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: pod-0, namespace: default, labels: {app: vllm}}
                status: {podIP: 192.168.1.1}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: pod-1, namespace: default, labels: {app: vllm}}
                status: {podIP: 192.168.1.2}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: m, namespace: default}
                spec:
                  modelName: m
                  poolRef: {group: inference.networking.k8s.io, name: pool}
                  targetModels: [{name: lora-a, weight: 1}]
                """;
        LoadResult loaded = Manifests.validated(Manifests.load("test.yaml", manifests));
        assertThat(loaded.hasErrors()).as("%s", loaded.problems()).isFalse();
        SplittableRandom seeds = new SplittableRandom(7);
        state = new EppState(
                POOL_ID,
                SchedulingOptions.defaults().withMetricsInterval(Duration.ZERO),
                now::get,
                () -> seeds.split(),
                null);
        state.update(loaded.manifests());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new ExtProcService(state, StreamSettings.defaults().withRandom(() -> seeds.split())))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        envoy = new EnvoySide(channel);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
        if (state != null) {
            state.close();
        }
    }

    @Test
    void randomMessageSequencesEndCleanlyAndLeaveNoLease() {
        Trials.run(16_301, 3_000, (random, i) -> {
            EnvoySide.Stream s = envoy.open();
            int messages = random.nextInt(1, 9);
            for (int m = 0; m < messages; m++) {
                s.send(message(random, m));
            }
            if (random.nextInt(4) == 0) {
                s.cancel();
            } else {
                s.halfClose();
            }
            Status end = drain(s);
            if (end != null) {
                assertThat(end.getCode()).as("trial %d ended with %s", i, end).isIn(DOCUMENTED_ENDS);
            }
            for (EndpointSlot slot : state.datastore().slots()) {
                assertThat(state.inFlight().inFlight(slot.endpoint()))
                        .as("leases left on %s after trial %d", slot.hostPort(), i)
                        .isZero();
            }
        });
    }

    /** Reads responses until the stream ends; the end's status, or null when it completed normally. */
    private static Status drain(EnvoySide.Stream s) {
        while (true) {
            try {
                return s.end();
            } catch (AssertionError aResponseCameFirst) {
                if (aResponseCameFirst.getMessage() == null
                        || !aResponseCameFirst.getMessage().startsWith("expected the end of the stream")) {
                    throw aResponseCameFirst;
                }
            }
        }
    }

    private static ProcessingRequest message(SplittableRandom r, int position) {
        int kind = position == 0 && r.nextInt(4) > 0 ? 0 : r.nextInt(7);
        return switch (kind) {
            case 0 -> EnvoySide.requestHeaders(requestHeaders(r), r.nextInt(6) == 0, subset(r));
            case 1, 2 -> EnvoySide.requestBody(body(r), r.nextBoolean());
            case 3 ->
                EnvoySide.responseHeaders(
                        responseHeaders(r),
                        new String[] {null, "192.168.1.1:8000", "192.168.1.2:8000", "10.0.0.9:1", "garbage", ""}
                                [r.nextInt(6)]);
            case 4 ->
                EnvoySide.responseBody(
                        new String[] {
                                    "{\"model\":\"lora-a\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}",
                                    "data: {\"model\":\"lora-a\"}\n\n",
                                    "data: [DONE]\n\n",
                                    "{\"usage\":{\"prompt_tokens\":-1}}",
                                    "\u0000\u00ff"
                                }
                                [r.nextInt(5)],
                        r.nextBoolean());
            case 5 ->
                ProcessingRequest.newBuilder()
                        .setRequestTrailers(HttpTrailers.getDefaultInstance())
                        .build();
            default ->
                r.nextBoolean()
                        ? ProcessingRequest.getDefaultInstance()
                        : ProcessingRequest.newBuilder()
                                .setResponseBody(HttpBody.newBuilder()
                                        .setBody(ByteString.copyFrom(randomBytes(r)))
                                        .setEndOfStream(true))
                                .build();
        };
    }

    private static Map<String, String> requestHeaders(SplittableRandom r) {
        Map<String, String> h = EnvoySide.post(r.nextBoolean() ? "/v1/chat/completions" : "/v1/completions");
        String[] names = {
            "x-gateway-model-name-rewrite",
            "x-gateway-inference-objective",
            "x-gateway-inference-fairness-id",
            "x-request-id",
            "content-length",
            "x-gateway-destination-endpoint-subset",
            ":method",
            "te"
        };
        String[] values = {"", "\u0001", "-1", "99999999999999999999", "m", "lora-a", "x".repeat(5000), "\u00ff"};
        for (int n = r.nextInt(4); n > 0; n--) {
            h.put(names[r.nextInt(names.length)], values[r.nextInt(values.length)]);
        }
        return h;
    }

    private static Map<String, String> responseHeaders(SplittableRandom r) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":status", new String[] {"200", "500", "429", "abc", ""}[r.nextInt(5)]);
        h.put("content-type", r.nextBoolean() ? "text/event-stream" : "application/json");
        return h;
    }

    private static Metadata subset(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> EnvoySide.subset("192.168.1.1:8000");
            case 1 -> EnvoySide.subset("10.9.9.9:1", "not an endpoint");
            case 2 -> EnvoySide.subset();
            default -> null;
        };
    }

    private static byte[] body(SplittableRandom r) {
        String[] models = {"m", "lora-a", "unknown", "", "a\\u0000b", "x".repeat(2000)};
        String valid = "{\"model\":\"" + models[r.nextInt(models.length)]
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":"
                + new String[] {"2", "-1", "1e999", "null", "\"x\""}[r.nextInt(5)]
                + (r.nextBoolean() ? ",\"stream\":true" : "") + "}";
        byte[] b = valid.getBytes(StandardCharsets.UTF_8);
        return switch (r.nextInt(5)) {
            case 0 -> {
                int cut = r.nextInt(b.length + 1);
                byte[] out = new byte[cut];
                System.arraycopy(b, 0, out, 0, cut);
                yield out;
            }
            case 1 -> {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                yield b;
            }
            case 2 -> randomBytes(r);
            default -> b;
        };
    }

    private static byte[] randomBytes(SplittableRandom r) {
        byte[] b = new byte[r.nextInt(0, 300)];
        r.nextBytes(b);
        return b;
    }
}
