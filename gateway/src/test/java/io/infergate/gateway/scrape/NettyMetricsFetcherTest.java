package io.infergate.gateway.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.pick.Endpoint;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(10);
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
            b.append("vllm:num_requests_waiting{model_name=\"m\",i=\"").append(i).append("\"} ").append(i % 7)
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
        fetcher = new NettyMetricsFetcher("http", "/metrics");
        return fetcher;
    }

    private static ThrowableAssertAlternative<?> assertFails(CompletableFuture<byte[]> f) {
        return assertThat(f).failsWithin(WAIT).withThrowableOfType(ExecutionException.class).havingCause();
    }

    @Test
    void readsThePageWithOneRequestOfTheExpectedShape() throws Exception {
        server = new PageServer(PageServer.page(PAGE));

        byte[] body = fetcher().fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS);

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
            assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        }

        assertThat(server.requests).hasSize(5);
        assertThat(server.accepted).hasValue(1);
        assertThat(fetcher.openConnections()).isEqualTo(1);
    }

    @Test
    void overlappingFetchesOfOneAddressEachGetAConnectionAndKeepIt() throws Exception {
        // an address in two pools is scraped once per pool, at the same moment
        CountDownLatch both = new CountDownLatch(2);
        server = new PageServer((ctx, req) -> {
            both.countDown();
            PageServer.page(PAGE).respond(ctx, req);
        });
        fetcher();

        var a = fetcher.fetch(endpoint(), TIMEOUT);
        var b = fetcher.fetch(endpoint(), TIMEOUT);
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(both.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.accepted).hasValue(2);

        for (int i = 0; i < 3; i++) {
            var c = fetcher.fetch(endpoint(), TIMEOUT);
            var d = fetcher.fetch(endpoint(), TIMEOUT);
            assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
            assertThat(d.get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        }
        assertThat(server.accepted).as("both connections reused").hasValue(2);
    }

    @Test
    void readsAChunkedBodyAndKeepsTheConnection() throws Exception {
        server = new PageServer(PageServer.chunked(PAGE, 7));
        fetcher();

        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);

        assertThat(server.accepted).hasValue(1);
    }

    @Test
    void readsABodyThatEndsWithTheConnectionAndThenReconnects() throws Exception {
        server = new PageServer(PageServer.untilClose(PAGE));
        fetcher();

        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);

        assertThat(server.accepted).hasValue(2);
    }

    @Test
    void aNonSuccessStatusFailsWithTheStatusAndTheConnectionIsKept() throws Exception {
        server = new PageServer(PageServer.status(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "warming up".getBytes(StandardCharsets.US_ASCII)));
        fetcher();

        assertFails(fetcher.fetch(endpoint(), TIMEOUT)).isInstanceOf(IOException.class)
                .withMessage("HTTP 503 from 127.0.0.1:" + server.port() + "/metrics");

        server.respond(PageServer.page(PAGE));
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(server.accepted).hasValue(1);
    }

    @Test
    void aFetchWithoutAnswerTimesOutAndClosesItsConnection() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        server = new PageServer((ctx, req) -> arrived.countDown()); // holds the answer back
        fetcher();

        var f = fetcher.fetch(endpoint(), Duration.ofMillis(200));

        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        assertFails(f).isInstanceOf(TimeoutException.class)
                .withMessage("timed out after 200 ms: GET 127.0.0.1:" + server.port() + "/metrics");
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.closed).hasValue(1));

        server.respond(PageServer.page(PAGE));
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        assertThat(server.accepted).hasValue(2);
    }

    @Test
    void aRefusedConnectionFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }

        assertFails(fetcher().fetch(endpoint(port), TIMEOUT)).isInstanceOf(IOException.class)
                .withMessageStartingWith("cannot connect to 127.0.0.1:" + port + ": ");
    }

    @Test
    void aConnectionTheServerClosedBetweenFetchesIsReplaced() throws Exception {
        server = new PageServer(PageServer.pageThenClose(PAGE));
        fetcher();

        for (int i = 0; i < 3; i++) {
            assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
        }

        assertThat(server.accepted).hasValue(3);
    }

    @Test
    void aBodyOverTheLimitFailsAndClosesTheConnection() throws Exception {
        server = new PageServer(PageServer.page(PAGE));
        fetcher = new NettyMetricsFetcher("http", "/metrics", 1024, Duration.ofSeconds(30));

        assertFails(fetcher.fetch(endpoint(), TIMEOUT)).isInstanceOf(IOException.class)
                .withMessage("body of 127.0.0.1:" + server.port() + "/metrics too large: 40000 bytes (limit: 1024"
                        + " bytes)");
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.closed).hasValue(1));

        server.respond(PageServer.chunked(PAGE, 40));
        assertFails(fetcher.fetch(endpoint(), TIMEOUT)).isInstanceOf(IOException.class)
                .withMessageContaining("too large: more than 1024 bytes");
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.closed).hasValue(2));
    }

    @Test
    void idleConnectionsClose() throws Exception {
        server = new PageServer(PageServer.page(PAGE));
        fetcher = new NettyMetricsFetcher("http", "/metrics", NettyMetricsFetcher.DEFAULT_MAX_BODY_BYTES,
                Duration.ofMillis(100));

        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);

        await().atMost(WAIT).untilAsserted(() -> assertThat(server.closed).hasValue(1));
        assertThat(fetcher.openConnections()).isZero();
        assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);
    }

    @Test
    void closeFailsTheFetchInFlightAndEveryLaterOneAtOnce() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        server = new PageServer((ctx, req) -> arrived.countDown());
        fetcher();
        var inFlight = fetcher.fetch(endpoint(), TIMEOUT);
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

        fetcher.close();

        assertFails(inFlight).isInstanceOf(IllegalStateException.class).withMessage("metrics fetcher is closed");
        var later = fetcher.fetch(endpoint(), TIMEOUT);
        assertThat(later).isCompletedExceptionally();
        assertFails(later).isInstanceOf(IllegalStateException.class).withMessage("metrics fetcher is closed");
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.closed).hasValue(1));
    }

    @Test
    void onABorrowedGroupCloseClosesTheConnectionsButNotTheGroup() throws Exception {
        server = new PageServer(PageServer.page(PAGE));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            fetcher = new NettyMetricsFetcher(group, "http", "/metrics", NettyMetricsFetcher.DEFAULT_MAX_BODY_BYTES,
                    Duration.ofSeconds(30));
            assertThat(fetcher.fetch(endpoint(), TIMEOUT).get(10, TimeUnit.SECONDS)).isEqualTo(PAGE);

            fetcher.close();

            await().atMost(WAIT).untilAsserted(() -> assertThat(server.closed).hasValue(1));
            assertThat(group.isShuttingDown()).isFalse();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void rejectsWhatItCannotFetch() {
        assertThatThrownBy(() -> new NettyMetricsFetcher("https", "/metrics"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https is not supported");
        assertThatThrownBy(() -> new NettyMetricsFetcher("ftp", "/metrics"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scheme: ftp (expected: http)");
        assertThatThrownBy(() -> new NettyMetricsFetcher("http", "metrics"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("path: metrics (expected:");
        assertThatThrownBy(() -> new NettyMetricsFetcher("http", "/metrics\r\nX: y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("path: ");
        assertThatThrownBy(() -> new NettyMetricsFetcher("http", "/metrics", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBodyBytes: 0 (expected: > 0)");
    }
}
