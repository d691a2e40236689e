package io.infergate.extproc.server;

import static io.infergate.extproc.server.EnvoySide.post;
import static io.infergate.extproc.server.EnvoySide.requestBody;
import static io.infergate.extproc.server.EnvoySide.requestHeaders;
import static io.infergate.extproc.server.EnvoySide.responseBody;
import static io.infergate.extproc.server.EnvoySide.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pipeline.PickerProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Endpoint Picker protocol as Envoy drives it, message by message, against the picker in-process: the hermetic
 * cases of the reference picker's integration test (GIE v1.5.0 {@code test/integration/epp/hermetic_test.go}) and the
 * picker side of the conformance semantics (GIE v1.6.0 {@code conformance/}).
 */
class EppProtocolTest {

    private static final PoolId POOL_ID = new PoolId("inference.networking.k8s.io", "default", "pool");
    private static final String CHAT = "/v1/chat/completions";

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private EppState state;
    private Server server;
    private ManagedChannel channel;
    private EnvoySide envoy;

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

    private static String pool(String ports, int pods, String extra) {
        StringBuilder y = new StringBuilder("""
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, namespace: default}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [%s]
                  endpointPickerRef: {name: epp, port: {number: 9002}}
                """.formatted(ports));
        for (int i = 0; i < pods; i++) {
            y.append("""
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: pod-%d, namespace: default, labels: {app: vllm}}
                    status: {podIP: 192.168.1.%d}
                    """.formatted(i, i + 1));
        }
        return y + extra;
    }

    /** An InferenceModelRewrite that sends every request for {@code from} to {@code to}. */
    private static String rewrite(String from, String to) {
        return """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModelRewrite
                metadata: {name: r, namespace: default}
                spec:
                  poolRef: {group: inference.networking.k8s.io, name: pool}
                  rules:
                    - matches: [{model: {type: Exact, value: %s}}]
                      targets: [{modelRewrite: %s, weight: 1}]
                """.formatted(from, to);
    }

