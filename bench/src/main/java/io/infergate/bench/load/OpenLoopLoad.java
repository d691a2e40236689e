package io.infergate.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 load generator for non-streaming completions, in two modes.
 *
 * <p><b>Open loop</b> ({@link #openLoop}): requests arrive at a fixed rate (Poisson or evenly spaced) whatever
 * the server does. Each request has an intended send time from the schedule; its latency is measured from that
 * time, not from when it actually went out, so a server that stalls is charged for every request that should
 * have been sent meanwhile (no coordinated omission). A pacer thread waits for each intended time and hands the
 * request to one Netty event loop, which owns all connections: a pool of keep-alive connections (optionally
 * opened before the schedule starts), a new one opened whenever all are busy (up to {@code maxConnections}; beyond
 * that requests wait, their clock running). Idle connections are reused first in, first out, so every connection
 * of the pool (and whatever a proxy keeps per client connection) stays in use.
 *
 * <p><b>Closed loop</b> ({@link #closedLoop}): {@code connections} keep-alive connections, each sending the next
 * request as soon as the previous response ended; the completed requests per second are the saturation
 * throughput. Latency is measured from the actual send.
 *
 * <p><b>Interleaved targets</b> ({@link #interleaved}): several URLs take turns in slices of the same open-loop
 * schedule (slice 0 to the first, slice 1 to the second, ...), each with its own connection pool and histograms,
 * so that on a shared machine every target sees the same background noise, not one quiet minute and one busy one.
 *
 * <p>Every request carries the same POST body (see {@link #body}). A response counts as an error when its
 * status is not 2xx, the connection fails or closes mid-request, or it has not ended when the drain time after
 * the run is over. Latencies are recorded in microseconds for successful requests only.
 */
public final class OpenLoopLoad {

    /** How arrivals are spaced. */
    public enum Arrivals {
        /** Exponential gaps (a Poisson process). */
        POISSON,
        /** Equal gaps of 1/rate. */
        CONSTANT
    }

    /** Time source and waiting, replaceable so tests run the schedule in virtual time. */
    public interface Clock {
        long nanoTime();

        /** Returns when {@link #nanoTime} has reached {@code deadline}. */
        void awaitUntil(long deadline);

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void awaitUntil(long deadline) {
                for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left);
                }
            }
        };
    }

    /** Called on the event loop for every finished request (tests use it to see the schedule). */
    public interface Observer {
        void finished(long index, long intendedNanos, long sentNanos, long endNanos, boolean ok);

        /** The run's time zero (arrival offsets count from it); called once, before any request. */
        default void started(long startNanos) {}

        /** A new connection was established at {@code nanos} (on the event loop). */
        default void connected(long nanos) {}

        Observer NONE = (i, intended, sent, end, ok) -> {};
    }

    /**
     * @param latencyMicros  latency of the successful requests in the measured window (open loop: from the
     *                       intended send time)
     * @param serviceMicros  the same requests from the moment they were written (what a closed-loop tool sees)
     * @param scheduled      requests the schedule produced in the measured window (open loop; closed loop: sent)
     * @param completed      successful responses in the measured window
     * @param errors         failed requests in the measured window (status, connection, or not done in time)
     * @param seconds        the measured window
     * @param connections    connections opened over the whole run
     * @param sent           requests written over the whole run, warm-up included (what the target carried)
     */
    public record Result(
            Histogram latencyMicros,
            Histogram serviceMicros,
            long scheduled,
            long completed,
            long errors,
            double seconds,
            int connections,
            long sent) {
        public double achievedRate() {
            return completed / seconds;
        }
    }

    private final List<URI> targets;
    private final byte[] body;
    private final Clock clock;
    private final Observer observer;
    private final Duration drain;

    /** Load against {@code targets} (one for {@link #openLoop} and {@link #closedLoop}), each sent {@code body}. */
    public OpenLoopLoad(List<URI> targets, byte[] body, Clock clock, Observer observer, Duration drain) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("no target");
        }
        for (URI target : targets) {
            if (target.getHost() == null) {
                throw new IllegalArgumentException("target needs a host: " + target);
            }
        }
        this.targets = List.copyOf(targets);
        this.body = body.clone();
        this.clock = clock;
        this.observer = observer;
        this.drain = drain;
    }

    public OpenLoopLoad(URI target, byte[] body, Clock clock, Observer observer, Duration drain) {
        this(List.of(target), body, clock, observer, drain);
    }

    public OpenLoopLoad(URI target, byte[] body) {
        this(target, body, Clock.SYSTEM, Observer.NONE, Duration.ofSeconds(10));
    }

    /**
     * A completion request for {@code model} whose prompt is padded so that the JSON is exactly
     * {@code bodyBytes} bytes long (or as short as it can be): {@code max_tokens} 1, not streamed.
     */
    public static byte[] body(String model, int bodyBytes) {
        return padded(
                "{\"model\":\"" + quote(model) + "\",\"prompt\":\"",
                "\",\"max_tokens\":1,\"stream\":false}",
                bodyBytes);
    }

    /**
     * A chat completion request for {@code model} with one user message padded so that the JSON is exactly
     * {@code bodyBytes} bytes long (or as short as it can be): {@code max_tokens} 1, not streamed.
     */
    public static byte[] chatBody(String model, int bodyBytes) {
        return padded(
                "{\"model\":\"" + quote(model) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"",
                "\"}],\"max_tokens\":1,\"stream\":false}",
                bodyBytes);
    }

    /** {@link #chatBody} when {@code target}'s path ends with {@code /chat/completions}, else {@link #body}. */
    public static byte[] bodyFor(URI target, String model, int bodyBytes) {
        String path = target.getRawPath();
        return path != null && path.endsWith("/chat/completions") ? chatBody(model, bodyBytes) : body(model, bodyBytes);
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static byte[] padded(String head, String tail, int bodyBytes) {
        int promptChars = Math.max(1, bodyBytes - head.length() - tail.length());
        StringBuilder sb = new StringBuilder(head.length() + promptChars + tail.length()).append(head);
        String words = "the quick brown fox jumps over the lazy dog ";
        for (int i = 0; i < promptChars; i++) {
            sb.append(words.charAt(i % words.length()));
        }
        return sb.append(tail).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Offsets in nanoseconds from the start of the run of the first {@code n} arrivals at {@code rate} per
     * second; arrival 0 is at offset 0 for {@link Arrivals#CONSTANT}, after one exponential gap for Poisson.
     */
    public static long[] schedule(Arrivals arrivals, double rate, int n, long seed) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be > 0: " + rate);
        }
        long[] at = new long[n];
        SplittableRandom random = new SplittableRandom(seed);
        double t = 0;
        double gap = 1e9 / rate;
        for (int i = 0; i < n; i++) {
            if (arrivals == Arrivals.CONSTANT) {
                at[i] = Math.round(i * gap);
            } else {
                t += -Math.log(1 - random.nextDouble()) * gap;
                at[i] = Math.round(t);
            }
        }
        return at;
    }

    /** Offsets of every arrival before {@code duration}. */
    public static long[] schedule(Arrivals arrivals, double rate, Duration duration, long seed) {
        long limit = duration.toNanos();
        int guess = (int) Math.min(Integer.MAX_VALUE - 8, Math.ceil(rate * duration.toNanos() / 1e9 * 1.2 + 100));
        for (; ; ) {
            long[] at = schedule(arrivals, rate, guess, seed);
            if (at[guess - 1] >= limit) {
                int n = 0;
                while (n < guess && at[n] < limit) {
                    n++;
                }
                return Arrays.copyOf(at, n);
            }
            guess *= 2;
        }
    }

    /**
     * Open loop: arrivals at {@code rate} per second for {@code warmup} (not recorded) plus {@code duration}
     * (recorded). Blocks until the last request ended or the drain time passed.
     */
    public Result openLoop(
            Arrivals arrivals, double rate, Duration warmup, Duration duration, int maxConnections, long seed)
            throws InterruptedException {
        return openLoop(arrivals, rate, warmup, duration, maxConnections, 0, seed);
    }

    /**
     * Open loop as above, with {@code preconnect} keep-alive connections opened before the schedule starts, so
     * that connection setup is not part of the measured latencies unless the pool runs dry (it still grows up
     * to {@code maxConnections} then). Connections that cannot be opened are simply not pooled.
     */
    public Result openLoop(
            Arrivals arrivals,
            double rate,
            Duration warmup,
            Duration duration,
            int maxConnections,
            int preconnect,
            long seed)
            throws InterruptedException {
        if (targets.size() != 1) {
            throw new IllegalStateException("openLoop takes one target, not " + targets.size() + "; see interleaved");
        }
        Duration all = Duration.ofNanos(Math.max(1, warmup.plus(duration).toNanos())); // one turn: the whole run
        return interleaved(arrivals, rate, warmup, duration, all, maxConnections, preconnect, seed)
                .get(0);
    }

    /**
     * Open loop over every target in turn: the arrival at offset {@code t} goes to target
     * {@code (t / slice) % targets}, so each target gets {@code rate} per second while it has the turn. Warm-up and
     * measured window as in {@link #openLoop}; each result's {@code seconds} is the part of the measured window
     * that was its target's turn. {@code maxConnections} and {@code preconnect} are per target.
     *
     * @return one result per target, in order
     */
    public List<Result> interleaved(
            Arrivals arrivals,
            double rate,
            Duration warmup,
            Duration duration,
            Duration slice,
            int maxConnections,
            int preconnect,
            long seed)
            throws InterruptedException {
        if (preconnect < 0 || preconnect > maxConnections) {
            throw new IllegalArgumentException("preconnect: " + preconnect + " (expected: 0.." + maxConnections + ")");
        }
        if (slice.isNegative() || slice.isZero()) {
            throw new IllegalArgumentException("slice: " + slice + " (expected: > 0)");
        }
        long[] offsets = schedule(arrivals, rate, warmup.plus(duration), seed);
        long measuredFrom = warmup.toNanos();
        long sliceNanos = slice.toNanos();
        int n = targets.size();
        Run run = new Run(false, measuredFrom, maxConnections);
        try {
            for (Target t : run.targets) {
                run.preconnect(t, preconnect);
            }
            long start = clock.nanoTime();
            run.start = start;
            observer.started(start);
            for (int i = 0; i < offsets.length; i++) {
                long intended = start + offsets[i];
                Target t = run.targets[turn(offsets[i], sliceNanos, n)];
                clock.awaitUntil(intended);
                long index = i;
                run.loop.execute(() -> run.submit(t, index, intended));
            }
            run.loop.execute(run::scheduleDone);
            run.finish();
            long[] scheduled = new long[n];
            for (long o : offsets) {
                if (o >= measuredFrom) {
                    scheduled[turn(o, sliceNanos, n)]++;
                }
            }
            List<Result> results = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                double seconds = turnNanos(k, n, sliceNanos, measuredFrom, measuredFrom + duration.toNanos()) / 1e9;
                results.add(run.result(run.targets[k], scheduled[k], seconds));
            }
            return results;
        } finally {
            run.close();
        }
    }

    /** The target whose turn it is at {@code offset}. */
    static int turn(long offset, long sliceNanos, int targets) {
        return (int) ((offset / sliceNanos) % targets);
    }

    /** How much of [{@code from}, {@code to}) is target {@code k}'s turn. */
    static long turnNanos(int k, int targets, long sliceNanos, long from, long to) {
        if (targets == 1) {
            return Math.max(0, to - from);
        }
        long total = 0;
        for (long s = from / sliceNanos; s * sliceNanos < to; s++) {
            if (s % targets == k) {
                total += Math.min(to, (s + 1) * sliceNanos) - Math.max(from, s * sliceNanos);
            }
        }
        return total;
    }

    /** Closed loop: {@code connections} connections back to back for {@code warmup} plus {@code duration}. */
    public Result closedLoop(int connections, Duration warmup, Duration duration) throws InterruptedException {
        if (targets.size() != 1) {
            throw new IllegalStateException("closedLoop takes one target, not " + targets.size());
        }
        Run run = new Run(true, warmup.toNanos(), connections);
        Target t = run.targets[0];
        try {
            long start = clock.nanoTime();
            run.start = start;
            observer.started(start);
            run.closedEnd = start + warmup.plus(duration).toNanos();
            run.loop.execute(() -> {
                for (int c = 0; c < connections; c++) {
                    run.submit(t, c, clock.nanoTime());
                }
                run.scheduleDone();
            });
            run.finish();
            return run.result(t, -1, duration.toNanos() / 1e9);
        } finally {
            run.close();
        }
    }

    /** One run; every field but the latch is touched on the event loop only. */
    private final class Run {
        final boolean closed;
        final long measuredFromOffset;
        final int maxConnections;
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final EventLoop loop = group.next();
        final ByteBuf payload;
        final Target[] targets;
        final CountDownLatch done = new CountDownLatch(1);
        long start;
        long closedEnd = Long.MAX_VALUE;
        long nextIndex;
        int inFlight;
        boolean allSubmitted;

        Run(boolean closed, long measuredFromOffset, int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("connections must be >= 1: " + maxConnections);
            }
            this.closed = closed;
            this.measuredFromOffset = measuredFromOffset;
            this.maxConnections = maxConnections;
            // direct, so a write goes to the socket without a copy per request (200 KiB bodies at 2,000/s)
            payload = Unpooled.directBuffer(body.length).writeBytes(body);
            targets = new Target[OpenLoopLoad.this.targets.size()];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = new Target(OpenLoopLoad.this.targets.get(i), group, payload, body.length);
            }
        }

        boolean measured(long intended) {
            return intended - start >= measuredFromOffset;
        }

        void submit(Target t, long index, long intended) {
            if (closed && measured(intended)) {
                t.sentMeasured++;
            }
            inFlight++;
            t.inFlight++;
            Conn c = t.idle.pollFirst();
            if (c != null) {
                c.send(index, intended);
            } else if (t.open < maxConnections) {
                connect(t, index, intended);
            } else {
                t.waiting.addLast(new long[] {index, intended});
            }
        }

        /** Opens {@code n} connections into the idle pool and waits (at most the drain time) until they are up. */
        void preconnect(Target t, int n) throws InterruptedException {
            if (n == 0) {
                return;
            }
            CountDownLatch ready = new CountDownLatch(n);
            loop.execute(() -> {
                for (int i = 0; i < n; i++) {
                    Conn conn = new Conn(this, t);
                    open(conn).addListener(f -> {
                        if (f.isSuccess()) {
                            t.idle.addLast(conn);
                        } else {
                            t.open--;
                        }
                        ready.countDown();
                    });
                }
            });
            ready.await(drain.toNanos(), TimeUnit.NANOSECONDS);
        }

        /** Starts connecting {@code conn}; counts it as open. */
        ChannelFuture open(Conn conn) {
            conn.target.open++;
            conn.target.opened++;
            return conn.target
                    .bootstrap
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
                            observer.connected(clock.nanoTime());
                        }
                    });
        }

        void connect(Target t, long index, long intended) {
            Conn conn = new Conn(this, t);
            open(conn).addListener(f -> {
                if (f.isSuccess()) {
                    conn.send(index, intended);
                } else {
                    t.open--;
                    finished(t, index, intended, intended, false);
                    next(t, null);
                }
            });
        }

        /** A request ended: record it, then give its connection (if still usable) the next piece of work. */
        void finished(Target t, long index, long intended, long sent, boolean ok) {
            long end = clock.nanoTime();
            inFlight--;
            t.inFlight--;
            observer.finished(index, intended, sent, end, ok);
            if (measured(intended)) {
                if (ok) {
                    t.completed++;
                    t.latency.recordValue(Math.max(0, (end - intended) / 1000));
                    t.service.recordValue(Math.max(0, (end - sent) / 1000));
                } else {
                    t.errors++;
                }
            }
            if (closed && end < closedEnd) {
                inFlight++;
                t.inFlight++;
                if (measured(end)) {
                    t.sentMeasured++;
                }
                t.waiting.addFirst(new long[] {nextIndex++ + maxConnections, end});
            }
        }

        void next(Target t, Conn conn) {
            long[] w = t.waiting.pollFirst();
            if (w != null) {
                if (conn != null) {
                    conn.send(w[0], w[1]);
                } else {
                    connect(t, w[0], w[1]);
                }
            } else if (conn != null) {
                t.idle.addLast(conn);
            }
            checkDone();
        }

        void scheduleDone() {
            allSubmitted = true;
            checkDone();
        }

        void checkDone() {
            if (allSubmitted && inFlight == 0) {
                done.countDown();
            }
        }

        void finish() throws InterruptedException {
            if (!done.await(
                    closed ? closedEnd - clock.nanoTime() + drain.toNanos() : drain.toNanos(), TimeUnit.NANOSECONDS)) {
                CountDownLatch counted = new CountDownLatch(1);
                loop.execute(() -> {
                    for (Target t : targets) {
                        t.errors += t.inFlight; // requests that never ended: errors
                        t.inFlight = 0;
                    }
                    inFlight = 0;
                    counted.countDown();
                });
                counted.await(5, TimeUnit.SECONDS);
            }
        }

        Result result(Target t, long scheduled, double seconds) throws InterruptedException {
            CountDownLatch copied = new CountDownLatch(1);
            Result[] out = new Result[1];
            loop.execute(() -> {
                out[0] = new Result(
                        t.latency.copy(),
                        t.service.copy(),
                        scheduled < 0 ? t.sentMeasured : scheduled,
                        t.completed,
                        t.errors,
                        seconds,
                        t.opened,
                        t.sent);
                copied.countDown();
            });
            copied.await();
            return out[0];
        }

        void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            payload.release();
        }
    }

    /** One target of a run: its request template, connection pool, queue and counters. Event loop only. */
    private static final class Target {
        final Bootstrap bootstrap;
        final FullHttpRequest template;
        final ArrayDeque<Conn> idle = new ArrayDeque<>();
        final ArrayDeque<long[]> waiting = new ArrayDeque<>(); // {index, intended}
        final Histogram latency = new Histogram(3_600_000_000L, 3);
        final Histogram service = new Histogram(3_600_000_000L, 3);
        int opened;
        int open;
        int inFlight;
        long completed;
        long errors;
        long sentMeasured;
        long sent;

        Target(URI target, EventLoopGroup group, ByteBuf payload, int length) {
            int port = target.getPort() > 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            if (target.getRawQuery() != null) {
                path += "?" + target.getRawQuery();
            }
            template = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.unreleasableBuffer(payload));
            template.headers()
                    .set(HttpHeaderNames.HOST, target.getHost() + ":" + port)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, length);
            bootstrap = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                    .remoteAddress(target.getHost(), port);
        }
    }

    /** One keep-alive connection with at most one request in flight. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        final Run run;
        final Target target;
        Channel ch;
        boolean busy;
        boolean ok;
        boolean keepAlive;
        long index;
        long intended;
        long sent;

        Conn(Run run, Target target) {
            this.run = run;
            this.target = target;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ch = ctx.channel();
        }

        void send(long index, long intended) {
            this.index = index;
            this.intended = intended;
            this.busy = true;
            this.ok = false;
            this.keepAlive = true;
            this.sent = clock.nanoTime();
            target.sent++;
            ch.writeAndFlush(target.template.retainedDuplicate()).addListener(f -> {
                if (!f.isSuccess()) {
                    ch.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r) {
                    ok = r.status().code() / 100 == 2;
                    keepAlive = HttpUtil.isKeepAlive(r);
                }
                if (msg instanceof LastHttpContent && busy) {
                    busy = false;
                    run.finished(target, index, intended, sent, ok);
                    if (keepAlive) {
                        run.next(target, this);
                    } else {
                        ctx.close();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            target.open--;
            target.idle.remove(this);
            if (busy) {
                busy = false;
                run.finished(target, index, intended, sent, false);
            }
            // work waiting for a connection gets a new one
            run.next(target, null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
