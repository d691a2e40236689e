package io.infergate.bench.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.results.RequestRecord.Status;
import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.testing.Patience;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link StreamingLoad} against a simulator replica and a scripted misbehaving server, both on ephemeral ports. */
class StreamingLoadIT {

    private static final String SYSTEM = "You are a helpful assistant who answers in one short paragraph. ".repeat(8);

    /**
     * The timeout of a request the scripted server never answers. Short to keep the suite fast; safe at any load
     * because nothing competes with it (the server stays silent forever).
     */
    private static final Duration HANG_TIMEOUT = Duration.ofMillis(700);

    private static WorkloadRequest request(
            long atMillis, String model, int priority, String prompt, int maxTokens, String session, String tenant) {
        return WorkloadRequest.of(model, priority, prompt, maxTokens, session, tenant)
                .withArrivalNanos(Duration.ofMillis(atMillis).toNanos());
    }

    @Test
    void streamsFromASimulatorReplicaWithTtftInterTokenTimesUsageAndCachedTokens() throws Exception {
        try (SimReplica replica = new SimReplica(ReplicaSpec.builder(Preset.DEFAULT.config().toBuilder()
                                .numGpuBlocks(1024)
                                .clampMaxModelLenToCache()
                                .frontendOverheadNanos(1_000_000)
                                .build())
                        .seed(3)
                        .build())
                .start()) {
            String model = replica.models().baseName();
            StreamingLoad load = new StreamingLoad(URI.create(replica.url()), Patience.EVENTUALLY);
            // A run of its own that has ended puts the long prefix's blocks in the replica's cache before the
            // measured run, whatever the machine's speed: within one run, whether a later request finds an earlier
            // one's blocks depends on how far the replica (which runs in wall-clock time) got meanwhile.
            assertThat(load.run(List.of(request(0, model, 0, SYSTEM + "What is a guanaco?", 2, "", "")))
                            .records())
                    .extracting(RequestRecord::status)
                    .containsExactly(Status.OK);
            List<WorkloadRequest> requests = List.of(
                    request(0, model, 0, SYSTEM + "What is a llama?", 8, "s-1", ""),
                    request(5, model, -1, "Tell me about alpacas, briefly.", 5, "", "tenant-a"),
                    request(400, model, 1, SYSTEM + "What is a vicuna?", 8, "s-1", "tenant-b"));
            StreamingLoad.Result result = load.run(requests);

            assertThat(result.records()).hasSize(3).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(Status.OK);
                assertThat(r.httpStatus()).isEqualTo(200);
                assertThat(r.ttftNanos()).isPositive();
                assertThat(r.e2eNanos()).isGreaterThan(r.ttftNanos());
                assertThat(r.cachedTokens()).isGreaterThanOrEqualTo(0);
                assertThat(r.endpoint()).isEqualTo(-1);
            });
            List<RequestRecord> rs = result.records();
            assertThat(rs).extracting(RequestRecord::outputTokens).containsExactly(8, 5, 8);
            assertThat(rs).extracting(RequestRecord::priority).containsExactly(0, -1, 1);
            assertThat(rs).extracting(RequestRecord::arrivalNanos).containsExactly(0L, 5_000_000L, 400_000_000L);
            assertThat(rs.get(0).promptTokens()).isGreaterThan(100); // the server's count, not 0
            assertThat(rs.get(2).cachedTokens()).isGreaterThan(64); // the shared system prompt's blocks
            // one gap per token after the first of every stream
            assertThat(result.itlMicros().getTotalCount()).isEqualTo(7 + 4 + 7);
            assertThat(result.itlMicros().getMaxValue()).isPositive();
            // a lower bound only (the last request is due at 400 ms): it holds however slow the machine is
            assertThat(result.wallSeconds()).isGreaterThan(0.4);

