package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimulatorFleet;
import io.infergate.testing.NettyLeaks;
import io.infergate.testing.Patience;
import io.infergate.testing.Trials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The request fuzzer of docs/reliability.md ("Bad input"): at least 10,000 mutated requests ({@link FuzzCases}:
 * bodies, JSON, Content-Length, chunked framing, headers, request lines, raw bytes, HTTP/2 frames) against a real
 * gateway on port 0 over one simulated replica, sixteen connections at a time. Every exchange must end (a bound per
 * exchange, {@link Patience}) with a 1xx-4xx status, or 502/503/504 with an OpenAI-style error body, or the
 * connection closed or reset; never another 5xx. No Netty buffer may leak (tests run with paranoid leak detection;
 * {@link NettyLeaks}), and afterwards a normal request over HTTP/1.1 and h2c still gets 200.
 *
 * <p>The seed is printed; {@code -Dinfergate.seed=N} replays a run, {@code -Dinfergate.trials.scale=K} runs K times
 * as many cases ({@link Trials}).
 */
class GatewayFuzzIT {

    private static final long SEED = 16_016;
    private static final int CASES = 10_000;
    private static final int CONNECTIONS = 16;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static SimulatorFleet sim;
    private static GatewayServer server;
    private static final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        sim = new SimulatorFleet(new FleetSpec(
                        1,
                        0,
                        -1,
                        ReplicaSpec.builder(GatewayFixture.engine(2)).seed(1).build()))
                .start();
        LoadResult r = Manifests.load("fuzz.yaml", manifests(sim.replica(0).port()));
        assertThat(r.errors()).isEmpty();
        server = new GatewayServer(
                GatewayConfig.compile(r.manifests()),
                GatewayOptions.defaults().withPortMapper(l -> 0),
                SchedulingOptions.defaults(),
                records::add);
        server.start();
    }

    static int port() {
        return server.boundPorts().get("default/gw/http");
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
                    - matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: X-Gateway-Model-Name, value: ghost}]}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: empty}]
                    - matches: [{path: {type: PathPrefix, value: /v1}}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: %d}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: empty}
                spec:
                  selector: {matchLabels: {app: nothing}}
                  targetPorts: [{number: 8000}]
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
                  poolRef: {group: inference.networking.k8s.io, name: pool}
                """.formatted(port, FuzzCases.MODEL);
    }

    /** How one exchange ended: a status (with its body), or the connection closed or reset without one. */
    record Outcome(int status, String body, String end) {
        static Outcome closed() {
            return new Outcome(0, "", "closed");
        }

        static Outcome reset(String how) {
            return new Outcome(0, "", how);
        }

        String label() {
            return status <= 0 ? end : end.equals("answered") ? Integer.toString(status) : status + " " + end;
        }
    }

    @Test
    void tenThousandMutatedRequestsGetDocumentedAnswersAndTheGatewayStillServes() throws Exception {
        long seed = Trials.seed(SEED);
        int cases = Trials.count(CASES);
        System.out.printf(
                "GatewayFuzzIT: seed %d, %d cases (-D%s=%d -D%s=K to rerun or scale)%n",
                seed, cases, Trials.SEED_PROPERTY, seed, Trials.SCALE_PROPERTY);
        FuzzCases generator = new FuzzCases(new SplittableRandom(seed));
        int port = server.boundPorts().get("default/gw/http");
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        Map<String, Map<String, Integer>> byDescription = new TreeMap<>();
        long started = System.nanoTime();
        List<String> failures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<FuzzCases.Case> all = new ArrayList<>(cases);
            List<Future<Outcome>> outcomes = new ArrayList<>(cases);
            for (int i = 0; i < cases; i++) {
                FuzzCases.Case c = generator.next(i);
                all.add(c);
                outcomes.add(pool.submit(() -> exchange(port, c)));
            }
            for (int i = 0; i < cases; i++) {
                FuzzCases.Case c = all.get(i);
                Outcome o;
                try {
                    o = outcomes.get(i).get(Patience.SECONDS * 2, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    o = Outcome.reset("client error: " + e.getCause());
                }
                counts.computeIfAbsent(c.family(), f -> new TreeMap<>()).merge(o.label(), 1, Integer::sum);
                byDescription
                        .computeIfAbsent(
                                c.family() + ": " + c.description().replaceAll("[0-9]+", "N"), f -> new TreeMap<>())
                        .merge(o.label(), 1, Integer::sum);
                String problem = problem(c, o);
                if (problem != null && failures.size() < 20) {
                    failures.add("case " + i + " [" + c.family() + ": " + c.description() + "] " + problem
                            + "\n  sent: " + brief(c.bytes()) + "\n  got: "
                            + brief(o.body().getBytes(StandardCharsets.UTF_8)));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // informational only (speed is the benchmarks' business): what a rerun with another seed compares against
        System.out.printf(
                "GatewayFuzzIT: %d cases in %d s; outcomes by family: %s%n",
                cases, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), counts);
        writeReport(byDescription);
        assertThat(failures).as("undocumented answers, seed %d", seed).isEmpty();
        assertThat(records)
                .as("records with an unmapped 5xx")
                .noneMatch(rec -> rec.status() >= 500 && !mappedUpstreamStatus(rec.status()));

        // still serving, on both protocols
        Outcome h1 = exchange(port, normalHttp1());
        assertThat(h1.status()).as(h1.body()).isEqualTo(200);
        Outcome h2 = exchange(port, normalH2());
        assertThat(h2.status()).as(h2.body()).isEqualTo(200);
        assertThat(NettyLeaks.collect())
                .as("Netty buffer leaks after the fuzzer")
                .isEmpty();
    }

    /** Outcomes per kind of mutation, in target/ beside the test reports, for reading what the cases did. */
    private static void writeReport(Map<String, Map<String, Integer>> byDescription) throws IOException {
        StringBuilder out = new StringBuilder("case\toutcomes\n");
        byDescription.forEach((k, v) ->
                out.append(k.replace('\t', ' ')).append('\t').append(v).append('\n'));
        Path dir = Path.of("target");
        if (Files.isDirectory(dir)) {
            Files.writeString(dir.resolve("fuzz-outcomes.tsv"), out);
        }
    }

    private static boolean isHead(FuzzCases.Case c) {
        return !c.h2()
                && c.bytes().length > 5
                && new String(c.bytes(), 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
    }

    private static boolean mappedUpstreamStatus(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    /** Why an outcome is not a documented answer, or null when it is. */
    private static String problem(FuzzCases.Case c, Outcome o) {
        if (o.end().startsWith("client error")) {
            return o.end();
        }
        if (o.end().startsWith("hang")) {
            return "no end within " + Patience.EVENTUALLY;
        }
        if (o.end().equals("cut")) {
            // a client that broke its own connection (half-closed, protocol error) may see the answer cut short
            return c.halfClose() ? null : "response cut short";
        }
        if (o.status() < 500) {
            return null;
        }
        if (!mappedUpstreamStatus(o.status())) {
            return "status " + o.status();
        }
        if (isHead(c)) {
            return null; // the answer to HEAD has no body to check
        }
        try {
            JsonNode error = JSON.readTree(o.body()).get("error");
            if (error != null && error.get("message") != null && error.get("type") != null) {
                return null;
            }
        } catch (RuntimeException notJson) {
            // reported below
        }
        return "status " + o.status() + " without an OpenAI error body";
    }

    private static FuzzCases.Case normalHttp1() {
        byte[] body = ("{\"model\":\"" + FuzzCases.MODEL + "\",\"prompt\":\"hi\",\"max_tokens\":2}")
                .getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return new FuzzCases.Case("normal", "HTTP/1.1", out.toByteArray(), false, false);
    }

    private static FuzzCases.Case normalH2() {
        byte[] body = ("{\"model\":\"" + FuzzCases.MODEL + "\",\"prompt\":\"hi\",\"max_tokens\":2}")
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(FuzzCases.frame(4, 0, 0, new byte[0]));
        out.writeBytes(FuzzCases.frame(1, 0x4, 1, FuzzCases.hpack(h -> h.setInt("content-length", body.length))));
        out.writeBytes(FuzzCases.frame(0, 0x1, 1, body));
        return new FuzzCases.Case("normal", "h2c", out.toByteArray(), true, false);
    }

    // ---- one exchange on its own connection ----

    static Outcome exchange(int port, FuzzCases.Case c) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) Patience.EVENTUALLY.toMillis());
            OutputStream out = s.getOutputStream();
            try {
                out.write(c.bytes());
                out.flush();
                if (c.halfClose()) {
                    s.shutdownOutput();
                }
            } catch (SocketException e) {
                // the server may close while we write (it refused the head): what it answered is still readable
            }
            try {
                return c.h2() ? readH2(s.getInputStream()) : readHttp1(s, c);
            } catch (SocketTimeoutException e) {
                return Outcome.reset("hang");
            } catch (SocketException e) {
                return Outcome.reset("reset");
            } catch (EOFException e) {
                return Outcome.reset("cut");
            }
        }
    }

    private static Outcome readHttp1(Socket s, FuzzCases.Case c) throws IOException {
        InputStream in = s.getInputStream();
        boolean head = c.bytes().length > 5 && new String(c.bytes(), 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
        while (true) {
            String statusLine = line(in);
            if (statusLine == null) {
                return Outcome.closed();
            }
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            long length = -1;
            boolean chunked = false;
            for (String h; !(h = line(in)).isEmpty(); ) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (status < 200) {
                continue; // 100 Continue: the final answer follows
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (head || status == 204 || status == 304) {
                length = 0;
            }
            try {
                readBody(s, in, chunked, length, body);
            } catch (EOFException e) {
                return new Outcome(status, body.toString(StandardCharsets.UTF_8), "cut");
            }
            return new Outcome(status, body.toString(StandardCharsets.UTF_8), "answered");
        }
    }

    private static void readBody(Socket s, InputStream in, boolean chunked, long length, ByteArrayOutputStream body)
            throws IOException {
        if (chunked) {
            for (int size;
                    (size = Integer.parseInt(nonNull(line(in)).split(";")[0].trim(), 16)) > 0; ) {
                body.writeBytes(in.readNBytes(size));
                line(in);
            }
            for (String t; (t = line(in)) != null && !t.isEmpty(); ) {
                // trailers
            }
        } else if (length >= 0) {
            byte[] b = in.readNBytes((int) length);
            if (b.length < length) {
                throw new EOFException();
            }
            body.writeBytes(b);
        } else {
            // no framing: the body ends with the connection, which our half-close makes the server end
            s.shutdownOutput();
            in.transferTo(body);
        }
    }

    private static String nonNull(String line) throws EOFException {
        if (line == null) {
            throw new EOFException();
        }
        return line;
    }

    /** A CRLF- (or LF-) terminated line, or null at the end of input before any byte. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                if (b.size() == 0) {
                    return null;
                }
                throw new EOFException();
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads frames until stream 1 ends (answered), is reset, or the connection ends. */
    private static Outcome readH2(InputStream in) throws IOException {
        DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = 0;
        String end = "closed";
        while (true) {
            byte[] header = in.readNBytes(9);
            if (header.length < 9) {
                return status > 0
                        ? new Outcome(status, body.toString(StandardCharsets.UTF_8), "cut")
                        : Outcome.reset(end);
            }
            int length = ((header[0] & 0xFF) << 16) | ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
            int type = header[3];
            int flags = header[4];
            int stream = ((header[5] & 0x7F) << 24)
                    | ((header[6] & 0xFF) << 16)
                    | ((header[7] & 0xFF) << 8)
                    | (header[8] & 0xFF);
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new EOFException();
            }
            boolean endStream = (flags & 0x1) != 0;
            switch (type) {
                case 1, 9 -> { // HEADERS, CONTINUATION
                    if (stream != 1) {
                        continue;
                    }
                    int from = 0;
                    int to = payload.length;
                    if (type == 1 && (flags & 0x8) != 0) { // PADDED
                        from = 1;
                        to -= payload[0] & 0xFF;
                    }
                    if (type == 1 && (flags & 0x20) != 0) { // PRIORITY
                        from += 5;
                    }
                    block.write(payload, from, to - from);
                    if ((flags & 0x4) != 0) {
                        status = decodeStatus(decoder, block.toByteArray());
                        block.reset();
                    }
                    if (endStream && status >= 200) {
                        return new Outcome(status, body.toString(StandardCharsets.UTF_8), "answered");
                    }
                }
                case 0 -> { // DATA
                    if (stream == 1) {
                        body.writeBytes(payload);
                        if (endStream) {
                            return new Outcome(status, body.toString(StandardCharsets.UTF_8), "answered");
                        }
                    }
                }
                case 3 -> {
                    if (stream == 1) {
                        return status > 0
                                ? new Outcome(status, body.toString(StandardCharsets.UTF_8), "reset")
                                : Outcome.reset("rst_stream");
                    }
                }
                case 7 -> end = "goaway";
                default -> {
                    // SETTINGS, PING, WINDOW_UPDATE, PUSH_PROMISE: nothing to answer for a one-request client
                }
            }
        }
    }

    private static int decodeStatus(DefaultHttp2HeadersDecoder decoder, byte[] block) {
        ByteBuf buf = Unpooled.wrappedBuffer(block);
        try {
            Http2Headers headers = decoder.decodeHeaders(1, buf);
            CharSequence status = headers.status();
            return status == null ? 0 : Integer.parseInt(status.toString());
        } catch (Http2Exception e) {
            throw new IllegalStateException("the gateway sent a header block we cannot decode", e);
        } finally {
            buf.release();
        }
    }

    /** A description short enough for a failure message: control characters escaped, long values cut. */
    static String brief(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 300); i++) {
            int c = bytes[i] & 0xFF;
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return bytes.length > 300 ? b + "...(" + bytes.length + " bytes)" : b.toString();
    }
}
