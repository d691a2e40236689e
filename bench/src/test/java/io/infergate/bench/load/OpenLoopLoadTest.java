package io.infergate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.testing.Patience;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenLoopLoadTest {

    /** Virtual time: waiting jumps the clock to the deadline; every read after that sees it. */
    static final class VirtualClock implements OpenLoopLoad.Clock {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final long stepPerRead;

        VirtualClock(long stepPerRead) {
            this.stepPerRead = stepPerRead;
        }

        @Override
        public long nanoTime() {
            return now.addAndGet(stepPerRead);
        }

        @Override
        public void awaitUntil(long deadline) {
            now.accumulateAndGet(deadline, Math::max);
        }
    }

    /**
     * How long a run waits for its last responses (and for pre-opened connections). The virtual clock sends the
     * whole schedule at once, so every request must be answered by the real server within this: generous, since a
     * request still open when it passes counts as an error. A passing run waits only as long as the server takes.
     */
    private static final Duration DRAIN = Patience.EVENTUALLY;

    record Finished(long index, long intended, long sent, long end, boolean ok) {}

    private EventLoopGroup group;
    private Channel server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
    private volatile int failEvery;

    @BeforeEach
    void startServer() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(1 << 20),
                                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                                            @Override
                                            protected void channelRead0(
                                                    ChannelHandlerContext ctx, FullHttpRequest req) {
                                                int n = requests.incrementAndGet();
                                                byPath.computeIfAbsent(req.uri(), u -> new AtomicInteger())
                                                        .incrementAndGet();
                                                if (n <= 3) {
                                                    bodies.add(req.content().toString(StandardCharsets.UTF_8));
                                                }
                                                boolean fail = failEvery > 0 && n % failEvery == 0;
                                                FullHttpResponse res = new DefaultFullHttpResponse(
                                                        HttpVersion.HTTP_1_1,
                                                        fail
                                                                ? HttpResponseStatus.INTERNAL_SERVER_ERROR
                                                                : HttpResponseStatus.OK,
                                                        Unpooled.copiedBuffer("{\"ok\":true}", StandardCharsets.UTF_8));
                                                res.headers()
                                                        .set(
                                                                HttpHeaderNames.CONTENT_LENGTH,
                                                                res.content().readableBytes());
                                                ctx.writeAndFlush(res);
                                            }
                                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    @AfterEach
    void stopServer() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private URI url() {
        return URI.create(
                "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/v1/completions");
    }

    @Test
    void bodyIsAnExactSizeNonStreamingCompletion() throws Exception {
        for (int size : new int[] {4096, 200 * 1024}) {
            byte[] body = OpenLoopLoad.body("m\"x", size);
            assertThat(body).hasSize(size);
            JsonNode json = JsonMapper.shared().readTree(body);
            assertThat(json.get("model").asString()).isEqualTo("m\"x");
            assertThat(json.get("max_tokens").asInt()).isEqualTo(1);
            assertThat(json.get("stream").asBoolean()).isFalse();
        }
    }

    @Test
    void chatBodyIsAnExactSizeChatCompletionChosenByTheTargetPath() throws Exception {
        for (int size : new int[] {4096, 200 * 1024}) {
            byte[] body = OpenLoopLoad.chatBody("m\"x", size);
            assertThat(body).hasSize(size);
            JsonNode json = JsonMapper.shared().readTree(body);
            assertThat(json.get("model").asString()).isEqualTo("m\"x");
            assertThat(json.at("/messages/0/role").asString()).isEqualTo("user");
            assertThat(json.at("/messages/0/content").asString()).startsWith("the quick brown fox");
            assertThat(json.get("messages").size()).isEqualTo(1);
            assertThat(json.get("max_tokens").asInt()).isEqualTo(1);
            assertThat(json.get("stream").asBoolean()).isFalse();
        }
        assertThat(OpenLoopLoad.bodyFor(URI.create("http://h:1/v1/chat/completions"), "m", 600))
                .isEqualTo(OpenLoopLoad.chatBody("m", 600));
        assertThat(OpenLoopLoad.bodyFor(URI.create("http://h:1/v1/completions"), "m", 600))
                .isEqualTo(OpenLoopLoad.body("m", 600));
    }

    @Test
    void preconnectedConnectionsAreTheWholePoolWhenTheyAreTheLimit() throws Exception {
        List<Long> connectedAt = new CopyOnWriteArrayList<>();
        AtomicLong startedAt = new AtomicLong(-1);
        VirtualClock clock = new VirtualClock(0);
        OpenLoopLoad load = new OpenLoopLoad(
                url(),
                OpenLoopLoad.body("m", 256),
                clock,
                new OpenLoopLoad.Observer() {
                    @Override
                    public void finished(long index, long intendedNanos, long sentNanos, long endNanos, boolean ok) {}

                    @Override
                    public void started(long startNanos) {
                        startedAt.set(startNanos);
                    }

                    @Override
                    public void connected(long nanos) {
                        connectedAt.add(nanos);
                    }
                },
                DRAIN);
        OpenLoopLoad.Result r =
                load.openLoop(OpenLoopLoad.Arrivals.POISSON, 2000, Duration.ZERO, Duration.ofSeconds(1), 4, 4, 5);
        assertThat(r.errors()).isZero();
        assertThat(r.completed()).isEqualTo(r.scheduled()).isEqualTo(requests.get());
        assertThat(r.connections()).isEqualTo(4);
        assertThat(accepted.get()).isEqualTo(4);
        // all four were up before the schedule started
        assertThat(connectedAt).hasSize(4).allSatisfy(t -> assertThat(t).isLessThanOrEqualTo(startedAt.get()));
        assertThatThrownBy(() ->
                        load.openLoop(OpenLoopLoad.Arrivals.POISSON, 10, Duration.ZERO, Duration.ofSeconds(1), 2, 3, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 0..2");
    }

    @Test
    void interleavedTargetsTakeTurnsInSlicesOfOneSchedule() throws Exception {
        VirtualClock clock = new VirtualClock(0);
        URI a = url().resolve("/a");
        URI b = url().resolve("/b");
        OpenLoopLoad load =
                new OpenLoopLoad(List.of(a, b), OpenLoopLoad.body("m", 300), clock, OpenLoopLoad.Observer.NONE, DRAIN);
        // 100/s evenly for 1 s warm-up + 2 s measured, slices of 0.5 s: a, b, a, b, a, b
        List<OpenLoopLoad.Result> r = load.interleaved(
                OpenLoopLoad.Arrivals.CONSTANT,
                100,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofMillis(500),
                2,
                2,
                1);
        assertThat(r).hasSize(2);
        assertThat(byPath.get("/a").get()).isEqualTo(150);
        assertThat(byPath.get("/b").get()).isEqualTo(150);
        for (OpenLoopLoad.Result t : r) {
            assertThat(t.scheduled()).isEqualTo(100);
            assertThat(t.completed()).isEqualTo(100);
            assertThat(t.errors()).isZero();
            assertThat(t.seconds()).isEqualTo(1.0);
            assertThat(t.achievedRate()).isEqualTo(100.0);
            assertThat(t.sent()).isEqualTo(150);
            assertThat(t.connections()).isEqualTo(2); // its own pool, opened up front
            assertThat(t.latencyMicros().getTotalCount()).isEqualTo(100);
        }
        assertThat(accepted.get()).isEqualTo(4);
        assertThatThrownBy(() ->
                        load.openLoop(OpenLoopLoad.Arrivals.CONSTANT, 1, Duration.ZERO, Duration.ofSeconds(1), 1, 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void turnsAreSlicesInRotationAndTheirShareOfAWindowIsExact() {
        long s = 1_000;
        assertThat(OpenLoopLoad.turn(0, s, 3)).isZero();
        assertThat(OpenLoopLoad.turn(999, s, 3)).isZero();
        assertThat(OpenLoopLoad.turn(1_000, s, 3)).isEqualTo(1);
        assertThat(OpenLoopLoad.turn(5_500, s, 3)).isEqualTo(2);
        assertThat(OpenLoopLoad.turn(6_000, s, 3)).isZero();
        // window [1500, 7250): slice 1 (its second half: target 1), 2 (target 2), 3 (0), 4 (1), 5 (2), 6 (0),
        // 7 (its first quarter: target 1)
        assertThat(OpenLoopLoad.turnNanos(0, 3, s, 1_500, 7_250)).isEqualTo(1_000 + 1_000);
        assertThat(OpenLoopLoad.turnNanos(1, 3, s, 1_500, 7_250)).isEqualTo(500 + 1_000 + 250);
        assertThat(OpenLoopLoad.turnNanos(2, 3, s, 1_500, 7_250)).isEqualTo(1_000 + 1_000);
        assertThat(OpenLoopLoad.turnNanos(0, 1, s, 1_500, 7_250)).isEqualTo(5_750);
    }

    @Test
    void schedulesAreSpacedByTheRate() {
        long[] constant = OpenLoopLoad.schedule(OpenLoopLoad.Arrivals.CONSTANT, 2000, Duration.ofSeconds(1), 1);
        assertThat(constant).hasSize(2000);
        assertThat(constant[0]).isZero();
        assertThat(constant[1999]).isEqualTo(999_500_000L);
        long[] poisson = OpenLoopLoad.schedule(OpenLoopLoad.Arrivals.POISSON, 1000, Duration.ofSeconds(100), 7);
        assertThat(poisson.length).isBetween(99_000, 101_000); // mean 100,000, sd 316
        for (int i = 1; i < poisson.length; i++) {
            assertThat(poisson[i]).isGreaterThanOrEqualTo(poisson[i - 1]);
        }
        assertThat(poisson[poisson.length - 1]).isLessThan(100_000_000_000L);
        assertThat(OpenLoopLoad.schedule(OpenLoopLoad.Arrivals.POISSON, 1000, Duration.ofSeconds(100), 7))
                .isEqualTo(poisson);
    }

    @Test
    void openLoopSendsEveryScheduledRequestAtItsScheduledTime() throws Exception {
        VirtualClock clock = new VirtualClock(0);
        List<Finished> finished = new CopyOnWriteArrayList<>();
        OpenLoopLoad load = new OpenLoopLoad(
                url(),
                OpenLoopLoad.body("m", 4096),
                clock,
                (i, intended, sent, end, ok) -> finished.add(new Finished(i, intended, sent, end, ok)),
                DRAIN);
        long start = clock.now.get();
        // 1 s warm-up + 2 s measured at 200/s, constant spacing: 600 arrivals, 400 measured
        OpenLoopLoad.Result r =
                load.openLoop(OpenLoopLoad.Arrivals.CONSTANT, 200, Duration.ofSeconds(1), Duration.ofSeconds(2), 4, 1);
        assertThat(requests.get()).isEqualTo(600);
        assertThat(r.scheduled()).isEqualTo(400);
        assertThat(r.completed()).isEqualTo(400);
        assertThat(r.errors()).isZero();
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(400);
        assertThat(r.connections()).isBetween(1, 4);
        assertThat(r.achievedRate()).isEqualTo(200.0);
        assertThat(finished).hasSize(600);
        long[] expected = OpenLoopLoad.schedule(OpenLoopLoad.Arrivals.CONSTANT, 200, Duration.ofSeconds(3), 1);
        for (Finished f : finished) {
            // intended times are the schedule's, in virtual time; nothing is sent or ends before it
            assertThat(f.intended() - start).isEqualTo(expected[(int) f.index()]);
            assertThat(f.sent()).isGreaterThanOrEqualTo(f.intended());
            assertThat(f.end()).isGreaterThanOrEqualTo(f.sent());
            assertThat(f.ok()).isTrue();
        }
        assertThat(finished.stream().mapToLong(Finished::index).distinct().count())
                .isEqualTo(600);
        String body = bodies.peek();
        assertThat(body)
                .startsWith("{\"model\":\"m\",\"prompt\":\"the quick brown fox")
                .hasSize(4096);
    }

    @Test
    void errorsAreCountedApartFromLatencies() throws Exception {
        failEvery = 5;
        OpenLoopLoad load = new OpenLoopLoad(
                url(), OpenLoopLoad.body("m", 100), new VirtualClock(0), OpenLoopLoad.Observer.NONE, DRAIN);
        OpenLoopLoad.Result r =
                load.openLoop(OpenLoopLoad.Arrivals.POISSON, 1000, Duration.ZERO, Duration.ofSeconds(1), 1, 3);
        long n = OpenLoopLoad.schedule(OpenLoopLoad.Arrivals.POISSON, 1000, Duration.ofSeconds(1), 3).length;
        assertThat(requests.get()).isEqualTo((int) n);
        assertThat(r.scheduled()).isEqualTo(n);
        assertThat(r.errors()).isEqualTo(n / 5);
        assertThat(r.completed()).isEqualTo(n - n / 5);
        assertThat(r.latencyMicros().getTotalCount()).isEqualTo(r.completed());
        assertThat(r.connections()).isEqualTo(1); // capped: the rest waited for the one connection
    }

    @Test
    void unreachableTargetCountsEveryRequestAsAnError() throws Exception {
        URI dead = url();
        server.close().sync();
        OpenLoopLoad load = new OpenLoopLoad(
                dead, OpenLoopLoad.body("m", 100), new VirtualClock(0), OpenLoopLoad.Observer.NONE, DRAIN);
        OpenLoopLoad.Result r =
                load.openLoop(OpenLoopLoad.Arrivals.CONSTANT, 100, Duration.ZERO, Duration.ofSeconds(1), 8, 1);
        assertThat(r.scheduled()).isEqualTo(100);
        assertThat(r.errors()).isEqualTo(100);
        assertThat(r.completed()).isZero();
    }

    @Test
    void closedLoopKeepsItsConnectionsBusyUntilTheEnd() throws Exception {
        // every clock read advances virtual time by 10 µs, so the run ends after a bounded number of requests
        VirtualClock clock = new VirtualClock(10_000);
        OpenLoopLoad load =
                new OpenLoopLoad(url(), OpenLoopLoad.body("m", 512), clock, OpenLoopLoad.Observer.NONE, DRAIN);
        OpenLoopLoad.Result r = load.closedLoop(3, Duration.ZERO, Duration.ofMillis(50));
        assertThat(r.errors()).isZero();
        assertThat(r.connections()).isEqualTo(3);
        assertThat(r.completed()).isPositive().isEqualTo(r.scheduled()).isEqualTo(requests.get());
        assertThat(r.completed()).isLessThan(50_000 / 10);
    }
}
