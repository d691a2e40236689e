package io.infergate.gateway.proxy;

import io.infergate.testing.Patience;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/2 client with prior knowledge (cleartext, no upgrade), for tests: one connection, one stream per
 * request, responses collected as status, headers and body chunks in arrival order.
 */
final class H2TestClient implements AutoCloseable {

    /** One stream's response; {@code body} is the chunks joined; {@code reset} when it ended without an end of stream. */
    record Response(int status, HttpHeaders headers, List<String> chunks, boolean reset) {
        String body() {
            return String.join("", chunks);
        }
    }

    /** A stream in flight: its channel (close it to reset the stream), the chunks so far, and the outcome. */
    record Exchange(Http2StreamChannel stream, List<String> chunks, CompletableFuture<Response> response) {}

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;

    H2TestClient(int port) throws InterruptedException {
        connection = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forClient().build(),
                                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
    }

    boolean isOpen() {
        return connection.isActive();
    }

    static FullHttpRequest post(String path, String json, String... headers) {
        FullHttpRequest r = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.HOST, "gateway.test");
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().set(headers[i], headers[i + 1]);
        }
        return r;
    }

    static FullHttpRequest get(String path) {
        FullHttpRequest r =
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.HOST, "gateway.test");
        return r;
    }

    /** Opens a stream and sends {@code request} on it. */
    Exchange send(FullHttpRequest request) throws InterruptedException {
        List<String> chunks = new CopyOnWriteArrayList<>();
        CompletableFuture<Response> done = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline()
                                .addLast(new Http2StreamFrameToHttpObjectCodec(false), new Collector(chunks, done));
                    }
                })
                .open()
                .sync()
                .getNow();
        stream.writeAndFlush(request);
        return new Exchange(stream, chunks, done);
    }

    /** Sends and waits for the whole response. */
    Response exchange(FullHttpRequest request) throws Exception {
        return send(request).response().get(Patience.SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        connection.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static final class Collector extends SimpleChannelInboundHandler<HttpObject> {
        private final List<String> chunks;
        private final CompletableFuture<Response> done;
        private HttpResponse head;

        Collector(List<String> chunks, CompletableFuture<Response> done) {
            this.chunks = chunks;
            this.done = done;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse r) {
                head = r;
            }
            if (msg instanceof HttpContent c) {
                if (c.content().isReadable()) {
                    chunks.add(c.content().toString(StandardCharsets.UTF_8));
                }
                if (c instanceof LastHttpContent) {
                    done.complete(new Response(head.status().code(), head.headers(), List.copyOf(chunks), false));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(new Response(
                    head == null ? -1 : head.status().code(),
                    head == null ? null : head.headers(),
                    List.copyOf(chunks),
                    true));
        }
    }
}
