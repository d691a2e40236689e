package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.KnownModelNames;
import io.infergate.gateway.metrics.GatewayMetrics;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.Patience;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What clients choose cannot hurt the gateway: their model names do not become metric series, and no body or
 * header makes it answer 500. Requests go over raw HTTP/1.1 sockets, so bytes no client library would send arrive
 * as written.
 */
class HostileInputIT {

    private static final String BASE = GatewayFixture.BASE_MODEL;

    private static SimulatorFleet sim;
    private static GatewayServer server;
    private static GatewayMetrics metrics;
    private static final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        sim = new SimulatorFleet(new FleetSpec(
                        1,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(2)).seed(1).build()))
                .start();
        LoadResult r = Manifests.load("test.yaml", manifests(sim.replica(0).port()));
        assertThat(r.errors()).isEmpty();
        AtomicReference<GatewayServer> ref = new AtomicReference<>();
        metrics = new GatewayMetrics(
                () -> ref.get() == null
                        ? KnownModelNames.NONE
                        : ref.get().config().knownModels(),
                true);
        server = new GatewayServer(
                GatewayConfig.compile(r.manifests()),
                GatewayOptions.defaults().withPortMapper(l -> 0),
                SchedulingOptions.defaults(),
                rec -> {
                    records.add(rec);
                    metrics.onComplete(rec);
                });
        ref.set(server);
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    /** Pool {@code strict} (an InferenceModel for the base model: unknown names are 404) and pool {@code open}
     * (no InferenceModel: every name is forwarded), chosen by the {@code x-pool} header. */
    private static String manifests(int port) {
        return """
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
                    - matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: x-pool, value: open}]}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: open}]
                    - matches: [{path: {type: PathPrefix, value: /v1}}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: strict}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: strict}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: open}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sim-pod, labels: {app: sim}}
                status: {podIP: 127.0.0.1, phase: Running}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: base}
                spec:
                  modelName: %s
                  poolRef: {group: inference.networking.k8s.io, name: strict}
                """.formatted(port, port, BASE);
    }

    private record Reply(int status, String body) {}

    /** One request on its own connection; {@code headers} are raw lines (each ending in CRLF). */
    private static Reply send(String headers, byte[] body) throws IOException {
        int port = server.boundPorts().get("default/gw/http");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) Patience.EVENTUALLY.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int sp = text.indexOf(' ');
            assertThat(sp).as("a status line, got %s", text).isPositive();
            return new Reply(Integer.parseInt(text.substring(sp + 1, sp + 4)), text);
        }
    }

    private static byte[] completion(String modelJson) {
        return ("{\"model\":\"" + modelJson + "\",\"prompt\":\"hi\",\"max_tokens\":2}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void clientChosenModelNamesDoNotBecomeSeries() throws IOException {
        assertThat(send("", completion(BASE)).status()).isEqualTo(200);
        assertThat(send("x-pool: open\r\n", completion(BASE)).status()).isEqualTo(200);
        long before = series(metrics.scrape(server.config(), null));
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            String name = "client-" + Long.toHexString(random.nextLong()) + "-" + "z".repeat(1000);
            Reply r = send(i % 2 == 0 ? "" : "x-pool: open\r\n", completion(name));
            assertThat(r.status()).as("%s", brief(r.body())).isBetween(200, 499);
            if (i % 2 == 0) {
                assertThat(r.status()).isEqualTo(404); // the strict pool does not know it
            }
        }
        String after = metrics.scrape(server.config(), null);
        assertThat(after).doesNotContain("client-").contains("model_name=\"other\"");
        assertThat(after).contains("model_name=\"" + BASE + "\"");
        // a few label sets for "other" beside the known ones, not one per name
        assertThat(series(after)).isLessThan(before * 3);
    }

    /** A description short enough for a failure message: a long value is cut, control characters escaped. */
    private static String brief(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 300); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? "\\x" + Integer.toHexString(c) : String.valueOf(c));
        }
        return s.length() > 300 ? b + "...(" + s.length() + " chars)" : b.toString();
    }

    private static long series(String exposition) {
        return exposition
                .lines()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .count();
    }

    @Test
    void controlCharactersInTheModelAre400InvalidModel() throws IOException {
        for (String pool : List.of("", "x-pool: open\r\n")) {
            for (String escaped : List.of("\\u0000", "\\n", "\\r", "\\u000b", "\\f", "\\u001f", "\\u007f", "\\t")) {
                Reply r = send(pool, completion("m" + escaped + "x"));
                assertThat(r.status()).as(escaped).isEqualTo(400);
                assertThat(r.body())
                        .contains("\"type\":\"invalid_request_error\"")
                        .contains("\"code\":\"invalid_model\"");
            }
        }
    }

    @Test
    void aModelNameTooLongForAHeaderIs400InvalidModel() throws IOException {
        Reply r = send("x-pool: open\r\n", completion("n".repeat(100_000)));
        assertThat(r.status()).isEqualTo(400);
        assertThat(brief(r.body())).contains("\"code\":\"invalid_model\"");
    }

    @Test
    void hostileBodiesAndHeadersAreNever5xx() throws IOException {
        String longName = "n".repeat(100_000);
        List<byte[]> bodies = new ArrayList<>();
        for (String model : List.of(
                "a\u0000b",
                "a\nb",
                "a\rb",
                "a\u007fb",
                "a\\u0000b",
                "\\ud800",
                " " + BASE,
                BASE + " ",
                longName,
                "ok",
                BASE)) {
            bodies.add(completion(model));
        }
        bodies.add(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bodies.add(new byte[] {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xFF, '"', '}'});
        bodies.add("{\"model\":\"x\",\"prompt\":\"a\\u0000\\n\"}".getBytes(StandardCharsets.UTF_8));
        List<String> headerSets = new ArrayList<>(List.of("", "x-pool: open\r\n"));
        for (String value : List.of("x\u0001y", "x\u007fy", "a\u00ffb", longName.substring(0, 4000), " ")) {
            for (String header : List.of(
                    "x-gateway-model-name-rewrite",
                    "x-gateway-inference-objective",
                    "x-gateway-inference-fairness-id",
                    "x-session-id",
                    "x-request-id",
                    "x-gateway-model-name")) {
                headerSets.add("x-pool: open\r\n" + header + ": " + value + "\r\n");
                headerSets.add(header + ": " + value + "\r\n");
            }
        }
        for (String headers : headerSets) {
            for (byte[] body : bodies) {
                Reply r = send(headers, body);
                assertThat(r.status())
                        .as(
                                "headers %s, body %s: %s",
                                brief(headers), brief(new String(body, StandardCharsets.ISO_8859_1)), brief(r.body()))
                        .isBetween(200, 499);
            }
        }
        assertThat(records).noneMatch(rec -> rec.status() >= 500);
    }
}
