package io.infergate.gateway.scrape;

import io.infergate.scheduler.datastore.MetricsFetcher;
import io.infergate.scheduler.pick.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET http://host:port/metrics} over Netty: the gateway's {@link MetricsFetcher}, in place of the scheduler's
 * JDK-client {@code HttpMetricsFetcher}, which costs about ten times the parsing of a page (see
 * {@code docs/benchmarks.md}). Thread-safe; one instance serves every endpoint.
 *
 * <h2>Connections</h2>
 * One HTTP/1.1 keep-alive connection per address ({@code host:port}), reused scrape after scrape, one request at a
 * time on it (no pipelining). A fetch that finds the address's connection busy opens another one: the scraper never
 * overlaps two scrapes of one slot, but an address in two pools has a slot in each, and both are scraped at once;
 * failing the second would mark that pool's endpoint stale every tick. Those connections are kept too, so the number
 * per address is the most scrapes it ever had in flight at once. A connection closes when the server closes it or
 * says {@code Connection: close}, when a fetch on it times out (so a late answer cannot pass for the next scrape's),
 * after a malformed or oversized response, and after {@code idleTimeout} without a request, which is how connections
 * to endpoints that left every pool go away. A fetch on a reused connection that the server closed before answering
 * (it closed an idle connection as the request went out) is sent once more on a fresh connection, within the same
 * timeout.
 *
 * <h2>Threads</h2>
 * All of an address's connections live on one event loop of the group, which owns their state, so nothing is locked:
 * {@link #fetch} hands the request to that loop and returns. The future completes <b>on that event loop</b>, so the
 * scraper's callback (reading the page, ~17 µs for a 31 KiB vLLM page) runs there. That is why the gateway gives this
 * fetcher an event loop of its own ({@link #NettyMetricsFetcher(String, String)}: one thread,
 * {@value #THREAD_NAME}) rather than the proxy's workers: a tick of 100 endpoints reads pages for about 2 ms, which
 * must not delay proxied requests, and one thread does a scrape's I/O and its parsing without any hand-off.
 *
 * <h2>Errors</h2>
 * The future completes exceptionally, never with a partial body: {@link TimeoutException} after the fetch's timeout
 * (which the scraper counts as "no news"); an {@link IOException} for a non-2xx status ({@code HTTP 503 from
 * host:port/metrics}), a refused or failed connection, a connection closed mid-response, a malformed response, or a
 * body over {@code maxBodyBytes}; {@link IllegalStateException} once {@link #close closed}. Plain {@code http} only:
 * {@code https} is rejected at construction (the gateway scrapes {@code http://<address>/metrics}; the
 * {@code metrics-data-source} scheme and {@code insecureSkipVerify} parameters are not applied yet).
 */
public final class NettyMetricsFetcher implements MetricsFetcher, AutoCloseable {

    /** The largest metrics page read (a vLLM page with LoRA is ~31 KiB); a larger one fails the fetch. */
    public static final int DEFAULT_MAX_BODY_BYTES = 4 << 20;
    /** A connection without a request for this long is closed. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The name of the thread of the fetcher's own event loop. */
    public static final String THREAD_NAME = "infergate-scrape";
    // a fetch's timeout (shorter) closes a connection still connecting; this only bounds a connect nobody waits for
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    // larger than the decoder's 8 KiB default: fewer HttpContent objects per page, no extra copy either way
    private static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final String path;
    private final int maxBodyBytes;
    private final long idleNanos;
    private final Bootstrap bootstrap;
    // every connection, so close() reaches the busy ones too; with stayClosed, one connected after close() closes
    private final ChannelGroup channels;
    private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * On an event loop of its own (one thread, {@value #THREAD_NAME}), which {@link #close} shuts down; bodies up to
     * {@value #DEFAULT_MAX_BODY_BYTES} bytes, connections idle for 30 s closed.
     *
     * @param scheme {@code http} ({@code https} is not supported)
     * @param path   e.g. {@code /metrics}
     */
    public NettyMetricsFetcher(String scheme, String path) {
        this(null, scheme, path, DEFAULT_MAX_BODY_BYTES, DEFAULT_IDLE_TIMEOUT, true);
    }

    /**
     * On {@code group}, which must be NIO ({@link NioIoHandler}) and stays the caller's: {@link #close} closes the
     * connections, not the group. Futures complete on its event loops.
     *
     * @param scheme       {@code http} ({@code https} is not supported)
     * @param path         e.g. {@code /metrics}
     * @param maxBodyBytes the largest body read, > 0
     * @param idleTimeout  a connection without a request for this long is closed, > 0
     */
    public NettyMetricsFetcher(
            EventLoopGroup group, String scheme, String path, int maxBodyBytes, Duration idleTimeout) {
        this(Objects.requireNonNull(group, "group"), scheme, path, maxBodyBytes, idleTimeout, false);
    }

    /** As {@link #NettyMetricsFetcher(String, String)}, with a body limit and idle timeout (for tests). */
    public NettyMetricsFetcher(String scheme, String path, int maxBodyBytes, Duration idleTimeout) {
        this(null, scheme, path, maxBodyBytes, idleTimeout, true);
    }

    private NettyMetricsFetcher(
            EventLoopGroup groupOrNull,
            String scheme,
            String path,
            int maxBodyBytes,
            Duration idleTimeout,
            boolean ownsGroup) {
        if ("https".equals(scheme)) {
            throw new IllegalArgumentException("scheme: https is not supported by the Netty fetcher (expected: http;"
                    + " HttpMetricsFetcher speaks https)");
        }
        if (!"http".equals(scheme)) {
            throw new IllegalArgumentException("scheme: " + scheme + " (expected: http)");
        }
        if (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "path: " + path + " (expected: starting with /, printable ASCII" + " without spaces)");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
        }
        this.path = path;
        this.maxBodyBytes = maxBodyBytes;
        this.idleNanos = idleTimeout.toNanos();
        this.ownsGroup = ownsGroup;
        this.group = ownsGroup
                ? new MultiThreadIoEventLoopGroup(
                        1,
                        r -> {
                            Thread t = new FastThreadLocalThread(r, THREAD_NAME);
                            t.setDaemon(true);
                            return t;
                        },
                        NioIoHandler.newFactory())
                : groupOrNull;
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        this.channels = new DefaultChannelGroup("metrics-scrapes", GlobalEventExecutor.INSTANCE, true);
    }

    /** Never blocks: the request goes to the address's event loop, the future completes there. */
    @Override
    public CompletableFuture<byte[]> fetch(Endpoint endpoint, Duration timeout) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        long timeoutNanos = timeout.toNanos();
        if (timeoutNanos <= 0) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)"));
        }
        Address a = addresses.get(endpoint.hostPort());
        if (a == null) {
            a = addresses.computeIfAbsent(endpoint.hostPort(), hp -> new Address(endpoint));
        }
        Fetch f = new Fetch(a, timeout);
        try {
            a.loop.execute(f);
        } catch (RejectedExecutionException e) { // the group is shutting down
            f.future.completeExceptionally(
                    closed ? closedError() : new IllegalStateException("the scrape event loop is shut down", e));
        }
        return f.future;
    }

    /**
     * Closes every connection (fetches in flight fail) and, if the fetcher made its own event loop, shuts it down;
     * later fetches fail at once. Idempotent. Blocks up to a few seconds; must not be called on an event loop.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    /** Open connections (idle or busy), for tests. */
    int openConnections() {
        return channels.size();
    }

    private static IllegalStateException closedError() {
        return new IllegalStateException("metrics fetcher is closed");
    }

    private static String reason(Throwable t) {
        if (t == null) {
            return "";
        }
        String m = t.getMessage();
        return ": " + (m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
    }

    /** One address and its connections. Everything but the final fields is touched on {@link #loop} only. */
    private final class Address {

        final String hostPort;
        final InetSocketAddress remote;
        final EventLoop loop;
        /** The whole request, encoded once: it never changes for an address. */
        final byte[] request;

        final ArrayDeque<Connection> idle = new ArrayDeque<>(2);
        int open;

        Address(Endpoint e) {
            this.hostPort = e.hostPort();
            // resolved on connect, on the loop: never on the caller's thread (an endpoint's host is an IP anyway)
            this.remote = InetSocketAddress.createUnresolved(e.host(), e.port());
            this.loop = group.next();
            this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nAccept: text/plain\r\n"
                            + "Connection: keep-alive\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        void start(Fetch f) {
            if (closed) {
                f.fail(closedError());
                return;
            }
            f.timeout = loop.schedule(f::timedOut, f.timeoutNanos, TimeUnit.NANOSECONDS);
            Connection c;
            while ((c = idle.pollLast()) != null) {
                if (c.channel.isActive()) {
                    c.send(f, true);
                    return;
                }
            }
            connect(f);
        }

        void connect(Fetch f) {
            Connection c = new Connection(this);
            if (open++ == 0) {
                addresses.putIfAbsent(hostPort, this); // back in the map if its last connection just closed
            }
            ChannelFuture cf = bootstrap
                    .clone(loop)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline()
                                    .addLast(
                                            new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS),
                                            new HttpResponseDecoder(
                                                    new HttpDecoderConfig().setMaxChunkSize(MAX_CHUNK_SIZE)),
                                            c);
                        }
                    })
                    .connect(remote);
            c.channel = cf.channel();
            c.current = f;
            f.connection = c;
            channels.add(c.channel);
            c.channel.closeFuture().addListener(x -> closed(c));
            cf.addListener(c);
        }

        private void closed(Connection c) {
            idle.remove(c);
            if (--open == 0) {
                // gone until the next fetch: an endpoint that left every pool leaves nothing behind
                addresses.remove(hostPort, this);
            }
        }
    }

    /**
     * One connection: the response decoder's consumer and its connect listener. On its address's loop only;
     * {@code current} is the fetch it serves, null while idle.
     */
    private final class Connection extends ChannelInboundHandlerAdapter implements ChannelFutureListener {

        final Address address;
        Channel channel;
        Fetch current;
        Throwable lastError;
        private final ChannelFutureListener onWrite = w -> {
            if (!w.isSuccess()) {
                lastError = w.cause();
                w.channel().close(); // channelInactive fails (or resends) the fetch
            }
        };

        Connection(Address address) {
            this.address = address;
        }

        /** The connect finished. */
        @Override
        public void operationComplete(ChannelFuture cf) {
            Fetch f = current;
            if (f == null) {
                return; // timed out meanwhile, which closed the channel
            }
            if (cf.isSuccess()) {
                send(f, false);
                return;
            }
            current = null;
            channel.close();
            f.fail(
                    closed
                            ? closedError()
                            : new IOException(
                                    "cannot connect to " + address.hostPort + reason(cf.cause()), cf.cause()));
        }

        void send(Fetch f, boolean reused) {
            current = f;
            f.connection = this;
            f.reused = reused;
            channel.writeAndFlush(Unpooled.wrappedBuffer(address.request)).addListener(onWrite);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                Fetch f = current;
                if (f == null) {
                    ctx.close(); // bytes on an idle connection (or after a failed response): nothing to pair them with
                } else {
                    read(ctx, f, (HttpObject) msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void read(ChannelHandlerContext ctx, Fetch f, HttpObject msg) {
            DecoderResult result = msg.decoderResult();
            if (result.isFailure()) {
                finish(
                        f,
                        null,
                        new IOException("bad response from " + f.uri() + reason(result.cause()), result.cause()),
                        false);
                return;
            }
            if (msg instanceof HttpResponse r) {
                f.responseStarted = true;
                f.status = r.status().code();
                f.keepAlive = HttpUtil.isKeepAlive(r);
                if (f.status / 100 == 2) {
                    long length = HttpUtil.getContentLength(r, -1L);
                    if (length > maxBodyBytes) {
                        finish(f, null, tooLarge(f, length + " bytes"), false);
                        return;
                    }
                    if (length >= 0) {
                        f.body = new byte[(int) length]; // the one copy: straight from the decoder's buffer
                    } else { // chunked, or until the server closes: gather, then copy once
                        f.gathered = ctx.alloc().buffer(Math.min(MAX_CHUNK_SIZE, maxBodyBytes));
                    }
                }
            }
            if (msg instanceof HttpContent c) {
                if (f.status / 100 == 2 && !append(f, c.content())) {
                    return;
                }
                if (msg instanceof LastHttpContent) {
                    if (f.status / 100 != 2) {
                        finish(f, null, new IOException("HTTP " + f.status + " from " + f.uri()), f.keepAlive);
                    } else if (f.body != null) {
                        if (f.filled != f.body.length) {
                            finish(
                                    f,
                                    null,
                                    new IOException("response from " + f.uri() + " ended after " + f.filled + " of "
                                            + f.body.length + " bytes"),
                                    false);
                        } else {
                            finish(f, f.body, null, f.keepAlive);
                        }
                    } else {
                        byte[] body = new byte[f.gathered.readableBytes()];
                        f.gathered.readBytes(body);
                        finish(f, body, null, f.keepAlive);
                    }
                }
            }
        }

        /** False when the body is over the limit (the fetch has failed). */
        private boolean append(Fetch f, ByteBuf content) {
            int n = content.readableBytes();
            if (f.body != null) {
                if (n > f.body.length - f.filled) { // the decoder stops at Content-Length; this cannot happen
                    finish(
                            f,
                            null,
                            new IOException("response from " + f.uri() + " longer than its Content-Length"),
                            false);
                    return false;
                }
                content.readBytes(f.body, f.filled, n);
                f.filled += n;
                return true;
            }
            if (n > maxBodyBytes - f.gathered.readableBytes()) {
                finish(f, null, tooLarge(f, "more than " + maxBodyBytes + " bytes"), false);
                return false;
            }
            f.gathered.writeBytes(content);
            return true;
        }

        private IOException tooLarge(Fetch f, String size) {
            return new IOException(
                    "body of " + f.uri() + " too large: " + size + " (limit: " + maxBodyBytes + " bytes)");
        }

        /** Ends the fetch: the connection goes back to idle, or closes; then the future completes. */
        private void finish(Fetch f, byte[] body, Throwable error, boolean keep) {
            current = null;
            if (keep && !closed && channel.isActive()) {
                address.idle.addLast(this);
            } else {
                channel.close();
            }
            if (error == null) {
                f.succeed(body);
            } else {
                f.fail(error);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Fetch f = current;
            if (f == null) {
                return;
            }
            current = null;
            if (f.reused && !f.responseStarted && !closed) {
                // the server closed this idle connection as the request went out (its keep-alive timeout): the
                // request was not answered, GET is safe to send again
                address.connect(f);
                return;
            }
            f.fail(
                    closed
                            ? closedError()
                            : new IOException(
                                    "connection to " + address.hostPort + " closed before the response ended"
                                            + reason(lastError),
                                    lastError));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lastError = cause; // reported by channelInactive; not logged: the scraper shows it per endpoint
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                if (current == null) {
                    ctx.close(); // a busy connection is the fetch's timeout's business
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }

    /** One fetch. Its fields are touched on its address's loop only, apart from the future. */
    private final class Fetch implements Runnable {

        final Address address;
        final Duration timeoutDuration;
        final long timeoutNanos;
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        ScheduledFuture<?> timeout;
        Connection connection;
        boolean reused;
        boolean responseStarted;
        boolean keepAlive;
        int status;
        /** The body when its length was known up front; {@code filled} bytes so far. */
        byte[] body;

        int filled;
        /** The body so far when its length was not known; released when the fetch ends. */
        ByteBuf gathered;

        boolean done;

        Fetch(Address address, Duration timeout) {
            this.address = address;
            this.timeoutDuration = timeout;
            this.timeoutNanos = timeout.toNanos();
        }

        @Override
        public void run() {
            address.start(this);
        }

        String uri() {
            return address.hostPort + path;
        }

        void timedOut() {
            if (done) {
                return;
            }
            Connection c = connection;
            if (c != null && c.current == this) {
                c.current = null;
                c.channel.close(); // a late answer must not be read as the next scrape's
            }
            fail(new TimeoutException("timed out after " + timeoutDuration.toMillis() + " ms: GET " + uri()));
        }

        void succeed(byte[] bytes) {
            if (end()) {
                future.complete(bytes);
            }
        }

        void fail(Throwable error) {
            if (end()) {
                future.completeExceptionally(error);
            }
        }

        private boolean end() {
            if (done) {
                return false;
            }
            done = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (gathered != null) {
                gathered.release();
                gathered = null;
            }
            return true;
        }
    }
}
