package io.infergate.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The h2c client's classification against a tiny in-process h2c server on a real socket: a whole stream, a mapped
 * error, a reset stream, and a stream that never ends (hung at its deadline), several streams on one connection.
 */
class H2StreamsTest {

    private EventLoopGroup group;
    private Channel server;

    @BeforeEach
    void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forServer().build(),
                                        new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                            @Override
                                            protected void initChannel(Http2StreamChannel stream) {
                                                stream.pipeline().addLast(new Answers());
                                            }
                                        }));
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers by path once the request's body has ended. */
    private static final class Answers extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private String path;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame h) {
                path = String.valueOf(h.headers().path());
            }
            boolean end = frame instanceof Http2DataFrame d && d.isEndStream()
                    || frame instanceof Http2HeadersFrame h && h.isEndStream();
            if (!end) {
                return;
            }
            switch (path) {
                case "/stream" -> {
                    ctx.write(new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers().status("200").add("content-type", "text/event-stream")));
                    ctx.write(data("data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: {\"choices\":", false));
                    ctx.writeAndFlush(data("[{\"text\":\"b\"}]}\n\ndata: [DONE]\n\n", true));
                }
                case "/503" -> {
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                            .status("503")
                            .add("content-type", "application/json")
                            .add("retry-after", "1")));
                    ctx.writeAndFlush(data("{\"error\":{\"type\":\"x\",\"code\":\"no_ready_endpoint\"}}", true));
                }
                case "/reset" -> ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                default ->
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers().status("200").add("content-type", "text/event-stream")));
            }
        }

        private static DefaultHttp2DataFrame data(String s, boolean end) {
            return new DefaultHttp2DataFrame(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8), end);
        }
    }

    private static Outcome call(H2Streams h2, int index, String path, long ttlMillis) {
        long start = System.nanoTime();
        return h2.call(index, path, "{}".getBytes(StandardCharsets.UTF_8), start, start + ttlMillis * 1_000_000);
    }

    @Test
    void eachAnswerIsClassifiedOnceOverSharedConnections() throws Exception {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (H2Streams h2 = H2Streams.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2)) {
            assertThat(h2.openConnections()).isEqualTo(2);
            for (int i = 0; i < 4; i++) {
                assertThat(call(h2, i, "/stream", 60_000))
                        .isInstanceOfSatisfying(
                                Outcome.Completed.class,
                                c -> assertThat(c.events()).isEqualTo(2));
            }
            assertThat(call(h2, 0, "/503", 60_000)).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
                assertThat(f.status()).isEqualTo(503);
                assertThat(f.code()).isEqualTo("no_ready_endpoint");
                assertThat(f.retryAfter()).isTrue();
            });
            assertThat(call(h2, 0, "/reset", 60_000)).isInstanceOf(Outcome.Lost.class);
            // the server never ends this stream: the client gives up at the deadline and resets it
            assertThat(call(h2, 1, "/never", 2_000)).isInstanceOf(Outcome.Hung.class);
        }
    }
}
