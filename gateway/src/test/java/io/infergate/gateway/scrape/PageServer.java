package io.infergate.gateway.scrape;

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
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A metrics endpoint on an ephemeral loopback port whose answer each test chooses ({@link #respond}), and which
 * counts the connections it accepted and saw closed. Netty, so that a test can hold an answer back, chunk it, or
 * close the connection after it.
 */
final class PageServer implements AutoCloseable {

    /** Answers one request, on the server's event loop. */
    @FunctionalInterface
    interface Responder {
        void respond(ChannelHandlerContext ctx, FullHttpRequest request);
    }

    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    /** The headers of every request, in order. */
    final List<HttpHeaders> requests = new CopyOnWriteArrayList<>();

    final List<String> uris = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private volatile Responder responder;

    PageServer(Responder responder) {
        this.responder = responder;
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.incrementAndGet();
                        ch.closeFuture().addListener(f -> closed.incrementAndGet());
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(1 << 20),
                                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                                            @Override
                                            protected void channelRead0(
                                                    ChannelHandlerContext ctx, FullHttpRequest req) {
                                                requests.add(req.headers().copy());
                                                uris.add(req.uri());
                                                PageServer.this.responder.respond(ctx, req);
                                            }
                                        });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .syncUninterruptibly()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    void respond(Responder r) {
        this.responder = r;
    }

    /** 200 with a Content-Length. */
    static Responder page(byte[] body) {
        return (ctx, req) -> ctx.writeAndFlush(full(HttpResponseStatus.OK, body));
    }

    /** 200, then the server closes the connection (without saying so in a header). */
    static Responder pageThenClose(byte[] body) {
        return (ctx, req) ->
                ctx.writeAndFlush(full(HttpResponseStatus.OK, body)).addListener(ChannelFutureListener.CLOSE);
    }

    static Responder status(HttpResponseStatus status, byte[] body) {
        return (ctx, req) -> ctx.writeAndFlush(full(status, body));
    }

    /** 200, {@code Transfer-Encoding: chunked}, the body in {@code pieces} chunks, each flushed on its own. */
    static Responder chunked(byte[] body, int pieces) {
        return (ctx, req) -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpHeaders h = head.headers();
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4");
            ctx.writeAndFlush(head);
            int step = (body.length + pieces - 1) / pieces;
            for (int from = 0; from < body.length; from += step) {
                byte[] piece = Arrays.copyOfRange(body, from, Math.min(body.length, from + step));
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(piece)));
            }
            ctx.writeAndFlush(new DefaultLastHttpContent());
        };
    }

    /** 200 with neither Content-Length nor chunking: the body ends when the server closes the connection. */
    static Responder untilClose(byte[] body) {
        return (ctx, req) -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.write(head);
            ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)))
                    .addListener(ChannelFutureListener.CLOSE);
        };
    }

    private static FullHttpResponse full(HttpResponseStatus status, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
