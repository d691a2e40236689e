package io.infergate.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.testing.Patience;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chaos client's classification against a tiny in-process server on a real socket: each path answers the way
 * a gateway might (a whole stream, a mapped error, a 500, a stream cut off, a close before any byte, nothing at all).
 */
class ChaosClientTest {

    private ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        for (Socket s : held) {
            s.close();
        }
        acceptor.join();
    }

    private void serve(Socket s) {
        try {
            String path = readRequest(s.getInputStream());
            OutputStream out = s.getOutputStream();
            switch (path) {
                case "/stream" -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n"));
                    for (String e : List.of(
                            "data: {\"choices\":[{\"text\":\"a\"}]}\n\n",
                            "data: {\"choices\":[{\"text\":\"b\"}]}\n\n",
                            "data: [DONE]\n\n")) {
                        out.write(chunk(e));
                    }
                    out.write(ascii("0\r\n\r\n"));
                }
                case "/json" ->
                    out.write(ascii(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + "Content-Length: 2\r\n\r\n{}"));
                case "/503" -> {
                    String body = "{\"error\":{\"message\":\"no\",\"type\":\"service_unavailable\","
                            + "\"code\":\"no_ready_endpoint\"}}";
                    out.write(ascii("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                            + "Retry-After: 1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
                }
                case "/500" -> out.write(ascii("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops"));
                case "/cut" -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n"));
                    out.write(chunk("data: {\"choices\":[{\"text\":\"a\"}]}\n\n"));
                }
                case "/error-event" -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n"));
                    out.write(chunk("data: {\"choices\":[{\"text\":\"a\"}]}\n\n"));
                    out.write(chunk("data: {\"error\":{\"message\":\"upstream\",\"code\":\"upstream_error\"}}\n\n"));
                    out.write(ascii("0\r\n\r\n"));
                }
                case "/hang" -> {
                    held.add(s); // never answered; closed by the test
                    return;
                }
                default -> {
                    // "/close": no answer, the connection just ends
                }
            }
            out.flush();
            s.close();
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return "";
            }
            head.append((char) c);
        }
        String text = head.toString();
        int at = text.toLowerCase().indexOf("content-length:");
        if (at >= 0) {
            int n = Integer.parseInt(
                    text.substring(at + 15, text.indexOf("\r\n", at)).trim());
            in.readNBytes(n);
        }
        return text.split(" ")[1];
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] chunk(String s) {
        byte[] b = ascii(s);
        return ascii(Integer.toHexString(b.length) + "\r\n" + s + "\r\n");
    }

    private Outcome call(String path, Duration ttl) {
        long now = System.nanoTime();
        return ChaosClient.call(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                ChaosClient.post(path, "{\"model\":\"m\"}", Map.of("X-Test", "1")),
                now,
                now + ttl.toNanos(),
                ChaosClient.Pace.FAST);
    }

    private Outcome call(String path) {
        return call(path, Patience.EVENTUALLY);
    }

    @Test
    void aWholeStreamIsCompletedWithItsEvents() {
        assertThat(call("/stream"))
                .isInstanceOfSatisfying(
                        Outcome.Completed.class, c -> assertThat(c.events()).isEqualTo(2));
        assertThat(call("/json")).isInstanceOf(Outcome.Completed.class);
    }

    @Test
    void aDocumentedStatusWithAnOpenAiBodyIsACleanFailure() {
        assertThat(call("/503")).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.status()).isEqualTo(503);
            assertThat(f.code()).isEqualTo("no_ready_endpoint");
            assertThat(f.retryAfter()).isTrue();
        });
        assertThat(call("/error-event"))
                .isInstanceOfSatisfying(
                        Outcome.Failed.class, f -> assertThat(f.code()).isEqualTo("upstream_error"));
    }

    @Test
    void a500OrACutStreamIsUnmapped() {
        assertThat(call("/500"))
                .isInstanceOfSatisfying(
                        Outcome.Unmapped.class, u -> assertThat(u.status()).isEqualTo(500));
        assertThat(call("/cut"))
                .isInstanceOfSatisfying(
                        Outcome.Unmapped.class, u -> assertThat(u.status()).isEqualTo(200));
    }

    @Test
    void aCloseBeforeAnyByteIsLostAndARefusedConnectionToo() throws IOException {
        assertThat(call("/close")).isInstanceOf(Outcome.Lost.class);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        long now = System.nanoTime();
        assertThat(ChaosClient.call(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort),
                        ChaosClient.post("/", "{}", Map.of()),
                        now,
                        now + TimeUnit.SECONDS.toNanos(60),
                        ChaosClient.Pace.FAST))
                .isInstanceOf(Outcome.Lost.class);
    }

    @Test
    void noAnswerByTheDeadlineIsHung() {
        assertThat(call("/hang", Duration.ofMillis(200)))
                .isInstanceOfSatisfying(
                        Outcome.Hung.class, h -> assertThat(h.started()).isFalse());
    }

    @Test
    void theTallyCountsEachOutcomeOnceAndTheOpenLoopReturnsThemInOrder() throws InterruptedException {
        List<String> paths = List.of("/stream", "/503", "/500", "/close", "/hang");
        // Every call but the one nobody answers gets the suite's patience, so a loaded machine cannot turn an
        // answer into "hung"; only "/hang" runs into a short deadline of its own.
        List<Outcome> outcomes = OpenLoop.run(
                paths.size(),
                0,
                Patience.EVENTUALLY,
                (i, start, deadline) -> ChaosClient.call(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                        ChaosClient.post(paths.get(i), "{}", Map.of()),
                        start,
                        paths.get(i).equals("/hang") ? start + TimeUnit.MILLISECONDS.toNanos(200) : deadline,
                        ChaosClient.Pace.FAST));
        List<Class<?>> kinds = new ArrayList<>();
        outcomes.forEach(o -> kinds.add(o.getClass()));
        assertThat(kinds)
                .containsExactly(
                        Outcome.Completed.class,
                        Outcome.Failed.class,
                        Outcome.Unmapped.class,
                        Outcome.Lost.class,
                        Outcome.Hung.class);
        Tally t = Tally.of(outcomes);
        assertThat(List.of(t.requests(), t.completed(), t.failed(), t.unmapped(), t.lost(), t.hung(), t.unanswered()))
                .containsExactly(5, 1, 1, 1, 1, 1, 2);
        assertThat(t.retryAfter()).isEqualTo(1);
        assertThat(t.examples()).hasSize(3);
    }
}
