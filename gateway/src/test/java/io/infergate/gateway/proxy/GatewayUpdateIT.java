package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.testing.Patience;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link io.infergate.gateway.GatewayServer#update} on real sockets: two tiny SSE upstreams stand in for the pool
 * before and after the update, so a stream can be held open across it deterministically (a latch, not timing).
 */
class GatewayUpdateIT {

    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Patience.EVENTUALLY).build();
    private final ExecutorService upstreamThreads = Executors.newCachedThreadPool();
    private final List<HttpServer> upstreams = new ArrayList<>();
    private final CountDownLatch releaseOld = new CountDownLatch(1);
    private GatewayFixture gw;

    @AfterEach
    void stop() {
        releaseOld.countDown();
        if (gw != null) {
            gw.close();
        }
        upstreams.forEach(s -> s.stop(0));
        upstreamThreads.shutdownNow();
    }

    /**
     * An upstream answering every request with two SSE events naming {@code name}; when {@code hold} is set it
     * flushes the first event and waits for {@link #releaseOld} before sending the second.
     */
    private int upstream(String name, boolean hold) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setExecutor(upstreamThreads);
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("content-type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(("data: {\"id\":\"" + name + "-1\"}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (hold) {
                    try {
                        // no bound: the test keeps the stream open as long as it needs, and stop() releases it
                        releaseOld.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                out.write(("data: {\"id\":\"" + name + "-2\"}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        s.start();
        upstreams.add(s);
        return s.getAddress().getPort();
    }

    private static GatewayConfig compile(String manifests) {
        LoadResult r = Manifests.load("update.yaml", manifests);
        assertThat(r.errors()).as(manifests).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    /**
     * The fixture's manifests with the pool moved to {@code port}, listener {@code tcp} (and its TCPRoute) replaced
     * by an HTTP listener {@code extra} that the HTTPRoute also attaches to.
     */
    private static String withExtraListenerInsteadOfTcp(int port) {
        String m = GatewayFixture.manifests(List.of(port), port);
        String tcpRoute = m.substring(m.indexOf("apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute"));
        tcpRoute = tcpRoute.substring(0, tcpRoute.indexOf("---\n") + 4);
        return m.replace(tcpRoute, "")
                .replace("- {name: tcp, protocol: TCP, port: 9000}", "- {name: extra, protocol: HTTP, port: 8081}")
                .replace(
                        "parentRefs: [{name: gw, sectionName: http}]",
                        "parentRefs: [{name: gw, sectionName: http}, {name: gw, sectionName: extra}]");
    }

    private static HttpRequest chat(int port, String requestId) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + GatewayFixture.BASE_MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"))
                .build();
    }

    private RequestRecord record(String requestId) {
        await().until(() -> gw.records.stream().anyMatch(r -> r.requestId().equals(requestId)));
        return gw.records.stream()
                .filter(r -> r.requestId().equals(requestId))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void newRequestsUseTheNewConfigWhileAnInFlightStreamFinishesOnTheOld() throws Exception {
        int oldPort = upstream("old", true);
        int newPort = upstream("new", false);
        gw = new GatewayFixture(GatewayFixture.manifests(List.of(oldPort), oldPort), GatewayOptions.defaults());
        int httpPort = gw.port("http");
        int tcpPort = gw.port("tcp");

        HttpResponse<Stream<String>> held = http.send(chat(httpPort, "held"), HttpResponse.BodyHandlers.ofLines());
        assertThat(held.statusCode()).isEqualTo(200);
        Iterator<String> heldLines = held.body().iterator();
        List<String> heldEvents = new ArrayList<>();
        // the first event reached us and the old upstream is parked on the latch: the stream is in flight
        while (heldEvents.isEmpty()) {
            String line = heldLines.next();
            if (line.startsWith("data: ")) {
                heldEvents.add(line);
            }
        }
        assertThat(gw.server.activeRequests()).isEqualTo(1);

        gw.server.update(compile(withExtraListenerInsteadOfTcp(newPort)));

        // (b) the added listener is bound, the removed one closed, the kept one untouched
        assertThat(gw.server.boundPorts()).containsOnlyKeys("default/gw/http", "default/gw/extra");
        assertThat(gw.port("http")).isEqualTo(httpPort);
        // the removed listener's port is closed: it refuses connections, unless the kernel handed the same ephemeral
        // number to the listener just added (seen in CI: bind(0) may reuse a port freed a moment before)
        assertThat(gw.server.boundPorts()).doesNotContainKey("default/gw/tcp");
        if (gw.port("extra") != tcpPort) {
            assertThatThrownBy(() -> new Socket("127.0.0.1", tcpPort).close()).isInstanceOf(ConnectException.class);
        }

        // (a) a new request, on either listener, goes to the new pool while the old stream is still open
        for (String[] c : new String[][] {{"http", "fresh-http"}, {"extra", "fresh-extra"}}) {
            HttpResponse<String> fresh = http.send(chat(gw.port(c[0]), c[1]), HttpResponse.BodyHandlers.ofString());
            assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
            assertThat(fresh.body()).contains("\"new-1\"", "\"new-2\"").doesNotContain("old");
            assertThat(record(c[1]).endpoint()).isEqualTo("127.0.0.1:" + newPort);
        }
        // the fresh exchanges end on the event loop just after their last bytes went out, so the count may still
        // include them for a moment; the held stream cannot end before the latch
        await().until(() -> gw.server.activeRequests() == 1);

        releaseOld.countDown();
        heldLines.forEachRemaining(l -> {
            if (l.startsWith("data: ")) {
                heldEvents.add(l);
            }
        });
        assertThat(heldEvents).containsExactly("data: {\"id\":\"old-1\"}", "data: {\"id\":\"old-2\"}", "data: [DONE]");
        RequestRecord old = record("held");
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.errorType()).isNull();
        assertThat(old.endpoint()).isEqualTo("127.0.0.1:" + oldPort);
        await().until(() -> gw.server.activeRequests() == 0);
    }

    @Test
    void updateAfterCloseIsRefused() throws Exception {
        int port = upstream("any", false);
        GatewayConfig config = compile(GatewayFixture.manifests(List.of(port), port));
        gw = new GatewayFixture(GatewayFixture.manifests(List.of(port), port), GatewayOptions.defaults());
        gw.close();
        assertThatThrownBy(() -> gw.server.update(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(gw.server.boundPorts()).isEmpty();
    }
}