            RunSummary s = RunSummary.of(rs, Slo.INTERACTIVE);
            assertThat(s.completed()).isEqualTo(3);
            assertThat(s.prefixHitRate()).isGreaterThan(0);
        }
    }

    @Test
    void statusesBrokenStreamsAndTimeoutsEachYieldOneRecordAndHeadersAreSent() throws Exception {
        Map<String, HttpHeaders> seen = new ConcurrentHashMap<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(
                                            new HttpServerCodec(),
                                            new HttpObjectAggregator(1 << 20),
                                            new Scripted(seen));
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            URI target = URI.create("http://127.0.0.1:" + port);
            // Every answered request must end before its timeout, so they run with a generous one; the request the
            // server never answers runs alone with a short one: its timeout is the only way it can end, and no
            // other request has to beat that timer however loaded the machine is.
            List<WorkloadRequest> requests = new ArrayList<>();
            for (String what : List.of("shed", "error", "broken", "noDone", "streamError", "ok")) {
                requests.add(request(requests.size() * 2L, "m", -1, what, 3, "session-" + what, "tenant-" + what));
            }
            StreamingLoad.Result result = new StreamingLoad(target, Patience.EVENTUALLY).run(requests);
            StreamingLoad.Result hung = new StreamingLoad(target, HANG_TIMEOUT)
                    .run(List.of(request(0, "m", -1, "hang", 3, "session-hang", "tenant-hang")));

            assertThat(result.records())
                    .extracting(RequestRecord::status)
                    .containsExactly(
                            Status.SHED, Status.FAILED, Status.FAILED, Status.FAILED, Status.FAILED, Status.OK);
            assertThat(result.records())
                    .extracting(RequestRecord::httpStatus)
                    .containsExactly(429, 500, 200, 200, 200, 200);
            assertThat(hung.records()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(Status.FAILED);
                assertThat(r.httpStatus()).isZero();
                assertThat(r.priority()).isEqualTo(-1);
            });
            RequestRecord ok = result.records().get(5);
            assertThat(ok.outputTokens()).isEqualTo(2); // no usage chunk: the text chunks are counted
            assertThat(ok.cachedTokens()).isEqualTo(-1);
            assertThat(ok.promptTokens()).isEqualTo(1); // the workload's estimate of "ok"
            assertThat(result.records()).extracting(RequestRecord::priority).containsOnly(-1);
            assertThat(seen.get("shed").get(StreamingLoad.SESSION_ID)).isEqualTo("session-shed");
            assertThat(seen.get("shed").get(StreamingLoad.FAIRNESS_ID)).isEqualTo("tenant-shed");
            assertThat(seen.get("ok").get(HttpHeaderNames.HOST)).isEqualTo("127.0.0.1:" + port);
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aRefusedConnectionFailsEveryRequest() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<WorkloadRequest> requests =
                List.of(request(0, "m", 0, "a", 4, "", ""), request(1, "m", 0, "b", 4, "", ""));
        // on a loaded machine the timeout may fire before the refusal is seen: both end FAILED without a status
        StreamingLoad.Result result =
                new StreamingLoad(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(5)).run(requests);
        assertThat(result.records()).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.httpStatus()).isZero();
        });
        assertThat(result.itlMicros().getTotalCount()).isZero();
    }

    @Test
    void anEmptyScheduleEndsAtOnceAndBadTargetsAreRefused() throws Exception {
        StreamingLoad.Result result =
                new StreamingLoad(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1)).run(List.of());
        assertThat(result.records()).isEmpty();
        assertThat(new StreamingLoad(URI.create("http://h:81/prefix/"), Duration.ofSeconds(1)).url())
                .isEqualTo(URI.create("http://h:81/prefix/v1/completions"));
        assertThat(new StreamingLoad(URI.create("http://h"), Duration.ofSeconds(1)).url())
                .isEqualTo(URI.create("http://h:80/v1/completions"));
        assertThatThrownBy(() -> new StreamingLoad(URI.create("https://h:1"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: http://HOST");
        assertThatThrownBy(() -> new StreamingLoad(URI.create("http://h:1"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    /** Answers by the request's prompt: shed, error, broken, hang, noDone, streamError, ok. */
    private static final class Scripted extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Map<String, HttpHeaders> seen;

        Scripted(Map<String, HttpHeaders> seen) {
            this.seen = seen;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String body = req.content().toString(StandardCharsets.UTF_8);
            String what = body.replaceAll(".*\"prompt\":\"([^\"]*)\".*", "$1");
            seen.put(what, req.headers().copy());
            switch (what) {
                case "shed" -> ctx.writeAndFlush(full(HttpResponseStatus.TOO_MANY_REQUESTS));
                case "error" -> ctx.writeAndFlush(full(HttpResponseStatus.INTERNAL_SERVER_ERROR));
                case "hang" -> {}
                case "broken" -> {
                    ctx.write(streamHead());
                    event(ctx, "{\"choices\":[{\"text\":\"a\"}]}");
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
                default -> {
                    ctx.write(streamHead());
                    if (what.equals("streamError")) {
                        event(ctx, "{\"choices\":[{\"text\":\"a\"}]}");
                        event(ctx, "{\"error\":{\"message\":\"aborted\",\"code\":500}}");
                    } else {
                        event(ctx, "{\"choices\":[{\"text\":\"a\"}]}");
                        event(ctx, "{\"choices\":[{\"text\":\"\"}]}");
                        event(ctx, "{\"choices\":[{\"text\":\"b\",\"finish_reason\":\"length\"}]}");
                    }
                    if (!what.equals("noDone")) {
                        ctx.write(new DefaultHttpContent(
                                Unpooled.copiedBuffer("data: [DONE]\r\n\r\n", StandardCharsets.US_ASCII)));
                    }
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                }
            }
        }

        private static DefaultFullHttpResponse full(HttpResponseStatus status) {
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer("{\"error\":{}}", StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            return r;
        }

        private static DefaultHttpResponse streamHead() {
            DefaultHttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            r.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
            return r;
        }

        /** One event split over two chunks, so the parser has to join a line across reads. */
        private static void event(ChannelHandlerContext ctx, String json) {
            String sse = "data: " + json + "\n\n";
            int half = sse.length() / 2;
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(sse.substring(0, half), StandardCharsets.UTF_8)));
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(sse.substring(half), StandardCharsets.UTF_8)));
        }
    }
}
