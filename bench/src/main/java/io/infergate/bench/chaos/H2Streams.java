package io.infergate.bench.chaos;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests multiplexed over a fixed set of h2c connections with prior knowledge (RFC 9113 §3.3), each classified
 * into exactly one {@link Outcome} like {@link ChaosClient} does for HTTP/1.1. Request {@code i} goes on connection
 * {@code i % connections}: a run of at most {@code connections x} the gateway's per-connection stream cap (100 by
 * default) never meets that cap. Many streams then cost the gateway one descriptor per connection on the client
 * side instead of one per stream, so 10,000 streams fit a process descriptor limit of 20,000 (the upstream side
 * still holds one per stream).
 *
 * <p>{@link #call} blocks its caller until the answer ends or the deadline passes (meant for a virtual thread per
 * request) and is safe from any number of threads at once; responses are read on two Netty event loops. A
 * malformed answer is an {@link Outcome.Unmapped}, never an exception. {@link #close} closes every connection.
 */
public final class H2Streams implements AutoCloseable {

    private static final int MAX_JSON_BODY = 1 << 20;

    private final EventLoopGroup group;
    private final List<Channel> connections;

    private H2Streams(EventLoopGroup group, List<Channel> connections) {
        this.group = group;
        this.connections = connections;
    }

    /**
     * Opens {@code connections} h2c connections to {@code target}.
     *
     * @throws IOException when one does not connect (the ones opened are closed)
     */
    public static H2Streams open(InetSocketAddress target, int connections) throws IOException, InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forClient().build(),
                                        // the gateway pushes nothing: a stream it opened would be a protocol error
                                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                });
        List<Channel> open = new ArrayList<>(connections);
        try {
            for (int i = 0; i < connections; i++) {
                ChannelFuture f = b.connect(target).await();
                if (!f.isSuccess()) {
                    throw new IOException("h2c connect to " + target + ": " + f.cause(), f.cause());
                }
                open.add(f.channel());
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            open.forEach(Channel::close);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        return new H2Streams(group, List.copyOf(open));
    }

    /** Connections open now (a connection the gateway closed is not reopened). */
    public int openConnections() {
        return (int) connections.stream().filter(Channel::isActive).count();
    }

    /**
     * POSTs {@code json} to {@code path} as request {@code index} and waits for the answer until it ends, its
     * stream or connection breaks, or {@code deadlineNanos} ({@link System#nanoTime} scale) passes; then the
     * stream is reset.
     *
     * @param startNanos the request's scheduled start: every time in the outcome is measured from it
     */
    public Outcome call(int index, String path, byte[] json, long startNanos, long deadlineNanos) {
        Answer answer = new Answer(startNanos);
        // a bootstrap per stream: its handler is per stream, and a shared one would race between callers
        Future<Http2StreamChannel> opened = new Http2StreamChannelBootstrap(
                        connections.get(Math.floorMod(index, connections.size())))
                .handler(answer)
                .open();
        Http2StreamChannel stream;
        try {
            long left = deadlineNanos - System.nanoTime();
            if (!opened.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return new Outcome.Hung(false, System.nanoTime() - startNanos);
            }
            if (!opened.isSuccess()) {
                return new Outcome.Lost("open stream: " + opened.cause(), System.nanoTime() - startNanos);
            }
            stream = opened.getNow();
            Http2Headers headers = new DefaultHttp2Headers()
                    .method("POST")
                    .path(path)
                    .scheme("http")
                    .authority("127.0.0.1")
                    .add("content-type", "application/json")
                    .addInt("content-length", json.length);
            stream.write(new DefaultHttp2HeadersFrame(headers, false));
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(json), true));
            return answer.result.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Hung(answer.status >= 0, System.nanoTime() - startNanos);
        } catch (TimeoutException e) {
            opened.getNow().close(); // RST_STREAM(CANCEL)
            return new Outcome.Hung(answer.status >= 0, System.nanoTime() - startNanos);
        } catch (ExecutionException e) {
            return new Outcome.Lost("client error: " + e.getCause(), System.nanoTime() - startNanos);
        }
    }

    @Override
    public void close() {
        connections.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One stream's answer, read on its connection's event loop: the status, then either server-sent events (counted
     * like {@link ChaosClient} does: data events, an error event, {@code [DONE]}) or a whole JSON body.
     */
    private static final class Answer extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final long startNanos;
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        volatile int status = -1;
        private boolean eventStream;
        private boolean retryAfter;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private long ttft = -1;
        private int events;
        private String errorCode;
        private boolean done;

        Answer(long startNanos) {
            this.startNanos = startNanos;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            boolean end = false;
            if (frame instanceof Http2HeadersFrame h) {
                if (status < 0) {
                    head(h.headers());
                }
                end = h.isEndStream();
            } else if (frame instanceof Http2DataFrame d) {
                body(d.content());
                end = d.isEndStream();
            } else if (frame instanceof Http2ResetFrame r) {
                cut("stream reset " + r.errorCode());
                return;
            }
            if (end) {
                finish();
            }
        }

        private void head(Http2Headers h) {
            try {
                status = Integer.parseInt(String.valueOf(h.status()));
            } catch (NumberFormatException e) {
                result.complete(new Outcome.Unmapped(0, "bad :status " + h.status(), elapsed()));
                return;
            }
            CharSequence type = h.get("content-type");
            eventStream = type != null && type.toString().startsWith("text/event-stream");
            retryAfter = h.contains("retry-after");
        }

        private void body(ByteBuf content) {
            if (status == 200 && eventStream) {
                for (int i = content.readerIndex(); i < content.writerIndex(); i++) {
                    byte b = content.getByte(i);
                    if (b == '\n') {
                        line(pending.toString(StandardCharsets.UTF_8));
                        pending.reset();
                    } else if (b != '\r' && pending.size() < MAX_JSON_BODY) {
                        pending.write(b);
                    }
                }
            } else if (pending.size() < MAX_JSON_BODY) {
                pending.writeBytes(ByteBufUtil.getBytes(content));
            }
        }

        private void line(String line) {
            if (!line.startsWith("data:")) {
                return;
            }
            String data = line.substring(5).trim();
            if (data.equals("[DONE]")) {
                done = true;
            } else if (data.contains("\"error\"")) {
                errorCode = ChaosClient.errorCode(data);
            } else {
                if (ttft < 0) {
                    ttft = elapsed();
                }
                events++;
            }
        }

        private void finish() {
            long t = elapsed();
            if (status == 200 && eventStream) {
                if (errorCode != null) {
                    result.complete(new Outcome.Failed(200, errorCode, false, t));
                } else if (done) {
                    result.complete(new Outcome.Completed(ttft < 0 ? t : ttft, t, events));
                } else {
                    result.complete(new Outcome.Unmapped(200, "stream ended without [DONE]", t));
                }
                return;
            }
            if (status == 200) {
                result.complete(new Outcome.Completed(t, t, 1));
                return;
            }
            String text = pending.toString(StandardCharsets.UTF_8);
            String code = ChaosClient.errorCode(text);
            if (code == null) {
                result.complete(new Outcome.Unmapped(status, "error body not OpenAI-style", t));
            } else if (!ChaosClient.mappedStatus(status)) {
                result.complete(new Outcome.Unmapped(status, "status " + status + " " + code, t));
            } else {
                result.complete(new Outcome.Failed(status, code, retryAfter, t));
            }
        }

        private void cut(String why) {
            long t = elapsed();
            result.complete(status < 0 ? new Outcome.Lost(why, t) : new Outcome.Unmapped(status, "cut: " + why, t));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof Http2ResetFrame r) {
                cut("stream reset " + r.errorCode()); // the multiplexer hands a peer's RST_STREAM on as an event
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cut("stream closed"); // a no-op after a complete answer
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            cut(String.valueOf(cause));
            ctx.close();
        }

        private long elapsed() {
            return System.nanoTime() - startNanos;
        }
    }
}
