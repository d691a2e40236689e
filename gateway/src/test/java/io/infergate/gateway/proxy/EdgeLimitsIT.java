package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.api.model.ListenerLimits;
import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.EdgeRefusals.Reason;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.testing.Patience;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limits of {@link EdgeLimits} on real sockets: what a client that declares much and sends little, opens many
 * streams or connections, or sends slowly can hold. Each test starts its own gateway with the limits it tests.
 */
class EdgeLimitsIT {

    private final List<Socket> sockets = new ArrayList<>();
    private GatewayFixture gateway;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A gateway whose pool points at a port nobody listens on: these requests never get that far. */
    private GatewayFixture start(GatewayOptions options) {
        gateway = new GatewayFixture(GatewayFixture.manifests(List.of(9), 9), options);
        return gateway;
    }

    /** Waits until the gateway counted {@code n} refusals for {@code reason}, and no more. */
    private void refused(Reason reason, long n) {
        await().until(() -> gateway.server.edgeRefusals().count(reason) >= n);
        assertThat(gateway.server.edgeRefusals().count(reason))
                .as(reason.label())
                .isEqualTo(n);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port("http"));
        s.setSoTimeout((int) Patience.EVENTUALLY.toMillis());
        sockets.add(s);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Everything the gateway sends until it closes the connection. */
    private static String readToClose(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response: the head and as many body bytes as its Content-Length says (the connection may stay open). */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString();
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static String postHead(long contentLength) {
        return "POST /v1/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: "
                + contentLength + "\r\n\r\n";
    }

    private static long usedHeap() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT)
                .metric()
                .usedHeapMemory();
    }

    // ---- defect 4: buffers grow with what arrives; streams and buffered bytes are capped

    @Test
    void declaredButUnsentBodiesHoldOnlyTheBytesThatArrived() throws IOException {
        int maxBody = 16 * 1024 * 1024;
        start(GatewayOptions.defaults().withMaxRequestBodyBytes(maxBody));
        long before = usedHeap();
        int clients = 8;
        for (int i = 0; i < clients; i++) {
            write(connect(), postHead(maxBody) + "x".repeat(100));
        }
        await().atMost(Patience.EVENTUALLY).until(() -> gateway.server.bufferedRequestBytes() == clients * 100L);
        // before the fix every connection allocated its declared 16 MiB at once (128 MiB here)
        assertThat(usedHeap() - before).isLessThan(4L * 1024 * 1024);
        for (Socket s : sockets) {
            s.close();
        }
        await().atMost(Patience.EVENTUALLY).until(() -> gateway.server.bufferedRequestBytes() == 0);
    }

    @Test
    void bodiesPastTheBufferedBytesCapGet503AndTheBytesComeBack() throws IOException {
        start(GatewayOptions.defaults().withLimits(EdgeLimits.defaults().withMaxBufferedRequestBytes(1000)));
        Socket first = connect();
        write(first, postHead(2000) + "x".repeat(600));
        await().atMost(Patience.EVENTUALLY).until(() -> gateway.server.bufferedRequestBytes() == 600);

        Socket second = connect();
        write(second, postHead(2000) + "y".repeat(600));
        String reply = readResponse(second);
        assertThat(reply)
                .startsWith("HTTP/1.1 503")
                .containsIgnoringCase("connection: close")
                .contains("\"code\":\"gateway_overloaded\"");
        assertThat(gateway.server.bufferedRequestBytes()).isEqualTo(600);
        refused(Reason.BUFFERED_BYTES, 1);

        first.close();
        await().atMost(Patience.EVENTUALLY).until(() -> gateway.server.bufferedRequestBytes() == 0);
    }

    @Test
    void http2StreamsBeyondTheDefaultCapAreRefused() throws IOException {
        start(GatewayOptions.defaults());
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        RawH2.writePreface(out);
        int streams = EdgeLimits.DEFAULT_MAX_CONCURRENT_STREAMS + 50;
        for (int i = 0; i < streams; i++) {
            // HEADERS without END_STREAM: each stream waits for a body that never comes
            RawH2.writeFrame(
                    out,
                    RawH2.HEADERS,
                    RawH2.END_HEADERS,
                    1 + 2 * i,
                    RawH2.headerBlock(
                            ":method", "POST",
                            ":scheme", "http",
                            ":path", "/v1/completions",
                            ":authority", "gw",
                            "content-type", "application/json",
                            "content-length", "100"));
        }
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        Set<Integer> refused = new HashSet<>();
        long advertised = -1;
        while (refused.size() < 50) {
            RawH2.Frame f = RawH2.readFrame(in);
            if (f.type() == RawH2.SETTINGS && f.streamId() == 0 && (f.flags() & 1) == 0) {
                advertised = f.setting(RawH2.SETTINGS_MAX_CONCURRENT_STREAMS);
            }
            if (f.type() == RawH2.RST_STREAM) {
                assertThat(f.errorCode()).isEqualTo(RawH2.REFUSED_STREAM);
                refused.add(f.streamId());
            }
            assertThat(f.type()).isNotEqualTo(RawH2.GOAWAY);
        }
        assertThat(advertised).isEqualTo(EdgeLimits.DEFAULT_MAX_CONCURRENT_STREAMS);
        // exactly the streams past the first 100
        assertThat(refused)
                .allSatisfy(id -> assertThat(id).isGreaterThan(2 * EdgeLimits.DEFAULT_MAX_CONCURRENT_STREAMS));
        refused(Reason.TOO_MANY_STREAMS, 50);
    }

    @Test
    void aDeclaredBodyOverTheMaxGets413AndIsCounted() throws IOException {
        start(GatewayOptions.defaults().withMaxRequestBodyBytes(1000));
        Socket s = connect();
        write(s, postHead(1001));
        assertThat(readResponse(s)).startsWith("HTTP/1.1 413").contains("\"code\":\"request_too_large\"");
        refused(Reason.BODY_TOO_LARGE, 1);
    }

    // ---- defect 5: header and body timeouts, connection caps

    private static GatewayOptions timeouts(Duration header, Duration body) {
        return GatewayOptions.defaults()
                .withLimits(
                        EdgeLimits.defaults().withRequestHeaderTimeout(header).withBodyReadTimeout(body));
    }

    @Test
    void headersThatStopArrivingGet408AndTheConnectionCloses() throws IOException {
        start(timeouts(Duration.ofMillis(300), Duration.ofMinutes(1)));
        Socket s = connect();
        write(s, "POST /v1/completions HTTP/1.1\r\nHo");
        String reply = readToClose(s);
        assertThat(reply).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");

        // a connection that never sends a byte is closed too (no HTTP version known: nothing to answer)
        assertThat(readToClose(connect())).isEmpty();
        refused(Reason.HEADER_TIMEOUT, 2);
    }

    @Test
    void theHeaderTimeoutStartsAgainForEachKeepAliveRequest() throws IOException {
        start(timeouts(Duration.ofMillis(300), Duration.ofMinutes(1)));
        Socket s = connect();
        write(s, "GET /nothing-here HTTP/1.1\r\nHost: gw\r\n\r\n");
        assertThat(readResponse(s)).startsWith("HTTP/1.1 404");
        write(s, "GET /nothing-here HTTP/1.1\r\nHo");
        assertThat(readToClose(s)).startsWith("HTTP/1.1 408");
    }

    @Test
    void aBodyThatPausesGets408AndItsBytesComeBack() throws IOException {
        start(timeouts(Duration.ofMinutes(1), Duration.ofMillis(300)));
        Socket s = connect();
        write(s, postHead(1000) + "{\"model\":");
        String reply = readToClose(s);
        assertThat(reply).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
        assertThat(gateway.server.bufferedRequestBytes()).isZero();
        refused(Reason.BODY_TIMEOUT, 1);
        refused(Reason.HEADER_TIMEOUT, 0);
    }

    @Test
    void anHttp2ConnectionWithoutHeadersIsClosed() throws IOException {
        start(timeouts(Duration.ofMillis(300), Duration.ofMinutes(1)));
        Socket s = connect();
        RawH2.writePreface(s.getOutputStream());
        s.getOutputStream().flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        // SETTINGS, its ACK, then GOAWAY and the end of the connection: no HEADERS came within the timeout
        boolean closed = false;
        while (!closed) {
            try {
                RawH2.readFrame(in);
            } catch (EOFException e) {
                closed = true;
            }
        }
        assertThat(closed).isTrue();
        refused(Reason.HEADER_TIMEOUT, 1);
    }

    @Test
    void connectionsOverTheCapAreClosedAndTheSlotComesBack() throws IOException {
        start(GatewayOptions.defaults().withLimits(EdgeLimits.defaults().withMaxConnections(2)));
        assertCapOfTwo();
    }

    @Test
    void aGatewayAnnotationSetsTheCapOfItsListeners() throws IOException {
        String manifests = GatewayFixture.manifests(List.of(9), 9)
                .replaceFirst(
                        "metadata: \\{name: gw}",
                        "metadata: {name: gw, annotations: {" + EdgeLimits.MAX_CONNECTIONS_ANNOTATION + ": \"2\"}}");
        assertThat(manifests).contains(EdgeLimits.MAX_CONNECTIONS_ANNOTATION);
        gateway = new GatewayFixture(manifests, GatewayOptions.defaults());
        assertCapOfTwo();
    }

    private void assertCapOfTwo() throws IOException {
        Socket first = connect();
        Socket second = connect();
        for (Socket s : List.of(first, second)) {
            // a full exchange: the gateway has accepted and counted the connection
            write(s, "GET /nothing-here HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(readResponse(s)).startsWith("HTTP/1.1 404");
        }
        Socket third = connect();
        assertThat(readToClose(third)).isEmpty();
        refused(Reason.TOO_MANY_CONNECTIONS, 1);

        first.close();
        await().atMost(Patience.EVENTUALLY).untilAsserted(() -> {
            Socket again = connect();
            write(again, "GET /nothing-here HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(readResponse(again)).startsWith("HTTP/1.1 404");
        });
    }

    @Test
    void aMaxConnectionsAnnotationThatIsNotAPositiveIntegerIsRefused() {
        String manifests = GatewayFixture.manifests(List.of(9), 9)
                .replaceFirst(
                        "metadata: \\{name: gw}",
                        "metadata: {name: gw, annotations: {" + EdgeLimits.MAX_CONNECTIONS_ANNOTATION + ": \"lots\"}}");
        LoadResult r = Manifests.load("t.yaml", manifests);
        assertThatThrownBy(() -> GatewayConfig.compile(r.manifests()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(EdgeLimits.MAX_CONNECTIONS_ANNOTATION)
                .hasMessageContaining("\"lots\"");
    }

    // ---- per-listener limits: Gateway annotations over the serve flags

    private static String annotated(Map<String, String> annotations) {
        StringBuilder a = new StringBuilder();
        annotations.forEach((k, v) -> a.append(a.isEmpty() ? "" : ", ")
                .append(k)
                .append(": \"")
                .append(v)
                .append('"'));
        String manifests = GatewayFixture.manifests(List.of(9), 9)
                .replaceFirst("metadata: \\{name: gw}", "metadata: {name: gw, annotations: {" + a + "}}");
        assertThat(manifests).contains(annotations.keySet().iterator().next());
        return manifests;
    }

    private static GatewayConfig compile(String manifests) {
        return GatewayConfig.compile(Manifests.load("t.yaml", manifests).manifests());
    }

    @Test
    void gatewayAnnotationsSetTheTimeoutsOfTheirListenersOverTheFlags() throws IOException {
        String manifests = annotated(Map.of(
                ListenerLimits.REQUEST_HEADER_TIMEOUT, "300ms",
                ListenerLimits.BODY_READ_TIMEOUT, "300ms"));
        // the flags would wait a minute: the 408s come from the annotations
        gateway = new GatewayFixture(manifests, timeouts(Duration.ofMinutes(1), Duration.ofMinutes(1)));

        Socket headers = connect();
        write(headers, "POST /v1/completions HTTP/1.1\r\nHo");
        assertThat(readToClose(headers)).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");

        Socket body = connect();
        write(body, postHead(1000) + "{\"model\":");
        assertThat(readToClose(body)).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
    }

    @Test
    void aStreamCapAnnotationIsAdvertisedAndEnforced() throws IOException {
        gateway = new GatewayFixture(
                annotated(Map.of(ListenerLimits.MAX_CONCURRENT_STREAMS, "3")), GatewayOptions.defaults());
        Socket s = connect();
        OutputStream out = s.getOutputStream();
        RawH2.writePreface(out);
        for (int i = 0; i < 5; i++) {
            RawH2.writeFrame(
                    out,
                    RawH2.HEADERS,
                    RawH2.END_HEADERS,
                    1 + 2 * i,
                    RawH2.headerBlock(
                            ":method", "POST",
                            ":scheme", "http",
                            ":path", "/v1/completions",
                            ":authority", "gw",
                            "content-type", "application/json",
                            "content-length", "100"));
        }
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        Set<Integer> refused = new HashSet<>();
        long advertised = -1;
        while (refused.size() < 2) {
            RawH2.Frame f = RawH2.readFrame(in);
            if (f.type() == RawH2.SETTINGS && f.streamId() == 0 && (f.flags() & 1) == 0) {
                advertised = f.setting(RawH2.SETTINGS_MAX_CONCURRENT_STREAMS);
            }
            if (f.type() == RawH2.RST_STREAM) {
                assertThat(f.errorCode()).isEqualTo(RawH2.REFUSED_STREAM);
                refused.add(f.streamId());
            }
        }
        assertThat(advertised).isEqualTo(3);
        assertThat(refused).containsExactlyInAnyOrder(7, 9);
    }

    @Test
    void aReloadAppliesTheAnnotationsToNewConnectionsAndABadValueIsNotCompiled() throws IOException {
        gateway = new GatewayFixture(
                GatewayFixture.manifests(List.of(9), 9), timeouts(Duration.ofMinutes(1), Duration.ofMinutes(1)));
        gateway.server.update(compile(annotated(Map.of(ListenerLimits.REQUEST_HEADER_TIMEOUT, "300ms"))));
        Socket s = connect();
        write(s, "GET /nothing-here HTTP/1.1\r\nHo");
        assertThat(readToClose(s)).startsWith("HTTP/1.1 408");

        // a bad value is refused before anything is applied: the last good configuration (300 ms) still holds
        String bad = annotated(Map.of(ListenerLimits.REQUEST_HEADER_TIMEOUT, "soon"));
        assertThatThrownBy(() -> compile(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ListenerLimits.REQUEST_HEADER_TIMEOUT)
                .hasMessageContaining("\"soon\"");
        Socket again = connect();
        write(again, "GET /nothing-here HTTP/1.1\r\nHo");
        assertThat(readToClose(again)).startsWith("HTTP/1.1 408");
    }

    @Test
    void limitAnnotationsThatAreNotValidAreRefusedByName() {
        Map<String, String> bad = Map.of(
                ListenerLimits.MAX_CONCURRENT_STREAMS, "-1",
                ListenerLimits.REQUEST_HEADER_TIMEOUT, "0s",
                ListenerLimits.BODY_READ_TIMEOUT, "30");
        bad.forEach((name, value) -> assertThatThrownBy(() -> compile(annotated(Map.of(name, value))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listener default/gw/")
                .hasMessageContaining(name)
                .hasMessageContaining("\"" + value + "\""));
    }
}
