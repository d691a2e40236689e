package io.infergate.bench.realtime;

import io.infergate.bench.load.OpenLoopLoad;
import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.workload.RequestBodies;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.scheduler.model.ModelHeaders;
import io.infergate.scheduler.pipeline.ParsedRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An open-loop load generator for streamed completions: sends a workload's requests to one target (a gateway, a
 * proxy or a model server) at their scheduled times and measures what a streaming client sees.
 *
 * <p><b>Open loop.</b> Request {@code i} is due at {@code start + arrivalNanos}; a pacer (the thread that calls
 * {@link #run}) waits for that moment and hands the request to one Netty event loop, which owns every connection.
 * Every latency (TTFT, end-to-end) is measured from the scheduled time, never from when a connection was free or the
 * request actually went out, so a target that stalls is charged for every request that should have been sent
 * meanwhile (no coordinated omission). There is no connection limit: a request that finds no idle keep-alive
 * connection opens a new one, so a stream never waits for another to end.
 *
 * <p><b>What is measured.</b> Each request is one {@code POST <base>/v1/completions} with
 * {@link RequestBodies#completion} as body, {@code x-session-id} (the request's session, when it has one) and
 * {@code x-gateway-inference-fairness-id} (its fairness id, when it has one). The response's server-sent events
 * ({@code data: {...}} and {@code data: [DONE]}) are parsed as they arrive: TTFT is the first chunk with non-empty
 * text ({@code choices[0].text}, or {@code choices[0].delta.content} for chat chunks); every gap between two such
 * chunks goes into the inter-token histogram (all streams, completed or not: they are what the client saw); the
 * final usage chunk gives {@code completion_tokens} (else the text chunks are counted), {@code prompt_tokens} (else
 * the workload's estimate) and {@code prompt_tokens_details.cached_tokens} (else -1).
 *
 * <p><b>Outcomes.</b> Every scheduled request yields exactly one {@link RequestRecord}: {@code OK} for a 200 whose
 * stream ended with {@code [DONE]} after at least one token and no error event; {@code SHED} for a 429; {@code
 * FAILED} for any other status, an error event inside the stream, a stream that broke or ended without
 * {@code [DONE]}, a connection that could not be opened, and a request not finished within the timeout (counted
 * from its scheduled time; its connection is closed). A request whose reused keep-alive connection turns out closed
 * by the server before any response byte arrived is sent once more on a new connection (the race every HTTP
 * client has with idle timeouts), its clock still running from the scheduled time. The priority of the workload
 * request is carried into the record (the gateway derives its own from InferenceObjectives); the serving
 * endpoint is unknown to a client ({@code -1}).
 *
 * <p><b>Threading.</b> Instances are immutable; {@link #run} blocks its caller for the whole run and may be called
 * from several threads at once (each run has its own event loop, shut down before it returns). It must not be called
 * on a Netty event loop.
 */
public final class StreamingLoad {

    /** The session-affinity header. */
    public static final AsciiString SESSION_ID = AsciiString.cached(ParsedRequest.SESSION_ID_HEADER);
    /** The flow-control fairness (tenant) header. */
    public static final AsciiString FAIRNESS_ID = AsciiString.cached(ModelHeaders.FAIRNESS_ID);

    /** Idle keep-alive connections older than this are not reused: below common server idle timeouts (5 s). */
    static final long IDLE_LIMIT_NANOS = Duration.ofSeconds(2).toNanos();

    /** Time after the last request's timeout that {@link #run} still waits for the event loop before giving up. */
    private static final long GRACE_NANOS = Duration.ofSeconds(10).toNanos();

    private static final JsonMapper JSON = JsonMapper.shared();

    /**
     * The outcome of one run.
     *
     * @param records    one per scheduled request, in schedule order
     * @param itlMicros  every gap between consecutive token chunks of a stream, microseconds
     * @param startNanos the run's time zero on the load's clock (request {@code i} was due at
     *                   {@code startNanos + arrivalNanos})
     * @param endNanos   when the last request ended (its last byte, failure or timeout)
     */
    public record Result(List<RequestRecord> records, Histogram itlMicros, long startNanos, long endNanos) {
        public Result {
            records = List.copyOf(records);
            Objects.requireNonNull(itlMicros, "itlMicros");
        }

        /** First scheduled send to the last end, seconds. */
        public double wallSeconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    private final String host;
    private final int port;
    private final String path;
    private final Duration timeout;
    private final OpenLoopLoad.Clock clock;

    /**
     * Load against {@code target}, a base URL such as {@code http://127.0.0.1:8080} (a path is kept as a prefix of
     * {@link RequestBodies#PATH}).
     *
     * @param timeout the longest a request may take from its scheduled time, {@code > 0}
     * @param clock   time source and waiting; tests pass a fake one
     * @throws IllegalArgumentException for a URL that is not {@code http://HOST[:PORT][/PREFIX]} or a timeout
     *                                  {@code <= 0}
     */
    public StreamingLoad(URI target, Duration timeout, OpenLoopLoad.Clock clock) {
        Objects.requireNonNull(target, "target");
        if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null || target.getRawQuery() != null) {
            throw new IllegalArgumentException("target: " + target + " (expected: http://HOST[:PORT][/PREFIX])");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        this.host = target.getHost();
        this.port = target.getPort() > 0 ? target.getPort() : 80;
        String prefix = target.getRawPath() == null ? "" : target.getRawPath().replaceAll("/+$", "");
        this.path = prefix + RequestBodies.PATH;
        this.timeout = timeout;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public StreamingLoad(URI target, Duration timeout) {
        this(target, timeout, OpenLoopLoad.Clock.SYSTEM);
    }

    /** The URL the requests are posted to. */
    public URI url() {
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path);
    }

    /**
     * Sends {@code requests} at their {@code arrivalNanos} (from now) and waits until every one has ended (at the
     * latest its timeout after its scheduled time).
     *
     * @param requests in non-decreasing arrival order (a later request due earlier is sent late, and charged)
     * @throws InterruptedException if interrupted while pacing or waiting; the run is then shut down
     */
    public Result run(List<WorkloadRequest> requests) throws InterruptedException {
        Run run = new Run(requests.size());
        try {
            long start = clock.nanoTime();
            run.start = start;
            run.lastEnd = start;
            long lastDue = start;
            for (int i = 0; i < requests.size(); i++) {
                WorkloadRequest r = requests.get(i);
                byte[] body = RequestBodies.completion(r); // before the wait, so encoding never delays the send
                long due = start + r.arrivalNanos();
                lastDue = Math.max(lastDue, due);
                clock.awaitUntil(due);
                Exchange ex = new Exchange(i, r, due, body);
                run.loop.execute(() -> run.submit(ex));
            }
            if (!run.done.await(
                    Math.max(0, lastDue + timeout.toNanos() - clock.nanoTime()) + GRACE_NANOS, TimeUnit.NANOSECONDS)) {
                // only if the event loop itself was stuck: whatever has no record yet failed
                CountDownLatch filled = new CountDownLatch(1);
                run.loop.execute(() -> {
                    run.failUnfinished(requests);
                    filled.countDown();
                });
                filled.await(5, TimeUnit.SECONDS);
            }
            return run.result();
        } finally {
            run.close();
        }
    }

    /** One run; everything but the latch and the constants is touched on the event loop only. */
    private final class Run {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final EventLoop loop = group.next();
        final Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .remoteAddress(host, port);
        final RequestRecord[] records;
        final Histogram itl = new Histogram(3_600_000_000L, 3);
        final ArrayDeque<Conn> idle = new ArrayDeque<>();
        final CountDownLatch done = new CountDownLatch(1);
        int remaining;
        volatile long start; // written by the pacer before the first submit, read on the loop
        long lastEnd;

        Run(int n) {
            records = new RequestRecord[n];
            remaining = n;
            if (n == 0) {
                done.countDown();
            }
        }

        void submit(Exchange ex) {
            long delay = ex.due + timeout.toNanos() - clock.nanoTime();
            ex.timer = loop.schedule(() -> timedOut(ex), Math.max(0, delay), TimeUnit.NANOSECONDS);
            Conn c = pollIdle();
            if (c != null) {
                c.send(ex, true);
            } else {
                connect(ex);
            }
        }

        /** The most recently used live idle connection (least likely to be timed out by the server), or null. */
        Conn pollIdle() {
            long now = clock.nanoTime();
            for (Conn c; (c = idle.pollLast()) != null; ) {
                if (c.ch.isActive() && now - c.idleSince < IDLE_LIMIT_NANOS) {
                    return c;
                }
                c.ch.close();
            }
            return null;
        }

        void connect(Exchange ex) {
            Conn conn = new Conn(this);
            bootstrap
                    .clone()
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), conn);
                        }
                    })
                    .connect()
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            if (ex.finished) { // timed out while connecting
                                conn.release();
                            } else {
                                conn.send(ex, false);
                            }
                        } else {
                            finish(
                                    ex,
                                    RequestRecord.failed(
                                            ex.request.arrivalNanos(),
                                            0,
                                            ex.request.priority(),
                                            ex.request.inputTokens()));
                        }
                    });
        }

        void timedOut(Exchange ex) {
            if (ex.finished) {
                return;
            }
            Conn c = ex.conn;
            finish(
                    ex,
                    RequestRecord.failed(
                            ex.request.arrivalNanos(), ex.status, ex.request.priority(), ex.request.inputTokens()));
            if (c != null) {
                c.ex = null;
                c.ch.close();
            }
        }

        void finish(Exchange ex, RequestRecord record) {
            if (ex.finished) {
                return;
            }
            ex.finished = true;
            if (ex.timer != null) {
                ex.timer.cancel(false);
            }
            records[ex.index] = record;
            lastEnd = Math.max(lastEnd, clock.nanoTime());
            if (--remaining == 0) {
                done.countDown();
            }
        }

        void failUnfinished(List<WorkloadRequest> requests) {
            for (int i = 0; i < records.length; i++) {
                if (records[i] == null) {
                    WorkloadRequest r = requests.get(i);
                    records[i] = RequestRecord.failed(r.arrivalNanos(), 0, r.priority(), r.inputTokens());
                }
            }
            lastEnd = Math.max(lastEnd, clock.nanoTime());
        }

        Result result() throws InterruptedException {
            CountDownLatch copied = new CountDownLatch(1);
            Result[] out = new Result[1];
            loop.execute(() -> {
                out[0] = new Result(Arrays.asList(records.clone()), itl.copy(), start, lastEnd);
                copied.countDown();
            });
            copied.await();
            return out[0];
        }

        void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One request in flight. Event loop only (after construction by the pacer). */
    private static final class Exchange {
        final int index;
        final WorkloadRequest request;
        final long due;
        final byte[] body;
        ScheduledFuture<?> timer;
        Conn conn;
        boolean finished;
        boolean retried;
        boolean responded; // any response byte arrived
        int status;
        long firstToken = -1;
        long lastToken;
        int textChunks;
        int usageOutput = -1;
        int usagePrompt = -1;
        int usageCached = -1;
        boolean doneSeen;
        boolean streamError;

        Exchange(int index, WorkloadRequest request, long due, byte[] body) {
            this.index = index;
            this.request = request;
            this.due = due;
            this.body = body;
        }
    }

    /** One keep-alive connection carrying at most one stream at a time; parses its server-sent events. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        final Run run;
        Channel ch;
        Exchange ex;
        boolean reused;
        boolean keepAlive;
        long idleSince;
        byte[] line = new byte[512];
        int lineLength;

        Conn(Run run) {
            this.run = run;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ch = ctx.channel();
        }

        void send(Exchange e, boolean fromPool) {
            ex = e;
            e.conn = this;
            reused = fromPool;
            keepAlive = true;
            lineLength = 0;
            FullHttpRequest req = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(e.body));
            req.headers()
                    .set(HttpHeaderNames.HOST, host + ":" + port)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                    .set(HttpHeaderNames.CONTENT_LENGTH, e.body.length);
            if (!e.request.sessionId().isEmpty()) {
                req.headers().set(SESSION_ID, e.request.sessionId());
            }
            if (!e.request.fairnessId().isEmpty()) {
                req.headers().set(FAIRNESS_ID, e.request.fairnessId());
            }
            ch.writeAndFlush(req).addListener(f -> {
                if (!f.isSuccess()) {
                    ch.close(); // channelInactive decides: retry or fail
                }
            });
        }

        /** Back to the pool, or closed when the server wants it closed. */
        void release() {
            ex = null;
            if (keepAlive && ch.isActive()) {
                idleSince = clock.nanoTime();
                run.idle.addLast(this);
            } else {
                ch.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                Exchange e = ex;
                if (e == null) {
                    return; // the rest of a response whose request already timed out
                }
                long now = clock.nanoTime();
                if (msg instanceof HttpResponse r) {
                    e.responded = true;
                    e.status = r.status().code();
                    keepAlive = HttpUtil.isKeepAlive(r);
                }
                if (msg instanceof HttpContent c) {
                    e.responded = true;
                    if (e.status == 200) {
                        feed(e, c.content(), now);
                    }
                    if (msg instanceof LastHttpContent) {
                        ended(e);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void ended(Exchange e) {
            WorkloadRequest r = e.request;
            RequestRecord record;
            if (e.status == 200 && e.doneSeen && !e.streamError && e.firstToken >= 0) {
                long end = clock.nanoTime();
                int output = e.usageOutput >= 1 ? e.usageOutput : e.textChunks;
                record = RequestRecord.ok(
                        r.arrivalNanos(),
                        r.priority(),
                        e.usagePrompt >= 0 ? e.usagePrompt : r.inputTokens(),
                        e.usageCached,
                        output,
                        Math.max(0, e.firstToken - e.due),
                        Math.max(0, end - e.due),
                        -1);
            } else if (e.status == 429) {
                record = RequestRecord.shed(r.arrivalNanos(), 429, r.priority(), r.inputTokens());
            } else {
                record = RequestRecord.failed(r.arrivalNanos(), e.status, r.priority(), r.inputTokens());
            }
            run.finish(e, record);
            release();
        }

        /** Splits {@code buf} into lines; each {@code data:} line is one event. */
        private void feed(Exchange e, ByteBuf buf, long now) {
            for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
                byte b = buf.getByte(i);
                if (b == '\n') {
                    line(e, now);
                    lineLength = 0;
                } else {
                    if (lineLength == line.length) {
                        line = Arrays.copyOf(line, line.length * 2);
                    }
                    line[lineLength++] = b;
                }
            }
        }

        private void line(Exchange e, long now) {
            int n = lineLength;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            if (n < 5 || line[0] != 'd' || line[1] != 'a' || line[2] != 't' || line[3] != 'a' || line[4] != ':') {
                return; // blank separator, comment, or another field
            }
            int from = 5;
            while (from < n && line[from] == ' ') {
                from++;
            }
            if (n - from == 6
                    && line[from] == '['
                    && new String(line, from, 6, StandardCharsets.US_ASCII).equals("[DONE]")) {
                e.doneSeen = true;
                return;
            }
            JsonNode event;
            try {
                event = JSON.readTree(line, from, n - from);
            } catch (JacksonException bad) {
                e.streamError = true;
                return;
            }
            event(e, event, now);
        }

        private void event(Exchange e, JsonNode event, long now) {
            if (event == null || !event.isObject() || event.has("error")) {
                e.streamError = true;
                return;
            }
            JsonNode choice = event.path("choices").path(0);
            JsonNode text = choice.has("text")
                    ? choice.get("text")
                    : choice.path("delta").path("content");
            if (text.isString() && !text.asString().isEmpty()) {
                if (e.firstToken < 0) {
                    e.firstToken = now;
                } else {
                    run.itl.recordValue(Math.max(0, (now - e.lastToken) / 1000));
                }
                e.lastToken = now;
                e.textChunks++;
            }
            JsonNode usage = event.get("usage");
            if (usage != null && usage.isObject()) {
                e.usageOutput = usage.path("completion_tokens").asInt(-1);
                e.usagePrompt = usage.path("prompt_tokens").asInt(-1);
                JsonNode cached = usage.path("prompt_tokens_details").path("cached_tokens");
                e.usageCached = cached.isNumber() ? cached.asInt() : -1;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            run.idle.remove(this);
            Exchange e = ex;
            ex = null;
            if (e == null || e.finished) {
                return;
            }
            if (reused && !e.responded && !e.retried) {
                // the server closed an idle connection just as we reused it: nothing was served, try a new one
                e.retried = true;
                e.conn = null;
                run.connect(e);
                return;
            }
            WorkloadRequest r = e.request;
            run.finish(e, RequestRecord.failed(r.arrivalNanos(), e.status, r.priority(), r.inputTokens()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
