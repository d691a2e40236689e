package io.infergate.bench.stub;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

/**
 * A trivial OpenAI-shaped model server for measuring proxies: it answers at once, so what a client measures
 * through a proxy minus what it measures directly is the proxy's own cost, not a model server's queueing.
 *
 * <p>{@code POST /v1/chat/completions} and {@code POST /v1/completions} get a fixed, small, non-streamed
 * completion (one token, {@code "ok"}) whose {@code model} echoes the request's top-level {@code model}, with a
 * {@code usage} block ({@code prompt_tokens} = body bytes / 4), {@code Content-Length} framing and keep-alive
 * unless the client asked to close. A {@code "stream": true} request still gets the JSON answer. {@code GET
 * /v1/models} answers an empty list (readiness probes), {@code GET /stats} the counters of {@link #stats()}.
 *
 * <p>Bad input: a body that is not a JSON object with a string {@code model} gets 400 in the OpenAI error shape;
 * other paths 404, other methods 405; an undecodable request 400 and the connection closes. Nothing throws out of
 * a handler.
 *
 * <p>Threading: one Netty NIO group (default one thread, so the stub stays on the core it is pinned to) serves
 * every port; handlers never block. {@link #start} and {@link #close} block and must not be called from an event
 * loop; {@link #stats} and {@link #ports} are safe from any thread.
 */
public final class StubBackend implements AutoCloseable {

    /** Largest request body accepted (the gateway's default limit). */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    static final String CHAT = "/v1/chat/completions";
    static final String COMPLETIONS = "/v1/completions";
    static final String MODELS = "/v1/models";
    static final String STATS = "/stats";

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * What the stub has seen since it started.
     *
     * @param connections client connections accepted (through a keep-alive proxy: the proxy's upstream
     *                    connections, so a pool miss shows up here)
     * @param requests    requests answered, any status
     * @param bodyBytes   request body bytes received
     */
    public record Stats(long connections, long requests, long bodyBytes) {
        String json() {
            return "{\"connections\":" + connections + ",\"requests\":" + requests + ",\"body_bytes\":" + bodyBytes
                    + "}";
        }
    }

    private final Counters counters = new Counters();
    private final EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private boolean closed;

