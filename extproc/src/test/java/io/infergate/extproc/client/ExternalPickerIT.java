package io.infergate.extproc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.PoolFaultLimits;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.Patience;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} with an InferencePool whose {@code endpointPickerRef} names an external picker: a real gateway on
 * ephemeral ports, simulator replicas as the pool, and a scripted ext_proc picker ({@link FakePicker}). The cases
 * follow GIE's conformance tests 4 and 10-14.
 */
class ExternalPickerIT {

    private static final String BASE_MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private static SimulatorFleet fleet;

    private FakePicker picker;
    private GatewayServer gateway;
    private GrpcExternalPickers client;
    private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startFleet() {
        EngineConfig engine = Preset.DEFAULT.config().toBuilder()
                .servedModelName(BASE_MODEL)
                .numGpuBlocks(1024)
                .clampMaxModelLenToCache()
                .outputLengths(new OutputLengthDistribution.Fixed(3))
                .frontendOverheadNanos(0)
                .build();
        fleet = new SimulatorFleet(
                        new FleetSpec(3, 0, -1, ReplicaSpec.builder(engine).build()))
                .start();
    }

    @AfterAll
    static void stopFleet() {
        fleet.close();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (picker != null) {
            picker.close();
        }
    }

    private static int port(int replica) {
        return fleet.replica(replica).port();
    }