    private void start(String manifests, String profile, StreamSettings settings) throws IOException {
        LoadResult loaded = Manifests.validated(Manifests.load("test.yaml", manifests));
        assertThat(loaded.hasErrors()).as("%s", loaded.problems()).isFalse();
        SplittableRandom seeds = new SplittableRandom(7);
        state = new EppState(
                POOL_ID,
                SchedulingOptions.defaults().withDefaultProfile(profile).withMetricsInterval(Duration.ZERO),
                now::get,
                () -> seeds.split(),
                null);
        state.update(loaded.manifests());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new ExtProcService(state, settings.withRandom(() -> seeds.split())))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        envoy = new EnvoySide(channel);
    }

    private void start(String manifests) throws IOException {
        start(manifests, "gie-v1-default", settings());
    }

    private StreamSettings settings() {
        return StreamSettings.defaults().withRandom(() -> new SplittableRandom(3));
    }

    /** Gives an endpoint scraped metrics, read "now". */
    private void metrics(String hostPort, int queue, double kv, String... adapters) {
        for (EndpointSlot slot : state.datastore().slots()) {
            if (slot.hostPort().equals(hostPort)) {
                slot.metrics(slot.metrics()
                        .read(
                                new ModelServerMetrics(
                                        "vllm",
                                        queue,
                                        0,
                                        kv,
                                        Set.of(adapters),
                                        Set.of(),
                                        4,
                                        ModelServerMetrics.UNKNOWN,
                                        ModelServerMetrics.UNKNOWN,
                                        List.of()),
                                now.get()));
                return;
            }
        }
        throw new AssertionError("no slot " + hostPort);
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    /** Sends a whole request and returns the request-headers response (the body chunks go to {@code chunks}). */
    private ProcessingResponse pick(
            EnvoySide.Stream s,
            Map<String, String> headers,
            String body,
            List<ProcessingResponse> chunks,
            StringBuilder bodyOut) {
        s.send(requestHeaders(headers, false, null)).send(requestBody(body, true));
        ProcessingResponse h = s.next();
        String b = s.requestBody(chunks);
        if (bodyOut != null) {
            bodyOut.append(b);
        }
        return h;
    }

    private static void assertImmediate(ProcessingResponse r, int status, String body) {
        assertThat(r.hasImmediateResponse()).as("%s", r).isTrue();
        assertThat(r.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(status);
        assertThat(r.getImmediateResponse().getBody().toStringUtf8()).startsWith(body);
    }

    // ---- §5.3 hermetic cases

    @Test
    void selectsTheLoraEndpointDespiteHigherKvCache() throws IOException {
        start(pool("{number: 8000}", 3, ""), "gie-v0-filter-tree", settings());
        metrics("192.168.1.1:8000", 10, 0.2);
        metrics("192.168.1.2:8000", 10, 0.4, "sql-lora");
        metrics("192.168.1.3:8000", 10, 0.3);
        ProcessingResponse h = pick(envoy.open(), post(CHAT), chat("sql-lora"), new ArrayList<>(), null);
        assertThat(EnvoySide.setHeaders(h).get("x-gateway-destination-endpoint"))
                .isEqualTo("192.168.1.2:8000");
    }

    @Test
    void theRequestHeadersResponseCarriesTheDestinationTwiceAndTheHeadersInTheReferenceOrder() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        Map<String, String> headers = post(CHAT);
        headers.put("x-gateway-inference-objective", "none");
        headers.put("x-gateway-inference-fairness-id", "tenant-a");
        headers.put("x-gateway-model-name-rewrite", "");
        headers.put("x-gateway-destination-endpoint-subset", "1.2.3.4:1");
        headers.put("content-length", "999");
        headers.put("authorization", "Bearer x");
        List<ProcessingResponse> chunks = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        ProcessingResponse h = pick(envoy.open(), headers, chat("m"), chunks, body);

        assertThat(h.getRequestHeaders().getResponse().getClearRouteCache()).isTrue();
        Map<String, String> set = EnvoySide.setHeaders(h);
        assertThat(EnvoySide.setHeaderNames(h)).startsWith("x-gateway-destination-endpoint", "Content-Length");
        assertThat(set.get("Content-Length"))
                .isEqualTo(Integer.toString(chat("m").length()));
        assertThat(set.get("x-gateway-destination-endpoint"))
                .matches("192\\.168\\.1\\.[123]:8000")
                .isEqualTo(EnvoySide.lbDestination(h));
        // copied back: ordinary headers and a generated request id; never the control headers or pseudo-headers
        assertThat(set)
                .containsEntry("authorization", "Bearer x")
                .containsEntry("content-type", "application/json")
                .containsKey("x-request-id")
                .doesNotContainKeys(
                        "x-gateway-inference-objective",
                        "x-gateway-inference-fairness-id",
                        "x-gateway-model-name-rewrite",
                        "x-gateway-destination-endpoint-subset",
                        "content-length",
                        ":path",
                        ":method",
                        ":authority");
        assertThat(body.toString()).isEqualTo(chat("m"));
        assertThat(chunks).hasSize(1);
    }

    @Test
    void invalidJsonIs400() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        EnvoySide.Stream s = envoy.open()
                .send(requestHeaders(post(CHAT), false, null))
                .send(requestBody("{\"model\": \"m\", ", true));
        assertImmediate(s.next(), 400, "inference error: BadRequest - error unmarshaling request body: ");
        assertThat(s.end()).isNull();
    }

    @Test
    void aMissingModelIs400() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        EnvoySide.Stream s =
                envoy.open().send(requestHeaders(post(CHAT), false, null)).send(requestBody("{\"messages\":[]}", true));
        assertImmediate(s.next(), 400, "inference error: BadRequest - model not found in request body");
    }

    @Test
    void aModelWithAControlCharacterIs400InvalidModel() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        for (String escaped : List.of("\\u0000", "\\n", "\\r", "\\u000b", "\\f", "\\u001f", "\\u007f")) {
            EnvoySide.Stream s = envoy.open()
                    .send(requestHeaders(post(CHAT), false, null))
                    .send(requestBody("{\"model\":\"m" + escaped + "x\",\"messages\":[]}", true));
            assertImmediate(s.next(), 400, "inference error: BadRequest - model name contains the control character");
            assertThat(s.end()).as(escaped).isNull();
        }
    }

    /** Hostile bodies and control headers: a 4xx ImmediateResponse or a forward, never a stream ended INTERNAL. */
    @Test
    void hostileInputsNeverEndTheStreamWithInternal() throws IOException {
        start(pool("{number: 8000}", 3, rewrite("known", "target")));
        String longName = "n".repeat(200_000);
        List<byte[]> bodies = new ArrayList<>();
        for (String body : List.of(
                "{\"model\":\"a\u0000b\"}",
                "{\"model\":\"a\nb\"}",
                "{\"model\":\"a\\u0000b\"}",
                "{\"model\":\"\\ud800\"}",
                "{\"model\":\" known\"}",
                "{\"model\":\"" + longName + "\"}",
                "{\"model\":\"known\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\u0000\"}]}")) {
            bodies.add(body.getBytes(StandardCharsets.UTF_8));
        }
        bodies.add(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bodies.add(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xFF, '"', '}'});
        List<Map<String, String>> headerSets = new ArrayList<>();
        headerSets.add(post(CHAT));
        for (String value : List.of("x\u0000y", "x\r\nInjected: 1", longName, "\u007f")) {
            for (String header : List.of(
                    "x-gateway-model-name-rewrite",
                    "x-gateway-inference-objective",
                    "x-gateway-inference-fairness-id",
                    "x-session-id")) {
                Map<String, String> h = post(CHAT);
                h.put(header, value);
                headerSets.add(h);
            }
        }
        for (Map<String, String> headers : headerSets) {
            for (byte[] body : bodies) {
                EnvoySide.Stream s =
                        envoy.open().send(requestHeaders(headers, false, null)).send(requestBody(body, true));
                ProcessingResponse r = s.next();
                if (r.hasImmediateResponse()) {
                    assertThat(r.getImmediateResponse().getStatus().getCodeValue())
                            .as("%s", r)
                            .isBetween(400, 499);
                } else {
                    assertThat(r.hasRequestHeaders()).as("%s", r).isTrue();
                    s.requestBody(new ArrayList<>());
                    s.halfClose();
                }
                Status end = s.end();
                assertThat(end == null ? Status.Code.OK : end.getCode()).isNotEqualTo(Status.Code.INTERNAL);
            }
        }
        // the pool is not strict: unknown names are forwarded, and counted under "other"
        EnvoySide.Stream s = envoy.open()
                .send(requestHeaders(post(CHAT), false, null))
                .send(requestBody("{\"model\":\"client-chosen-1\",\"messages\":[]}", true));
        assertThat(s.next().hasRequestHeaders()).isTrue();
        s.requestBody(new ArrayList<>());
        s.halfClose();
        assertThat(s.end()).isNull();
        String metrics = state.metrics().scrape(state.served().orElseThrow().config(), null);
        assertThat(metrics)
                .doesNotContain("client-chosen")
                .doesNotContain("nnnnnnnn")
                .contains("model_name=\"other\",target_model_name=\"other\"")
                .contains("model_name=\"known\",target_model_name=\"target\"");
    }

    @Test
    void aHeaderOnlyRequestWithNoPodsIs500() throws IOException {
        start(pool("{number: 8000}", 0, ""));
        Map<String, String> get = post("/v1/models");
        get.put(":method", "GET");
        EnvoySide.Stream s = envoy.open().send(requestHeaders(get, true, null));
        assertImmediate(s.next(), 500, "inference error: Internal - no pods available in datastore");
    }

    @Test
    void aHeaderOnlyRequestGoesToARandomReadyEndpointWithoutABody() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            EnvoySide.Stream s = envoy.open().send(requestHeaders(post("/v1/models"), true, null));
            ProcessingResponse h = s.next();
            Map<String, String> set = EnvoySide.setHeaders(h);
            assertThat(set).doesNotContainKey("Content-Length");
            seen.add(set.get("x-gateway-destination-endpoint"));
            s.halfClose();
            assertThat(s.end()).isNull();
        }
        assertThat(seen).containsExactlyInAnyOrder("192.168.1.1:8000", "192.168.1.2:8000", "192.168.1.3:8000");
        assertThat(state.inFlight()
                        .inFlight(state.served()
                                .orElseThrow()
                                .pool()
                                .snapshot()
                                .endpoints()
                                .get(0)))
                .isZero();
    }

    @Test
    void aSubsetThatMatchesNothingIs503AndAnEmptyOneToo() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        EnvoySide.Stream s = envoy.open()
                .send(requestHeaders(post(CHAT), false, EnvoySide.subset("10.9.9.9:8000")))
                .send(requestBody(chat("m"), true));
        assertImmediate(
                s.next(),
                503,
                "inference error: ServiceUnavailable - failed to find endpoint candidates for serving the request");
        EnvoySide.Stream empty = envoy.open()
                .send(requestHeaders(post(CHAT), false, EnvoySide.subset()))
                .send(requestBody(chat("m"), true));
        assertImmediate(empty.next(), 503, "inference error: ServiceUnavailable");
    }

    @Test
    void aPartialSubsetMatchPicksFromTheSubsetEvenTheMostLoadedPod() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        metrics("192.168.1.1:8000", 0, 0.1);
        metrics("192.168.1.2:8000", 0, 0.1);
        metrics("192.168.1.3:8000", 50, 0.9);
        for (int i = 0; i < 5; i++) {
            EnvoySide.Stream s = envoy.open()
                    .send(requestHeaders(post(CHAT), false, EnvoySide.subset("192.168.1.3:8000", "10.0.0.1:8000")))
                    .send(requestBody(chat("m"), true));
            assertThat(EnvoySide.setHeaders(s.next()).get("x-gateway-destination-endpoint"))
                    .isEqualTo("192.168.1.3:8000");
        }
    }

    @Test
    void aBodySplitMidStringIsParsedWhole() throws IOException {
        start(pool("{number: 8000}", 3, rewrite("food-review", "food-review-v2")));
        String full = chat("food-review");
        int cut = full.indexOf("review") + 2; // inside the model string
        EnvoySide.Stream s = envoy.open()
                .send(requestHeaders(post(CHAT), false, null))
                .send(requestBody(full.substring(0, cut), false))
                .send(requestBody(full.substring(cut), true));
        ProcessingResponse h = s.next();
        String body = s.requestBody(new ArrayList<>());
        assertThat(body).isEqualTo(chat("food-review-v2"));
        assertThat(EnvoySide.setHeaders(h).get("Content-Length")).isEqualTo(Integer.toString(body.length()));
    }

    @Test
    void aRewrittenModelIsRestoredInABufferedJsonResponse() throws IOException {
        start(pool("{number: 8000}", 3, rewrite("food-review", "food-review-v2")));
        EnvoySide.Stream s = envoy.open();
        ProcessingResponse h = pick(s, post(CHAT), chat("food-review"), new ArrayList<>(), null);
        String served = EnvoySide.setHeaders(h).get("x-gateway-destination-endpoint");
        s.send(responseHeaders(Map.of(":status", "200", "content-type", "application/json"), served));
        assertThat(s.next().hasResponseHeaders()).isTrue();
        String reply = "{\"id\":\"x\",\"model\":\"food-review-v2\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":11,\"total_tokens\":14,\"completion_tokens\":3}}";
        s.send(responseBody(reply.substring(0, 20), false)).send(responseBody(reply.substring(20), true));
        assertThat(s.responseBody()).isEqualTo(reply.replace("food-review-v2", "food-review"));
        s.halfClose();
        assertThat(s.end()).isNull();
        assertThat(state.metrics().scrape(null, null))
                .contains("inference_objective_input_tokens_sum{model_name=\"food-review\","
                        + "target_model_name=\"food-review-v2\"} 11");
    }

    @Test
    void streamedChunksPassThroughRestoredAndUsageIsCounted() throws IOException {
        start(pool("{number: 8000}", 3, rewrite("a", "b")));
        EnvoySide.Stream s = envoy.open();
        ProcessingResponse h = pick(s, post(CHAT), chat("a"), new ArrayList<>(), null);
        s.send(responseHeaders(
                Map.of(":status", "200", "content-type", "text/event-stream"),
                EnvoySide.setHeaders(h).get("x-gateway-destination-endpoint")));
        s.next();
        s.send(responseBody("data: {\"model\":\"b\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n", false));
        assertThat(s.next()
                        .getResponseBody()
                        .getResponse()
                        .getBodyMutation()
                        .getStreamedResponse()
                        .getBody()
                        .toStringUtf8())
                .isEqualTo("data: {\"model\":\"a\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n");
        s.send(responseBody("data: {\"usage\":{\"prompt_tokens\":7,\"total_tokens\":17,\"completion_to", false));
        s.next();
        s.send(responseBody("kens\":10}}\n\ndata: [DONE]\n\n", true));
        var last = s.next().getResponseBody().getResponse().getBodyMutation().getStreamedResponse();
        assertThat(last.getEndOfStream()).isTrue();
        assertThat(last.getBody().toStringUtf8()).isEqualTo("kens\":10}}\n\ndata: [DONE]\n\n");
        String metrics = state.metrics().scrape(null, null);
        assertThat(metrics)
                .contains("inference_objective_input_tokens_sum{model_name=\"a\",target_model_name=\"b\"} 7")
                .contains("inference_objective_output_tokens_sum{model_name=\"a\",target_model_name=\"b\"} 10");
    }

    // ---- protocol details

    @Test
    void aLargeBodyIsResentInChunksOfAtMost62000Bytes() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        String big = "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(200 * 1024) + "\"}";
        List<ProcessingResponse> chunks = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        EnvoySide.Stream s = envoy.open().send(requestHeaders(post("/v1/completions"), false, null));
        for (int i = 0; i < big.length(); i += 16_384) {
            s.send(requestBody(big.substring(i, Math.min(big.length(), i + 16_384)), i + 16_384 >= big.length()));
        }
        s.next();
        body.append(s.requestBody(chunks));
        assertThat(body.toString()).isEqualTo(big);
        assertThat(chunks).hasSize((big.length() + 61_999) / 62_000);
        for (int i = 0; i < chunks.size(); i++) {
            var r = chunks.get(i)
                    .getRequestBody()
                    .getResponse()
                    .getBodyMutation()
                    .getStreamedResponse();
            assertThat(r.getBody().size()).isLessThanOrEqualTo(PickerProtocol.BODY_CHUNK_LIMIT);
            assertThat(r.getEndOfStream()).isEqualTo(i == chunks.size() - 1);
        }
    }

    @Test
    void fallbacksAreAnOrderedCommaListOfDistinctEndpoints() throws IOException {
        start(pool("{number: 8000}", 3, ""), "gie-v1-default", settings().withMaxDestinationEndpoints(3));
        metrics("192.168.1.1:8000", 20, 0.1);
        metrics("192.168.1.2:8000", 0, 0.1);
        metrics("192.168.1.3:8000", 10, 0.1);
        for (int n : new int[] {1, 2, 3}) {
            stop();
            start(pool("{number: 8000}", 3, ""), "gie-v1-default", settings().withMaxDestinationEndpoints(n));
            metrics("192.168.1.1:8000", 20, 0.1);
            metrics("192.168.1.2:8000", 0, 0.1);
            metrics("192.168.1.3:8000", 10, 0.1);
            ProcessingResponse h = pick(envoy.open(), post(CHAT), chat("m"), new ArrayList<>(), null);
            String list = EnvoySide.setHeaders(h).get("x-gateway-destination-endpoint");
            assertThat(list).isEqualTo(EnvoySide.lbDestination(h));
            assertThat(list)
                    .isEqualTo(String.join(
                            ",",
                            List.of("192.168.1.2:8000", "192.168.1.3:8000", "192.168.1.1:8000")
                                    .subList(0, n)));
        }
    }

    @Test
    void dataParallelRanksAreSeparateEndpoints() throws IOException {
        start(pool("{number: 8000}, {number: 8002}", 1, ""));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            EnvoySide.Stream s = envoy.open().send(requestHeaders(post("/v1/models"), true, null));
            seen.add(EnvoySide.setHeaders(s.next()).get("x-gateway-destination-endpoint"));
        }
        assertThat(seen).containsExactlyInAnyOrder("192.168.1.1:8000", "192.168.1.1:8002");
        EnvoySide.Stream s = envoy.open()
                .send(requestHeaders(post(CHAT), false, EnvoySide.subset("192.168.1.1:8002")))
                .send(requestBody(chat("m"), true));
        assertThat(EnvoySide.setHeaders(s.next()).get("x-gateway-destination-endpoint"))
                .isEqualTo("192.168.1.1:8002");
        // an IP without a port allows every rank of the pod
        EnvoySide.Stream ip = envoy.open()
                .send(requestHeaders(post(CHAT), false, EnvoySide.subset("192.168.1.1")))
                .send(requestBody(chat("m"), true));
        assertThat(EnvoySide.setHeaders(ip.next()).get("x-gateway-destination-endpoint"))
                .startsWith("192.168.1.1:");
    }

    @Test
    void theServedEndpointTakesOverTheInFlightLoadAndTheEndReleasesIt() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        var endpoints = state.served().orElseThrow().pool().snapshot().endpoints();
        EnvoySide.Stream s = envoy.open();
        ProcessingResponse h = pick(s, post(CHAT), chat("m"), new ArrayList<>(), null);
        String picked = EnvoySide.setHeaders(h).get("x-gateway-destination-endpoint");
        var pickedEndpoint = endpoints.stream()
                .filter(e -> e.hostPort().equals(picked))
                .findFirst()
                .orElseThrow();
        var other = endpoints.stream()
                .filter(e -> !e.hostPort().equals(picked))
                .findFirst()
                .orElseThrow();
        assertThat(state.inFlight().inFlight(pickedEndpoint)).isEqualTo(1);
        s.send(responseHeaders(Map.of(":status", "200", "content-type", "application/json"), other.hostPort()));
        s.next();
        assertThat(state.inFlight().inFlight(pickedEndpoint)).isZero();
        assertThat(state.inFlight().inFlight(other)).isEqualTo(1);
        s.send(responseBody("{}", true));
        s.responseBody();
        assertThat(state.inFlight().inFlight(other)).isZero();
    }

    @Test
    void aCancelledStreamReleasesItsLoad() throws IOException {
        start(pool("{number: 8000}", 1, ""));
        var endpoint =
                state.served().orElseThrow().pool().snapshot().endpoints().get(0);
        EnvoySide.Stream s = envoy.open();
        pick(s, post(CHAT), chat("m"), new ArrayList<>(), null);
        assertThat(state.inFlight().inFlight(endpoint)).isEqualTo(1);
        s.cancel();
        assertThat(state.inFlight().inFlight(endpoint)).isZero();
    }

    @Test
    void aStreamThatBreaksTheProtocolEndsAloneWithInvalidArgument() throws IOException {
        start(pool("{number: 8000}", 3, ""));
        EnvoySide.Stream bad = envoy.open().send(requestBody(chat("m"), true));
        Status status = bad.end();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("request body chunk received while expecting request headers");
        EnvoySide.Stream twice = envoy.open()
                .send(requestHeaders(post(CHAT), false, null))
                .send(requestHeaders(post(CHAT), false, null));
        assertThat(twice.end().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // the server is still fine
        ProcessingResponse h = pick(envoy.open(), post(CHAT), chat("m"), new ArrayList<>(), null);
        assertThat(EnvoySide.setHeaders(h)).containsKey("x-gateway-destination-endpoint");
    }

    @Test
    void aSheddableRequestOnASaturatedPoolIs429() throws IOException {
        start(pool("{number: 8000}", 2, """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch, namespace: default}
                spec:
                  priority: -1
                  poolRef: {name: pool}
                """));
        metrics("192.168.1.1:8000", 50, 0.99);
        metrics("192.168.1.2:8000", 50, 0.99);
        Map<String, String> headers = post(CHAT);
        headers.put("x-gateway-inference-objective", "batch");
        EnvoySide.Stream s =
                envoy.open().send(requestHeaders(headers, false, null)).send(requestBody(chat("m"), true));
        ProcessingResponse shed = s.next();
        assertImmediate(shed, 429, "inference error: ResourceExhausted - ");
        // told when to come back, as serve's 429 is
        assertThat(shed.getImmediateResponse().getHeaders().getSetHeadersList()).anySatisfy(h -> {
            assertThat(h.getHeader().getKey()).isEqualTo("retry-after");
            assertThat(h.getHeader().getRawValue().toStringUtf8()).isEqualTo("1");
        });
        // a request of default priority still goes through
        ProcessingResponse h = pick(envoy.open(), post(CHAT), chat("m"), new ArrayList<>(), null);
        assertThat(EnvoySide.setHeaders(h)).containsKey("x-gateway-destination-endpoint");
    }

    @Test
    void withFlowControlARequestWaitsWhileThePoolIsSaturatedThenGoes() throws IOException {
        start(
                pool("{number: 8000}", 1, "")
                        .replace(
                                "metadata: {name: pool, namespace: default}",
                                "metadata: {name: pool, namespace: default, annotations: {infergate.io/flow-control: \"true\"}}"));
        metrics("192.168.1.1:8000", 50, 0.99);
        EnvoySide.Stream s =
                envoy.open().send(requestHeaders(post(CHAT), false, null)).send(requestBody(chat("m"), true));
        state.flows().pokeAll();
        assertThat(s.pending())
                .as("nothing is answered while the request is queued")
                .isZero();
        metrics("192.168.1.1:8000", 0, 0.1);
        state.flows().pokeAll();
        assertThat(EnvoySide.setHeaders(s.next())).containsEntry("x-gateway-destination-endpoint", "192.168.1.1:8000");

        // a queued request whose client goes away leaves the queue
        metrics("192.168.1.1:8000", 50, 0.99);
        EnvoySide.Stream gone =
                envoy.open().send(requestHeaders(post(CHAT), false, null)).send(requestBody(chat("m"), true));
        assertThat(state.flows().controller(POOL_ID).queuedRequests()).isEqualTo(1);
        gone.cancel();
        assertThat(state.flows().controller(POOL_ID).queuedRequests()).isZero();
    }

    @Test
    void aTooLargeBodyIs413() throws IOException {
        start(pool("{number: 8000}", 1, ""), "gie-v1-default", settings().withMaxRequestBodyBytes(100));
        EnvoySide.Stream s = envoy.open()
                .send(requestHeaders(post(CHAT), false, null))
                .send(requestBody("{\"model\":\"m\",\"prompt\":\"" + "x".repeat(200) + "\"}", true));
        assertImmediate(s.next(), 413, "inference error: PayloadTooLarge - ");
    }

    @Test
    void healthNamesFollowTheReferencePicker() {
        boolean[] ready = {false};
        PickerHealth health = new PickerHealth(() -> ready[0]);
        assertThat(health.status("liveness").name()).isEqualTo("SERVING");
        assertThat(health.status("readiness").name()).isEqualTo("NOT_SERVING");
        assertThat(health.status("other").name()).isEqualTo("SERVICE_UNKNOWN");
        ready[0] = true;
        for (String name :
                List.of("readiness", "envoy.service.ext_proc.v3.ExternalProcessor", "", "inference-extension")) {
            assertThat(health.status(name).name()).as(name).isEqualTo("SERVING");
        }
    }
}