    private StubBackend(int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /**
     * Binds {@code count} consecutive ports from {@code firstPort} on {@code host} ({@code firstPort} 0: that many
     * ephemeral ports), all served by {@code threads} event loops.
     *
     * @throws IllegalArgumentException for a count or thread number below 1 or a port range past 65535
     * @throws IllegalStateException    when a port cannot be bound (nothing stays bound)
     */
    public static StubBackend start(String host, int firstPort, int count, int threads) {
        Objects.requireNonNull(host, "host");
        if (count < 1 || threads < 1) {
            throw new IllegalArgumentException("ports: " + count + ", threads: " + threads + " (expected: >= 1)");
        }
        if (firstPort < 0 || (firstPort > 0 && firstPort + count - 1 > 65535)) {
            throw new IllegalArgumentException(
                    "port: " + firstPort + " with " + count + " ports (expected: 0, or a range within 1..65535)");
        }
        StubBackend stub = new StubBackend(threads);
        ServerBootstrap b = new ServerBootstrap()
                .group(stub.group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        stub.counters.connections.increment();
                        ch.pipeline().addLast(pipeline(stub.counters));
                    }
                });
        try {
            for (int i = 0; i < count; i++) {
                int port = firstPort == 0 ? 0 : firstPort + i;
                try {
                    stub.listeners.add(b.bind(host, port).syncUninterruptibly().channel());
                } catch (Exception e) {
                    throw new IllegalStateException("cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            stub.close();
            throw e;
        }
        return stub;
    }

    /** The bound ports, in order. */
    public List<Integer> ports() {
        return listeners.stream()
                .map(c -> ((InetSocketAddress) c.localAddress()).getPort())
                .toList();
    }

    public Stats stats() {
        return counters.snapshot();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel c : listeners) {
            c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /**
     * The top-level {@code model} of a JSON object body, or null when the body is not a JSON object or has no
     * string {@code model}. Reads only up to that field: other values are skipped, not built.
     */
    static String model(ByteBuf body) {
        try (JsonParser p = JSON.createParser((InputStream) new ByteBufInputStream(body.duplicate()))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("model".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? p.getString() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (JacksonException e) {
            return null; // malformed JSON
        }
    }

    /** The completion answered to a request for {@code model} on {@code path} with a body of {@code bodyBytes}. */
    static byte[] completion(String path, String model, int bodyBytes) {
        String m = new String(JsonStringEncoder.getInstance().quoteAsCharArray(model));
        int prompt = Math.max(1, bodyBytes / 4);
        String choice = CHAT.equals(path)
                ? "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"logprobs\":null,"
                        + "\"finish_reason\":\"length\"}"
                : "{\"index\":0,\"text\":\"ok\",\"logprobs\":null,\"finish_reason\":\"length\"}";
        return ("{\"id\":\"cmpl-stub\",\"object\":\"" + (CHAT.equals(path) ? "chat.completion" : "text_completion")
                        + "\",\"created\":0,\"model\":\"" + m + "\",\"choices\":[" + choice
                        + "],\"usage\":{\"prompt_tokens\":"
                        + prompt + ",\"completion_tokens\":1,\"total_tokens\":" + (prompt + 1) + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] error(int status, String message) {
        String msg = new String(JsonStringEncoder.getInstance().quoteAsCharArray(message));
        return ("{\"error\":{\"message\":\"" + msg + "\",\"type\":\"invalid_request_error\",\"param\":null,"
                        + "\"code\":" + status + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static final class Counters {
        final LongAdder connections = new LongAdder();
        final LongAdder requests = new LongAdder();
        final LongAdder bodyBytes = new LongAdder();

        Stats snapshot() {
            return new Stats(connections.sum(), requests.sum(), bodyBytes.sum());
        }
    }

    /** One per connection, on its event loop. */
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Counters counters;

        Handler(Counters counters) {
            this.counters = counters;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            counters.requests.increment();
            if (req.decoderResult().isFailure()) {
                respond(ctx, HttpResponseStatus.BAD_REQUEST, error(400, "malformed HTTP request"), false);
                return;
            }
            int bodyBytes = req.content().readableBytes();
            counters.bodyBytes.add(bodyBytes);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String uri = req.uri();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            boolean post = HttpMethod.POST.equals(req.method());
            boolean get = HttpMethod.GET.equals(req.method());
            switch (path) {
                case CHAT, COMPLETIONS -> {
                    if (!post) {
                        respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, error(405, "use POST"), keepAlive);
                        return;
                    }
                    String model = model(req.content());
                    if (model == null) {
                        respond(
                                ctx,
                                HttpResponseStatus.BAD_REQUEST,
                                error(400, "the body must be a JSON object with a string model"),
                                keepAlive);
                        return;
                    }
                    respond(ctx, HttpResponseStatus.OK, completion(path, model, bodyBytes), keepAlive);
                }
                case MODELS, STATS -> {
                    if (!get) {
                        respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, error(405, "use GET"), keepAlive);
                        return;
                    }
                    byte[] json = MODELS.equals(path)
                            ? "{\"object\":\"list\",\"data\":[]}".getBytes(StandardCharsets.UTF_8)
                            : counters.snapshot().json().getBytes(StandardCharsets.UTF_8);
                    respond(ctx, HttpResponseStatus.OK, json, keepAlive);
                }
                default -> respond(ctx, HttpResponseStatus.NOT_FOUND, error(404, "no such path: " + path), keepAlive);
            }
        }

        private static void respond(
                ChannelHandlerContext ctx, HttpResponseStatus status, byte[] json, boolean keepAlive) {
            FullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    status,
                    ctx.alloc().buffer(json.length).writeBytes(json));
            r.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The handlers of one connection, counting into {@code counters} (tests put them in an EmbeddedChannel). */
    static ChannelHandler[] pipeline(Counters counters) {
        // large chunks: a 200 KiB body arrives in a few pieces, not 25 of the default 8 KiB
        return new ChannelHandler[] {
            new HttpServerCodec(4096, 16384, 1 << 20), new HttpObjectAggregator(MAX_BODY_BYTES), new Handler(counters)
        };
    }
}