    private static String ep(int port) {
        return "127.0.0.1:" + port;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A Gateway with one HTTP listener routing everything to InferencePool {@code pool} (Pod 127.0.0.1 at
     * {@code poolPorts}), whose reference is {@code ref} (a YAML flow mapping, or null for none), with
     * {@code annotations}; when {@code pickerPort} > 0, Service {@code epp} port 9002 leads to 127.0.0.1 at that port.
     */
    private static String manifests(List<Integer> poolPorts, String ref, String annotations, int pickerPort) {
        String targetPorts = poolPorts.stream().map(p -> "{number: " + p + "}").collect(Collectors.joining(", "));
        String yaml = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: llm}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - matches: [{path: {type: PathPrefix, value: /}}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool, annotations: {%s}}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [%s]
                %s
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sim-pod, labels: {app: sim}}
                status: {podIP: 127.0.0.1, phase: Running}
                """.formatted(annotations, targetPorts, ref == null ? "" : "  endpointPickerRef: " + ref);
        if (pickerPort > 0) {
            yaml += """
                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: epp}
                    spec:
                      selector: {app: epp}
                      ports: [{port: 9002, targetPort: %d, appProtocol: http2}]
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: epp-pod, labels: {app: epp}}
                    status: {podIP: 127.0.0.1, phase: Running}
                    """.formatted(pickerPort);
        }
        return yaml;
    }

    private static final String REF_CLOSE = "{name: epp, port: {number: 9002}, failureMode: FailClose}";
    private static final String REF_OPEN = "{name: epp, port: {number: 9002}, failureMode: FailOpen}";
    private static final String H2C = "infergate.io/endpoint-picker-tls: \"false\"";

    /**
     * With a picker timeout that never expires in a passing test: every case but the one about the timeout expects the
     * picker's answer (or the client's cancel) to win, however slowly a loaded machine delivers it.
     */
    private void start(String yaml, GatewayConfig.Options options) {
        start(yaml, options, Patience.EVENTUALLY);
    }

    private void start(String yaml, GatewayConfig.Options options, Duration timeout) {
        LoadResult r = Manifests.load("test.yaml", yaml);
        assertThat(r.errors()).as(yaml).isEmpty();
        client = new GrpcExternalPickers(timeout);
        gateway = new GatewayServer(
                GatewayConfig.compile(r.manifests(), options),
                GatewayOptions.defaults().withPortMapper(l -> 0),
                SchedulingOptions.defaults().withMetricsInterval(Duration.ZERO),
                records::add,
                client);
        gateway.start();
    }

    private void start(String yaml) {
        start(yaml, GatewayConfig.Options.STANDALONE);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + gateway.boundPorts().get("default/gw/http") + path;
    }

    private static String completion(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"prompt\":\"hello\",\"max_tokens\":3" + (stream ? ",\"stream\":true" : "")
                + "}";
    }

    private HttpResponse<String> post(String body, String selection) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url("/v1/completions")))
                .timeout(Patience.EVENTUALLY)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (selection != null) {
            b.header(FakePicker.SELECTION, selection);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String selection) throws Exception {
        return post(completion(BASE_MODEL, false), selection);
    }

    // ---- conformance 10, 11, 12: following the picker ---------------------------------------------------------

    @Test
    void everyRequestLandsOnTheFirstListedEndpointOverTls() throws Exception {
        picker = new FakePicker(true);
        start(manifests(List.of(port(0), port(1), port(2)), REF_CLOSE, "", picker.port()));
        List<List<Integer>> lists =
                List.of(List.of(port(1)), List.of(port(2), port(0)), List.of(port(0), port(2), port(1)));
        for (List<Integer> list : lists) {
            String selection = list.stream().map(ExternalPickerIT::ep).collect(Collectors.joining(","));
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = post(selection);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue(FakePicker.SERVED_ECHO)).contains(ep(list.get(0)));
            }
        }
        await().until(() -> records.size() == 30);
        assertThat(picker.served).hasSize(30);
        FakePicker.Received first = picker.received.peek();
        assertThat(first.headers())
                .containsEntry(":method", "POST")
                .containsEntry(":path", "/v1/completions")
                .containsEntry(":scheme", "http")
                .containsEntry("content-type", "application/json")
                .containsKeys(":authority", "x-request-id");
        assertThat(first.bodyText()).isEqualTo(completion(BASE_MODEL, false));
        assertThat(first.headersEndOfStream()).isFalse();
        assertThat(picker.responseHeaders.peek()).containsEntry(":status", "200");
        assertThat(client.openChannels()).containsExactly(ep(picker.port()));
    }

    @Test
    void anUnreachableFirstEndpointFallsToTheSecond() throws Exception {
        picker = new FakePicker(false);
        int dead = closedPort();
        start(manifests(List.of(dead, port(0)), REF_CLOSE, H2C, picker.port()));
        HttpResponse<String> r = post(ep(dead) + "," + ep(port(0)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(FakePicker.SERVED_ECHO)).contains(ep(port(0)));
        await().until(() -> records.size() == 1);
        assertThat(records.peek().attempts()).isEqualTo(2);
        assertThat(picker.served).containsExactly(ep(port(0)));
    }

    @Test
    void endpointsOutsideThePoolAreSkipped() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        // replica 1 answers, but it is not in this pool (conformance 13: traffic stays in the chosen pool)
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post("10.9.9.9:8000," + ep(port(1)) + "," + ep(port(0)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue(FakePicker.SERVED_ECHO)).contains(ep(port(0)));
        }
        HttpResponse<String> none = post(ep(port(1)));
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).contains("returned no ready endpoint of InferencePool");
    }

    @Test
    void aDataParallelRankIsServedOnItsOwnPort() throws Exception {
        picker = new FakePicker(false);
        // one Pod, two target ports: two ranks of the same address
        start(manifests(List.of(port(0), port(2)), REF_CLOSE, H2C, picker.port()));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post(ep(port(2)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue(FakePicker.SERVED_ECHO)).contains(ep(port(2)));
        }
        await().until(() -> records.size() == 5);
        assertThat(records).allSatisfy(rec -> assertThat(rec.endpoint()).isEqualTo(ep(port(2))));
        assertThat(picker.served).containsOnly(ep(port(2)));
    }

    @Test
    void theMetadataWinsWhenItDisagreesWithTheHeader() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0), port(1)), REF_CLOSE, H2C, picker.port()));
        picker.script = rec -> new FakePicker.Route(ep(port(0)), ep(port(1)), Map.of(), null);
        HttpResponse<String> r = post(null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue(FakePicker.SERVED_ECHO)).contains(ep(port(1)));
    }

    @Test
    void aHeaderOnlyRequestIsSentWithEndOfStreamOnItsHeaders() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url("/metrics")))
                        .timeout(Patience.EVENTUALLY)
                        .header(FakePicker.SELECTION, ep(port(0)))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("vllm:");
        FakePicker.Received got = picker.received.peek();
        assertThat(got.headersEndOfStream()).isTrue();
        assertThat(got.bodyChunks()).isZero();
        assertThat(got.headers()).containsEntry(":method", "GET").containsEntry(":path", "/metrics");
    }

    @Test
    void aLargeBodyIsSentIn62000ByteChunks() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        String prompt = "x".repeat(150_000);
        String body = "{\"model\":\"" + BASE_MODEL + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":1}";
        HttpResponse<String> r = post(body, ep(port(0)));
        assertThat(r.statusCode()).as(r.body()).isIn(200, 400); // the simulator may find the prompt too long
        assertThat(picker.received.peek().bodyChunks()).isEqualTo(3);
        assertThat(picker.received.peek().bodyText()).isEqualTo(body);
    }

    // ---- the body ------------------------------------------------------------------------------------------

    @Test
    void aModelRewrittenByThePickerIsRestoredForTheClient() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        picker.script = rec -> new FakePicker.Route(
                ep(port(0)),
                null,
                Map.of("x-picker-tag", "blue"),
                rec.bodyText().replace("\"alias\"", "\"" + BASE_MODEL + "\"").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> buffered = post(completion("alias", false), null);
        assertThat(buffered.statusCode()).as(buffered.body()).isEqualTo(200);
        assertThat(buffered.body()).contains("\"model\":\"alias\"").doesNotContain(BASE_MODEL);

        HttpResponse<String> streamed = post(completion("alias", true), null);
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
        assertThat(streamed.body())
                .contains("data: ")
                .contains("\"model\":\"alias\"")
                .doesNotContain(BASE_MODEL)
                .contains("[DONE]");
        await().until(() -> records.size() == 2);
        assertThat(records).allSatisfy(rec -> assertThat(rec.targetModel()).isEqualTo(BASE_MODEL));
    }

    @Test
    void thePickersHeadersAndBodyReachTheModelServer() throws Exception {
        // a model server that echoes the body it got and reports the headers of interest
        HttpServer echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        echo.createContext("/", ex -> {
            byte[] got = ex.getRequestBody().readAllBytes();
            var h = ex.getRequestHeaders();
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.getResponseHeaders().set("x-seen-tag", String.valueOf(h.getFirst("x-picker-tag")));
            ex.getResponseHeaders().set("x-seen-length", String.valueOf(h.getFirst("content-length")));
            ex.getResponseHeaders()
                    .set("x-seen-destination", String.valueOf(h.getFirst("x-gateway-destination-endpoint")));
            ex.getResponseHeaders().set("x-seen-request-id", String.valueOf(h.getFirst("x-request-id")));
            ex.sendResponseHeaders(200, got.length);
            ex.getResponseBody().write(got);
            ex.close();
        });
        echo.start();
        try {
            int port = echo.getAddress().getPort();
            picker = new FakePicker(false);
            start(manifests(List.of(port), REF_CLOSE, H2C, picker.port()));
            String longer = "meta-llama/Llama-3.1-8B-Instruct-with-a-longer-name";
            picker.script = rec -> new FakePicker.Route(
                    ep(port),
                    null,
                    Map.of("x-picker-tag", "blue"),
                    rec.bodyText().replace("\"alias\"", "\"" + longer + "\"").getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = post(completion("alias", false), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            // the model server saw the picker's body; the client sees its own name again
            assertThat(r.body()).isEqualTo(completion("alias", false));
            assertThat(r.headers().firstValue("x-seen-tag")).contains("blue");
            assertThat(r.headers().firstValue("x-seen-length"))
                    .contains(String.valueOf(completion(longer, false).length()));
            assertThat(r.headers().firstValue("x-seen-destination")).contains("null");
            assertThat(r.headers().firstValue("x-seen-request-id"))
                    .isPresent()
                    .contains(picker.received.peek().headers().get("x-request-id"));
            assertThat(r.headers().firstValue(FakePicker.SERVED_ECHO)).contains(ep(port));
        } finally {
            echo.stop(0);
        }
    }

    // ---- ImmediateResponse and failures --------------------------------------------------------------------

    @Test
    void anImmediateResponseReachesTheClientAsAnOpenAiError() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        picker.script = rec -> new FakePicker.Immediate(
                429, "inference error: ResourceExhausted - system saturated, sheddable request dropped");
        HttpResponse<String> shed = post(null);
        assertThat(shed.statusCode()).isEqualTo(429);
        assertThat(shed.body())
                .contains("\"message\":\"inference error: ResourceExhausted - system saturated,"
                        + " sheddable request dropped\"")
                .contains("\"type\":\"rate_limit_error\"");

        picker.script =
                rec -> new FakePicker.Immediate(400, "inference error: BadRequest - model not found in request body");
        HttpResponse<String> bad = post(null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body())
                .contains("model not found in request body")
                .contains("\"type\":\"invalid_request_error\"");
        await().until(() -> records.size() == 2);
    }

    @Test
    void failCloseAnswers503WhenThePickerIsDown() throws Exception {
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, closedPort()));
        HttpResponse<String> r = post(ep(port(0)));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("endpoint picker default/epp:9002").contains("endpoint_picker_unavailable");
    }

    @Test
    void failOpenForwardsToAPoolEndpointWhenThePickerIsDown() throws Exception {
        start(manifests(List.of(port(0), port(1)), REF_OPEN, "", closedPort()));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post(completion(BASE_MODEL, false), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        await().until(() -> records.size() == 5);
        assertThat(records).allSatisfy(rec -> assertThat(rec.endpoint()).isIn(ep(port(0)), ep(port(1))));
    }

    @Test
    void aStreamErrorOrAMalformedListFollowsTheFailureMode() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        picker.script = rec -> new FakePicker.Error();
        HttpResponse<String> error = post(null);
        assertThat(error.statusCode()).isEqualTo(503);
        assertThat(error.body()).contains("INTERNAL scripted failure");

        picker.script = rec -> new FakePicker.Route("127.0.0.1:notaport", null, Map.of(), null);
        HttpResponse<String> malformed = post(null);
        assertThat(malformed.statusCode()).isEqualTo(500);
        assertThat(malformed.body()).contains("malformed x-gateway-destination-endpoint");

        picker.script = rec -> new FakePicker.Route("", null, Map.of(), null);
        assertThat(post(null).statusCode()).isEqualTo(503);
    }

    /**
     * The picker timeout of {@link #noDecisionWithinTheTimeoutFailsClosed}: the test waits it out once. It runs from the
     * start of the stream, so it is long enough for the silent stream's messages to reach the picker before it fires
     * on all but a stalled machine (the test holds either way).
     */
    private static final Duration SILENT_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void noDecisionWithinTheTimeoutFailsClosed() throws Exception {
        picker = new FakePicker(false);
        start(
                manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()),
                GatewayConfig.Options.STANDALONE,
                SILENT_TIMEOUT);
        // On a cold channel the timeout could fire while still connecting, before the stream reached the picker. So
        // first a routed request on the same channel; once one is answered within the timeout, the channel is
        // connected (retried: a loaded machine may miss the timeout, and the channel stays connected either way).
        await().until(() -> post(ep(port(0))).statusCode() == 200);
        picker.script = rec -> new FakePicker.Silent();
        HttpResponse<String> r = post("silent");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("gave no decision within " + SILENT_TIMEOUT);
        // The gateway cancels the silent stream. Whether the picker saw it depends on whether its messages arrived
        // before the timer fired (nearly always, on a connected channel; not guaranteed on a stalled machine), so
        // assert what both orders guarantee: a silent stream the picker received ends cancelled. The marker tells it
        // from a warm-up attempt that timed out, which may be cancelled too, at any time.
        await().until(() -> !marked(picker.received, "silent") || marked(picker.cancelledAfterDeciding, "silent"));
    }

    /**
     * A pool's {@code infergate.io/picker-timeout} wins over the client's (here the never-expiring one of the other
     * cases, as {@code serve --picker-timeout} would be): the silent picker is given up on after the pool's 2 s.
     */
    @Test
    void aPoolsPickerTimeoutAnnotationWinsOverTheGatewaysTimeout() throws Exception {
        picker = new FakePicker(false);
        start(
                manifests(
                        List.of(port(0)),
                        REF_CLOSE,
                        H2C + ", " + PoolFaultLimits.PICKER_TIMEOUT + ": \"" + SILENT_TIMEOUT.toSeconds() + "s\"",
                        picker.port()),
                GatewayConfig.Options.STANDALONE);
        await().until(() -> post(ep(port(0))).statusCode() == 200);
        picker.script = rec -> new FakePicker.Silent();
        HttpResponse<String> r = post("silent");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("gave no decision within " + SILENT_TIMEOUT);
    }

    private static boolean marked(Collection<FakePicker.Received> streams, String marker) {
        return streams.stream().anyMatch(rec -> marker.equals(rec.headers().get(FakePicker.SELECTION)));
    }

    @Test
    void aClientThatGoesAwayCancelsTheCall() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        picker.script = rec -> new FakePicker.Silent();
        String body = completion(BASE_MODEL, false);
        try (Socket s = new Socket("127.0.0.1", gateway.boundPorts().get("default/gw/http"))) {
            s.getOutputStream()
                    .write(("POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json"
                                    + "\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            await().until(() -> picker.received.size() == 1);
        }
        await().until(() -> picker.cancelled.get() == 1);
        await().until(() -> records.size() == 1);
        assertThat(records.peek().status()).isEqualTo(499);
    }

    // ---- conformance 4 and references ------------------------------------------------------------------------

    @Test
    void anInvalidReferenceInClusterModeFollowsTheFailureMode() throws Exception {
        // the Service does not exist: cluster mode takes the reference literally
        start(
                manifests(List.of(port(0)), "{name: missing-epp, port: {number: 9002}}", "", 0),
                GatewayConfig.Options.CLUSTER);
        HttpResponse<String> closed = post(null);
        assertThat(closed.statusCode()).isEqualTo(503);
        assertThat(closed.body()).contains("endpoint picker reference is invalid: Service default/missing-epp");
        gateway.close();

        start(
                manifests(List.of(port(0)), "{name: missing-epp, port: {number: 9002}, failureMode: FailOpen}", "", 0),
                GatewayConfig.Options.CLUSTER);
        HttpResponse<String> open = post(null);
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
    }

    @Test
    void noReferenceABuiltInReferenceOrAnUndeclaredServiceInStandaloneUseTheInProcessPicker() throws Exception {
        picker = new FakePicker(false);
        for (String ref : new String[] {
            null,
            "{group: infergate.io, kind: EndpointPicker, name: builtin}",
            "{name: not-declared, port: {number: 9002}}"
        }) {
            start(manifests(List.of(port(0), port(1)), ref, "", picker.port()));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = post(null);
                assertThat(r.statusCode()).as(ref + ": " + r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue(FakePicker.SERVED_ECHO)).isEmpty();
            }
            gateway.close();
        }
        gateway = null;
        assertThat(picker.received).isEmpty();
    }

    @Test
    void aReloadWithoutThePickerClosesItsChannel() throws Exception {
        picker = new FakePicker(false);
        start(manifests(List.of(port(0)), REF_CLOSE, H2C, picker.port()));
        assertThat(post(ep(port(0))).statusCode()).isEqualTo(200);
        assertThat(client.openChannels()).containsExactly(ep(picker.port()));
        LoadResult r = Manifests.load("test.yaml", manifests(List.of(port(0)), null, "", 0));
        gateway.update(GatewayConfig.compile(r.manifests()));
        assertThat(client.openChannels()).isEmpty();
        assertThat(post(null).statusCode()).isEqualTo(200);
    }
}
