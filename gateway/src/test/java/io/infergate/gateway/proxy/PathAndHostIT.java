package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.infergate.gateway.EdgeRefusals.Reason;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.testing.Patience;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Request targets and {@code Host} on real sockets: dot-segments are removed before the route is matched and the
 * normalised path is what the backend sees (a stub backend records every path), targets that cannot be made safe
 * get 400 {@code invalid_path}, and HTTP/1.1 without exactly one {@code Host} gets 400 {@code invalid_host}.
 */
class PathAndHostIT {

    private static final byte[] BODY =
            ("{\"model\":\"" + GatewayFixture.BASE_MODEL + "\",\"prompt\":\"hi\"}").getBytes(StandardCharsets.UTF_8);

    private static HttpServer backend;
    private static final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            seen.add(exchange.getRequestURI().getRawPath());
            exchange.getRequestBody().readAllBytes();
            byte[] ok = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        });
        backend.start();
        int port = backend.getAddress().getPort();
        // no metrics scrapes: the stub serves only what the test sends
        gateway = new GatewayFixture(
                GatewayFixture.manifests(List.of(port), port),
                GatewayOptions.defaults(),
                new SchedulingOptions("infergate-default", Duration.ZERO));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @BeforeEach
    void clear() {
        seen.clear();
    }

    private record Reply(int status, String text) {}

    /** Sends {@code head} (request line and header lines, each ending in CRLF) and the body; reads to the close. */
    private static Reply send(String head, byte[] body) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port("http"))) {
            s.setSoTimeout((int) Patience.EVENTUALLY.toMillis());
            OutputStream out = s.getOutputStream();
            out.write((head + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            s.getInputStream().transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).as("a response").startsWith("HTTP/1.");
            return new Reply(Integer.parseInt(text.substring(9, 12)), text);
        }
    }

    /** The gateway's refusals for {@code reason} so far (the gateway is shared by the tests: compare counts). */
    private static long refusals(Reason reason) {
        return gateway.server.edgeRefusals().count(reason);
    }

    private static Reply post(String target) throws IOException {
        return send("POST " + target + " HTTP/1.1\r\nHost: gw\r\n", BODY);
    }

    @Test
    void dotSegmentsAreRemovedBeforeMatchingAndForwarding() throws Exception {
        assertThat(post("/v1/../v1/completions").status()).isEqualTo(200);
        assertThat(post("/v1/x/%2e%2e/completions").status()).isEqualTo(200);
        assertThat(post("/v1/./completions").status()).isEqualTo(200);
        assertThat(seen).containsExactly("/v1/completions", "/v1/completions", "/v1/completions");

        // matched on /metrics, not on the /v1 prefix it started with: no route, and nothing forwarded
        Reply escaped = post("/v1/../metrics");
        assertThat(escaped.status()).isEqualTo(404);
        assertThat(escaped.text()).contains("\"code\":\"route_not_found\"");
        assertThat(post("/v1/%2E%2E/metrics").status()).isEqualTo(404);
        assertThat(seen).hasSize(3);

        // HTTP/2: the same normalisation of :path
        try (H2TestClient h2 = new H2TestClient(gateway.port("http"))) {
            H2TestClient.Response r = h2.exchange(
                    H2TestClient.post("/v1/x/../completions/../completions", new String(BODY, StandardCharsets.UTF_8)));
            assertThat(r.status()).isEqualTo(200);
            assertThat(h2.exchange(H2TestClient.post("/v1/%2fcompletions", new String(BODY, StandardCharsets.UTF_8)))
                            .status())
                    .isEqualTo(400);
        }
        assertThat(seen).hasSize(4).last().isEqualTo("/v1/completions");
    }

    @Test
    void targetsThatCannotBeMadeSafeGet400() throws IOException {
        long invalidPaths = refusals(Reason.INVALID_PATH);
        for (String target : List.of(
                "/v1/%2Fcompletions",
                "/v1/%5ccompletions",
                "/v1/completions%00",
                "/v1\\completions",
                "/../v1/completions",
                "/v1/../../v1/completions")) {
            Reply r = post(target);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.text()).as(target).contains("\"code\":\"invalid_path\"");
        }
        assertThat(refusals(Reason.INVALID_PATH)).isEqualTo(invalidPaths + 6);
        Reply nul = send("POST /v1/compl\u0000etions HTTP/1.1\r\nHost: gw\r\n", BODY);
        assertThat(nul.status()).isEqualTo(400);
        assertThat(seen).isEmpty();
    }

    @Test
    void http11NeedsExactlyOneHost() throws IOException {
        long invalidHosts = refusals(Reason.INVALID_HOST);
        Reply none = send("POST /v1/completions HTTP/1.1\r\n", BODY);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.text()).contains("\"code\":\"invalid_host\"");

        Reply two = send("POST /v1/completions HTTP/1.1\r\nHost: gw\r\nHost: other\r\n", BODY);
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.text()).contains("\"code\":\"invalid_host\"");

        Reply list = send("POST /v1/completions HTTP/1.1\r\nHost: gw, other\r\n", BODY);
        assertThat(list.status()).isEqualTo(400);
        assertThat(refusals(Reason.INVALID_HOST)).isEqualTo(invalidHosts + 3);
        assertThat(seen).isEmpty();

        // HTTP/1.0 may leave Host out
        assertThat(send("POST /v1/completions HTTP/1.0\r\n", BODY).status()).isEqualTo(200);
        assertThat(seen).containsExactly("/v1/completions");
    }

    @Test
    void anHttp1MessageClaimingAnotherMajorVersionGets400() throws IOException {
        long badRequests = refusals(Reason.BAD_REQUEST);
        for (String version : List.of("HTTP/2.0", "HTTP/9.9", "HTTP/0.9")) {
            Reply r = send("POST /v1/completions " + version + "\r\nHost: gw\r\n", BODY);
            assertThat(r.status()).as(version).isEqualTo(400);
            assertThat(r.text()).as(version).contains("\"code\":\"bad_request\"");
        }
        assertThat(refusals(Reason.BAD_REQUEST)).isEqualTo(badRequests + 3);
        assertThat(seen).isEmpty();
    }
}
