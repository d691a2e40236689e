package io.infergate.gateway.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.testing.Patience;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Netty fetcher against a real server on an ephemeral loopback port. */
class NettyMetricsFetcherTest {

    /**
     * The timeout of a fetch that must succeed: a safety net, never expected to fire (on a loaded machine a loopback
     * round trip can take seconds).
     */
    private static final Duration TIMEOUT = Patience.EVENTUALLY;
    /**
     * The idle timeout of a fetcher whose test counts connections: longer than any test runs, so a connection is never
     * closed for idleness between two fetches, however slowly the machine gets to the second one.
     */
    private static final Duration NEVER_IDLE = Duration.ofHours(1);
    /**
     * A fetch or idle timeout a test expects to fire: short, to keep the test quick, and safe on a loaded machine
     * because nothing can end the fetch or the idleness first (the server never answers; no request follows).
     */
    private static final Duration FIRES = Duration.ofMillis(200);
    /** Larger than one read and than the decoder's chunk, so a body arrives in pieces. */
    private static final byte[] PAGE = page(40_000);

    private PageServer server;
    private NettyMetricsFetcher fetcher;

    @AfterEach
    void tearDown() {
        if (fetcher != null) {
            fetcher.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static byte[] page(int size) {
        StringBuilder b = new StringBuilder(size + 64);
        for (int i = 0; b.length() < size; i++) {
            b.append("vllm:num_requests_waiting{model_name=\"m\",i=\"")
                    .append(i)
                    .append("\"} ")
                    .append(i % 7)
                    .append('\n');
        }
        b.setLength(size);
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private Endpoint endpoint(int port) {
        return Endpoint.of(new PoolEndpoint("vllm-0-rank-0", "vllm-0", "127.0.0.1", port, 0), Map.of());
    }

    private Endpoint endpoint() {
        return endpoint(server.port());
    }

    private NettyMetricsFetcher fetcher() {
        fetcher = new NettyMetricsFetcher("http", "/metrics", NettyMetricsFetcher.DEFAULT_MAX_BODY_BYTES, NEVER_IDLE);
        return fetcher;
    }

    private static ThrowableAssertAlternative<?> assertFails(CompletableFuture<byte[]> f) {
        return assertThat(f)
                .failsWithin(Patience.EVENTUALLY)
                .withThrowableOfType(ExecutionException.class)
                .havingCause();
    }

    @Test
    void readsThePageWithOneRequestOfTheExpectedShape() throws Exception {
        server = new PageServer(PageServer.page(PAGE));

        fetcher = new NettyMetricsFetcher("http", "/metrics"); // the gateway's constructor
        byte[] body = fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS);

        assertThat(body).isEqualTo(PAGE);
        assertThat(server.uris).containsExactly("/metrics");
        var h = server.requests.get(0);
        assertThat(h.get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:" + server.port());
        assertThat(h.get(HttpHeaderNames.ACCEPT)).isEqualTo("text/plain");
        assertThat(h.get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive");
    }

    @Test
    void sequentialFetchesReuseOneConnection() throws Exception {
        server = new PageServer(PageServer.page(PAGE));
        fetcher();

        for (int i = 0; i < 5; i++) {
            assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                    .isEqualTo(PAGE);
        }

        assertThat(server.requests).hasSize(5);
        assertThat(server.accepted).hasValue(1);
        assertThat(fetcher.openConnections()).isEqualTo(1);
    }

    @Test
    void overlappingFetchesOfOneAddressEachGetAConnectionAndKeepIt() throws Exception {
        // an address in two pools is scraped once per pool, at the same moment. The server answers neither request
        // before both have arrived: otherwise the first fetch could end before the second starts (the test thread
        // descheduled between the two calls), and the second would rightly reuse the first one's connection.
        List<Runnable> held = new ArrayList<>(); // the server's event loop only
        server = new PageServer((ctx, req) -> {
            held.add(() -> PageServer.page(PAGE).respond(ctx, req));
            if (held.size() == 2) {
                held.forEach(Runnable::run);
            }
        });
        fetcher();

        var a = fetcher.fetch(endpoint(), TIMEOUT);
        var b = fetcher.fetch(endpoint(), TIMEOUT);
        assertThat(a.get(Patience.SECONDS, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(b.get(Patience.SECONDS, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(server.accepted).hasValue(2);

        // two idle connections now: whether c and d overlap or not, they find one idle, so nothing new is opened
        server.respond(PageServer.page(PAGE));
        for (int i = 0; i < 3; i++) {
            var c = fetcher.fetch(endpoint(), TIMEOUT);
            var d = fetcher.fetch(endpoint(), TIMEOUT);
            assertThat(c.get(Patience.SECONDS, TimeUnit.SECONDS)).isEqualTo(PAGE);
            assertThat(d.get(Patience.SECONDS, TimeUnit.SECONDS)).isEqualTo(PAGE);
        }
        assertThat(server.accepted).as("both connections reused").hasValue(2);
    }

    @Test
    void readsAChunkedBodyAndKeepsTheConnection() throws Exception {
        server = new PageServer(PageServer.chunked(PAGE, 7));
        fetcher();

        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);

        assertThat(server.accepted).hasValue(1);
    }

    @Test
    void readsABodyThatEndsWithTheConnectionAndThenReconnects() throws Exception {
        server = new PageServer(PageServer.untilClose(PAGE));
        fetcher();

        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);

        assertThat(server.accepted).hasValue(2);
    }

    @Test
    void aNonSuccessStatusFailsWithTheStatusAndTheConnectionIsKept() throws Exception {
        server = new PageServer(PageServer.status(
                HttpResponseStatus.SERVICE_UNAVAILABLE, "warming up".getBytes(StandardCharsets.US_ASCII)));
        fetcher();

        assertFails(fetcher.fetch(endpoint(), TIMEOUT))
                .isInstanceOf(IOException.class)
                .withMessage("HTTP 503 from 127.0.0.1:" + server.port() + "/metrics");

        server.respond(PageServer.page(PAGE));
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);
        assertThat(server.accepted).hasValue(1);
    }

    @Test
    void aFetchWithoutAnswerTimesOutAndClosesItsConnection() throws Exception {
        server = new PageServer((ctx, req) -> {}); // never answers, so the timeout is the only way the fetch ends
        fetcher();

        // The timeout may fire after the request reached the server or, on a loaded machine, before it was even
        // sent (the connection still opening): either way the fetch fails with it and its connection is closed.
        var f = fetcher.fetch(endpoint(), FIRES);

        assertFails(f)
                .isInstanceOf(TimeoutException.class)
                .withMessage(
                        "timed out after " + FIRES.toMillis() + " ms: GET 127.0.0.1:" + server.port() + "/metrics");
        await().untilAsserted(() -> {
            assertThat(server.closed).hasValue(1);
            assertThat(fetcher.openConnections()).isZero();
        });

        server.respond(PageServer.page(PAGE));
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);
        assertThat(server.accepted).hasValue(2);
    }

    @Test
    void aRefusedConnectionFails() throws Exception {
        // bound but not listening: connections are refused, and no other process can take the port meanwhile (as it
        // could a port closed again before the fetch)
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = s.getLocalPort();

            assertFails(fetcher().fetch(endpoint(port), TIMEOUT))
                    .isInstanceOf(IOException.class)
                    .withMessageStartingWith("cannot connect to 127.0.0.1:" + port + ": ");
        }
    }

    @Test
    void aConnectionTheServerClosedBetweenFetchesIsReplaced() throws Exception {
        server = new PageServer(PageServer.pageThenClose(PAGE));
        fetcher();

        for (int i = 0; i < 3; i++) {
            assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                    .isEqualTo(PAGE);
        }

        assertThat(server.accepted).hasValue(3);
    }

    @Test
    void aBodyOverTheLimitFailsAndClosesTheConnection() throws Exception {
        server = new PageServer(PageServer.page(PAGE));
        fetcher = new NettyMetricsFetcher("http", "/metrics", 1024, NEVER_IDLE);

        assertFails(fetcher.fetch(endpoint(), TIMEOUT))
                .isInstanceOf(IOException.class)
                .withMessage("body of 127.0.0.1:" + server.port() + "/metrics too large: 40000 bytes (limit: 1024"
                        + " bytes)");
        await().untilAsserted(() -> assertThat(server.closed).hasValue(1));

        server.respond(PageServer.chunked(PAGE, 40));
        assertFails(fetcher.fetch(endpoint(), TIMEOUT))
                .isInstanceOf(IOException.class)
                .withMessageContaining("too large: more than 1024 bytes");
        await().untilAsserted(() -> assertThat(server.closed).hasValue(2));
    }

    @Test
    void idleConnectionsClose() throws Exception {
        server = new PageServer(PageServer.page(PAGE));
        fetcher = new NettyMetricsFetcher("http", "/metrics", NettyMetricsFetcher.DEFAULT_MAX_BODY_BYTES, FIRES);

        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);

        // the server may see the close a moment before the fetcher has forgotten the channel: wait for both
        await().untilAsserted(() -> {
            assertThat(server.closed).hasValue(1);
            assertThat(fetcher.openConnections()).isZero();
        });
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                .isEqualTo(PAGE);
    }

    @Test
    void closeFailsTheFetchInFlightAndEveryLaterOneAtOnce() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        server = new PageServer((ctx, req) -> arrived.countDown()); // never answers
        fetcher();
        var inFlight = fetcher.fetch(endpoint(), TIMEOUT);
        assertThat(arrived.await(Patience.SECONDS, TimeUnit.SECONDS)).isTrue();

        fetcher.close();

        assertFails(inFlight).isInstanceOf(IllegalStateException.class).withMessage("metrics fetcher is closed");
        var later = fetcher.fetch(endpoint(), TIMEOUT);
        assertThat(later).isCompletedExceptionally();
        assertFails(later).isInstanceOf(IllegalStateException.class).withMessage("metrics fetcher is closed");
        await().untilAsserted(() -> assertThat(server.closed).hasValue(1));
    }

    @Test
    void onABorrowedGroupCloseClosesTheConnectionsButNotTheGroup() throws Exception {
        server = new PageServer(PageServer.page(PAGE));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            fetcher = new NettyMetricsFetcher(
                    group, "http", "/metrics", NettyMetricsFetcher.DEFAULT_MAX_BODY_BYTES, NEVER_IDLE);
            assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(Patience.SECONDS, TimeUnit.SECONDS))
                    .isEqualTo(PAGE);

            fetcher.close();

            await().untilAsserted(() -> assertThat(server.closed).hasValue(1));
            assertThat(group.isShuttingDown()).isFalse();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void rejectsWhatItCannotFetch() {
        assertThatThrownBy(() -> new NettyMetricsFetcher("https", "/metrics"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https is not supported");
        assertThatThrownBy(() -> new NettyMetricsFetcher("ftp", "/metrics"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheme: ftp (expected: http)");
        assertThatThrownBy(() -> new NettyMetricsFetcher("http", "metrics"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("path: metrics (expected:");
        assertThatThrownBy(() -> new NettyMetricsFetcher("http", "/metrics\r\nX: y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("path: ");
        assertThatThrownBy(() -> new NettyMetricsFetcher("http", "/metrics", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBodyBytes: 0 (expected: > 0)");
    }
}
