package io.infergate.gateway.proxy;

import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.EdgeRefusals.Reason;
import io.infergate.gateway.ThrottledLog;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.ListenerGroup;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of the HTTP proxy (the "frontend handler" of Netty's HexDumpProxy), one per client connection,
 * behind an {@code HttpServerCodec}. It reads one request at a time into a buffer that grows with the bytes received
 * (never sized from the declared {@code Content-Length}), asks the
 * {@link RequestRouter} what to do with it, and either answers at once or hands the request to a
 * {@link ProxyExchange}, which streams the response back and calls {@link #exchangeDone} when it is over. The body
 * is received into pooled direct pieces, which are what goes upstream unless the router edits the body; the router
 * reads one heap copy of it.
 *
 * <h2>Body limit</h2>
 * A {@code Content-Length} above {@code maxRequestBodyBytes} is refused with 413 before any body byte is read; a
 * chunked body is refused as soon as it grows past the limit. The rest of a refused body is read and dropped so the
 * client sees the 413 rather than a connection reset, then the connection closes. Dropping is capped at
 * the larger of 1 MiB and the limit: a client that keeps sending past that gets the
 * connection closed at once, so a refused request cannot hold the connection and event loop for an unbounded body.
 * Bodies being received also count against the process-wide {@code EdgeLimits.maxBufferedRequestBytes}: past it
 * the request is refused the same way, with 503 {@code gateway_overloaded}, and a throttled warning is logged.
 *
 * <h2>Request target and Host</h2>
 * Before anything else the target's dot-segments are removed ({@link RequestTargets}; the normalised target is
 * matched and forwarded) and a target that cannot be normalised safely is refused with 400 {@code invalid_path};
 * an HTTP/1.x request with a missing (HTTP/1.1) or repeated {@code Host} gets 400 {@code invalid_host}.
 *
 * <h2>Timeouts</h2>
 * A request's headers must arrive within {@code EdgeLimits.requestHeaderTimeout} ({@link HeaderDeadline} keeps the
 * time; on HTTP/1.1 this handler answers its {@link HeaderDeadline.Expired} with 408 and closes), and a body may not
 * pause longer than {@code EdgeLimits.bodyReadTimeout} between reads (408, then the connection, or HTTP/2 stream,
 * closes). Both write one throttled warning per interval.
 *
 * <h2>Reading while a response streams</h2>
 * The client connection keeps reading during an exchange, so a client that goes away is noticed at once and its
 * upstream request is aborted ({@link ProxyExchange#clientGone}). Pipelined requests that arrive meanwhile are
 * queued and reading stops until the current response is done (backpressure on a pipelining client); they are
 * then handled in order.
 *
 * <h2>HTTP/2</h2>
 * With {@code http2} set, one instance serves one stream (a child channel): closing the channel ends the stream,
 * not the connection, the request's {@code x-http2-*} conversion headers are dropped, and "closing the connection
 * after the response" becomes "ending the stream", which the stream does anyway.
 *
 * <p>Threading: all methods run on the connection's event loop. Bad input never throws out of here: a decoding
 * failure is a 400 and the connection closes.
 */
public final class HttpFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpFrontendHandler.class);
    /** One line per interval however many requests the buffered-bytes cap refuses. */
    private static final ThrottledLog overloaded = new ThrottledLog(log);

    private static final ThrottledLog headerTimeouts = new ThrottledLog(log);
    private static final ThrottledLog bodyTimeouts = new ThrottledLog(log);
    /**
     * Pieces a body buffer may have before Netty merges them into one: never reached, since each growth adds a piece
     * as large as the body so far (at most about 20 pieces up to 16 MiB), and merging would copy the whole body.
     */
    static final int MAX_BODY_PIECES = 1024;

    private final ProxyRuntime rt;
    private final String groupKey;
    private final boolean http2;
    private final int maxBody;
    private final long maxDiscard;
    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(2);
    private ChannelHandlerContext ctx;

    // the request being received; no need to be volatile: same event loop
    private HttpRequest request;
    private ByteBuf body;
    // bytes of body taken from the runtime's RequestBodyBudget, given back when the body is complete or dropped
    private long reserved;
    // the body read timeout: a check scheduled while a body arrives, re-armed by what is left of the timeout
    private ScheduledFuture<?> bodyTimer;
    private long lastBodyReadNanos;
    private RequestLog current;
    private boolean keepAlive;
    private boolean discarding;
    private long discarded;
    private boolean closeAfterDiscard;
    private boolean closeWhenIdle;
    private ProxyExchange exchange;
    // a request waiting in flow control (Plan.Deferred) or for its external endpoint picker (Plan.External), and
    // its body (released when the wait ends either way)
    private Plan waiting;
    private ByteBuf waitingBody;
    // the body of the request being routed as it was received (pooled direct pieces): what goes upstream unless the
    // router edited the body. The router reads a heap copy (its scanner and the picker's prefix hashing need one
    // array); both are released together (releaseBody), or this one travels with the forward (carryOut)
    private ByteBuf wire;

    /**
     * @param http2 whether this handler serves one HTTP/2 stream (a child channel behind
     *              {@code Http2StreamFrameToHttpObjectCodec}) rather than an HTTP/1.1 connection
     * @param limits the connection's limits: the listeners' Gateway annotations over the flags
     *               ({@code ListenerGroup.limits}); the header and body timeouts are
     *               read from it
     */
    public HttpFrontendHandler(ProxyRuntime rt, String groupKey, boolean http2, EdgeLimits limits) {
        this.rt = rt;
        this.groupKey = groupKey;
        this.http2 = http2;
        this.maxBody = rt.options().maxRequestBodyBytes();
        this.maxDiscard = maxDiscardBytes(maxBody);
        this.headerTimeoutNanos = limits.requestHeaderTimeout().toNanos();
        this.bodyTimeoutNanos = limits.bodyReadTimeout().toNanos();
    }

    /** How many bytes of a refused body are read and dropped before the connection is closed instead. */
    static long maxDiscardBytes(int maxRequestBodyBytes) {
        return Math.max(1L << 20, maxRequestBodyBytes);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null || waiting != null || !pending.isEmpty()) {
            pending.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(msg);
    }

    private void handle(Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                onRequest(req);
            }
            if (msg instanceof HttpContent c) {
                onContent(c);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest req) {
        HeaderDeadline deadline = HeaderDeadline.of(http2 ? ctx.channel().parent() : ctx.channel());
        if (deadline != null) {
            deadline.headersReceived();
        }
        String id = req.headers().get(HeaderNames.X_REQUEST_ID);
        if (id == null || id.isBlank()) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            id = Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
        }
        // dot-segments removed before routing, and the normalised target is what goes upstream
        RequestTargets.Result target = RequestTargets.normalise(req.uri());
        if (target instanceof RequestTargets.Ok ok && !ok.uri().equals(req.uri())) {
            req.setUri(ok.uri());
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        current = new RequestLog(
                id,
                listenerIdFor(rt.config(), req),
                req.method().name(),
                q < 0 ? uri : uri.substring(0, q),
                rt.nanoTime());
        // an HTTP/2 stream carries exactly one request: "not keep-alive" ends the stream, never the connection
        keepAlive = !http2 && HttpUtil.isKeepAlive(req) && !rt.isDraining();
        if (http2) {
            removeHttp2ExtensionHeaders(req);
        }
        if (req.decoderResult().isFailure()) {
            // the decoder drops everything after a bad message: answer and close
            rt.refusals().refused(Reason.BAD_REQUEST);
            respond(
                    ErrorCode.BAD_HTTP,
                    "malformed HTTP request: " + req.decoderResult().cause().getMessage(),
                    false);
            return;
        }
        if (target instanceof RequestTargets.Bad bad) {
            rt.refusals().refused(Reason.INVALID_PATH);
            refuseRequest(ErrorCode.INVALID_PATH, bad.reason());
            return;
        }
        if (!http2 && req.protocolVersion().majorVersion() != 1) {
            // Netty's decoder takes any "NAME/x.y": an HTTP/1 message claiming HTTP/2.0 or 9.9 is malformed, and a 4xx
            // (RFC 9110 §15.6.6 would allow 505; we keep client mistakes in the 4xx range)
            rt.refusals().refused(Reason.BAD_REQUEST);
            refuseRequest(
                    ErrorCode.BAD_HTTP,
                    "unsupported HTTP version " + req.protocolVersion().text());
            return;
        }
        String hostProblem = http2 ? null : hostProblem(req);
        if (hostProblem != null) {
            rt.refusals().refused(Reason.INVALID_HOST);
            refuseRequest(ErrorCode.INVALID_HOST, hostProblem);
            return;
        }
        long length = HttpUtil.getContentLength(req, -1L);
        if (length > maxBody) {
            rt.refusals().refused(Reason.BODY_TOO_LARGE);
            refuseRequest(ErrorCode.BODY_TOO_LARGE, tooLarge(length));
            return;
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
            req.headers().remove(HttpHeaderNames.EXPECT);
        }
        request = req;
        // grows with the bytes received (each growth adds a pooled direct piece as large as the body so far), never
        // sized from the declared length: a client that declares 16 MiB and sends 100 bytes holds a few hundred
        // bytes. Pieces rather than one buffer: growing copies nothing, and the body goes upstream as it is, in one
        // gathering write, where a heap buffer was copied at each doubling and once more into direct memory to be
        // sent
        body = ctx.alloc().compositeDirectBuffer(MAX_BODY_PIECES);
        lastBodyReadNanos = rt.nanoTime();
        scheduleBodyCheck(bodyTimeoutNanos);
    }

    private void scheduleBodyCheck(long delayNanos) {
        bodyTimer = ctx.executor().schedule(this::checkBody, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelBodyTimer() {
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
            bodyTimer = null;
        }
    }

    /** The body read timeout: 408 and close when no body byte arrived for that long. */
    private void checkBody() {
        bodyTimer = null;
        if (request == null) {
            return;
        }
        long idle = rt.nanoTime() - lastBodyReadNanos;
        if (idle < bodyTimeoutNanos) {
            scheduleBodyCheck(bodyTimeoutNanos - idle);
            return;
        }
        dropRequest();
        rt.refusals().refused(Reason.BODY_TIMEOUT);
        bodyTimeouts.warn("closed connections whose request body paused longer than " + bodyTimeoutNanos / 1_000_000
                + " ms (" + EdgeLimits.BODY_READ_TIMEOUT_FLAG + "): 408");
        respond(
                ErrorCode.REQUEST_TIMEOUT,
                "no request body bytes for " + bodyTimeoutNanos / 1_000_000 + " ms; closing the connection",
                false);
    }

    /**
     * Refuses a request before its body: the answer goes out at once, the body (if any) is read and dropped up to
     * the discard cap so the client sees the answer, then the connection closes.
     */
    private void refuseRequest(ErrorCode failure, String message) {
        startDiscarding();
        closeAfterDiscard = true;
        respond(failure, message, false);
    }

    /**
     * What is wrong with an HTTP/1.x request's {@code Host} (RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1
     * request without one, and to any request with more than one or an invalid one), or null. HTTP/1.0 may omit it.
     * HTTP/2 has {@code :authority} instead and is not checked here.
     */
    static String hostProblem(HttpRequest req) {
        List<String> hosts = req.headers().getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1) {
            return "the request has " + hosts.size() + " Host headers (expected: exactly one)";
        }
        if (hosts.isEmpty()) {
            return req.protocolVersion().minorVersion() >= 1
                            || req.protocolVersion().majorVersion() > 1
                    ? "the HTTP/1.1 request has no Host header"
                    : null;
        }
        if (hosts.get(0).indexOf(',') >= 0) {
            return "the Host header holds a list (expected: one host)";
        }
        return null;
    }

    /**
     * Drops the {@code x-http2-*} headers Netty's HTTP/2-to-HTTP/1 conversion adds (stream id, scheme, ...): they
     * describe our hop, not the request, and a client could otherwise send them to the model server.
     */
    private static void removeHttp2ExtensionHeaders(HttpRequest req) {
        for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
            req.headers().remove(n.text());
        }
    }

    /** The listener the request would be served by now, for the log; the group key when no listener takes it. */
    private String listenerIdFor(GatewayConfig config, HttpRequest req) {
        ListenerGroup group = config.group(groupKey);
        ListenerConfig l = group == null || group.isTcp()
                ? null
                : group.select(req.headers().get(HttpHeaderNames.HOST));
        return l == null ? groupKey : l.id();
    }

    private String tooLarge(long length) {
        return "request body of " + (length >= 0 ? length + " bytes" : "more than " + maxBody + " bytes")
                + " exceeds the limit of " + maxBody + " bytes";
    }

    private void onContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (discarding || request == null) {
            if (!discarding) {
                return;
            }
            discarded += c.content().readableBytes();
            if (last || discarded > maxDiscard) {
                // past the cap the client has had more than a fair chance to read the 413: stop reading and close
                discarding = false;
                if (closeAfterDiscard || !last) {
                    closeAfterFlush();
                }
            }
            return;
        }
        if (c.decoderResult().isFailure()) {
            dropRequest();
            if (!last) {
                startDiscarding();
            }
            closeAfterDiscard = true;
            rt.refusals().refused(Reason.BAD_REQUEST);
            respond(
                    ErrorCode.BAD_HTTP,
                    "malformed HTTP request body: " + c.decoderResult().cause().getMessage(),
                    false);
            if (last) {
                closeAfterFlush();
            }
            return;
        }
        ByteBuf data = c.content();
        int n = data.readableBytes();
        if (n > maxBody - body.readableBytes()) {
            rt.refusals().refused(Reason.BODY_TOO_LARGE);
            refuseBody(ErrorCode.BODY_TOO_LARGE, tooLarge(-1), last);
            return;
        }
        if (n > 0 && !rt.bodyBudget().tryReserve(n)) {
            rt.refusals().refused(Reason.BUFFERED_BYTES);
            overloaded.warn(
                    "request bodies being received hold " + rt.bodyBudget().used() + " bytes, the limit of "
                            + rt.bodyBudget().max() + " (" + EdgeLimits.MAX_BUFFERED_REQUEST_BYTES_FLAG
                            + "): refusing requests with 503");
            refuseBody(
                    ErrorCode.OVERLOADED, "the gateway is holding as many request bytes as it may; retry later", last);
            return;
        }
        reserved += n;
        lastBodyReadNanos = rt.nanoTime();
        body.writeBytes(data);
        if (last) {
            HttpRequest r = request;
            ByteBuf received = body;
            request = null;
            body = null;
            releaseReserved();
            cancelBodyTimer();
            wire = received;
            dispatch(r, heapCopy(received));
        }
    }

    /**
     * Refuses the request whose body is arriving: the answer goes out at once, the rest of the body is read and
     * dropped (up to the discard cap) so the client sees it, then the connection (HTTP/2: the stream) closes.
     */
    private void refuseBody(ErrorCode failure, String message, boolean last) {
        dropRequest();
        if (!last) {
            startDiscarding();
        }
        closeAfterDiscard = true;
        respond(failure, message, false);
        if (last) {
            closeAfterFlush();
        }
    }

    private void releaseReserved() {
        if (reserved > 0) {
            rt.bodyBudget().release(reserved);
            reserved = 0;
        }
    }

    /** The body as one heap array, what the router reads; empty bodies share Netty's empty buffer. */
    private ByteBuf heapCopy(ByteBuf received) {
        int n = received.readableBytes();
        if (n == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf copy = ctx.alloc().heapBuffer(n, n);
        received.getBytes(received.readerIndex(), copy, n);
        return copy;
    }

    /** Releases the router's copy of a body and the received body it was made from. */
    private void releaseBody(ByteBuf b) {
        b.release();
        if (wire != null) {
            wire.release();
            wire = null;
        }
    }

    /**
     * The forward with the body to send: the received pieces when the router kept the body it was given
     * ({@code b}, whose copy is then released), else the router's edited body (and the received one is released).
     */
    private Plan.Forward withWireBody(Plan.Forward f, ByteBuf b) {
        ByteBuf received = wire;
        wire = null;
        if (f.body() != b) {
            received.release();
            return f;
        }
        b.release();
        return f.withBody(received);
    }

    private void dispatch(HttpRequest req, ByteBuf b) {
        GatewayConfig config = rt.config();
        ListenerGroup group = config.group(groupKey);
        if (group == null || group.isTcp()) {
            releaseBody(b);
            respond(ErrorCode.NO_ENDPOINT, "listener " + current.listener + " is being removed", false);
            return;
        }
        String authority = req.headers().get(HttpHeaderNames.HOST);
        ListenerConfig listener = group.select(authority);
        if (listener == null) {
            releaseBody(b);
            respond(
                    ErrorCode.NO_ROUTE,
                    "no listener on port " + group.port() + " accepts host \"" + (authority == null ? "" : authority)
                            + "\"",
                    keepAlive);
            return;
        }
        current.listener = listener.id();
        Plan plan = step(
                () -> rt.router()
                        .plan(
                                config,
                                listener,
                                req,
                                b,
                                current,
                                rt.options().random().get(),
                                ctx.alloc(),
                                ctx.executor()),
                b,
                "while routing");
        if (plan != null) {
            carryOut(plan, req, b);
        }
    }

    /**
     * Runs one planning step (the router's plan, or the resumption of a deferred or external one). A refusal
     * ({@link ProxyException}) or a bug is answered here, the frontend's one mapping of both, after {@code b} is
     * released; then the result is null.
     */
    private Plan step(Supplier<Plan> next, ByteBuf b, String when) {
        try {
            return next.get();
        } catch (ProxyException e) {
            releaseBody(b);
            respond(e.failure(), e.status(), e.getMessage(), keepAlive);
        } catch (RuntimeException e) {
            releaseBody(b);
            log.error("request {}: unexpected failure {}", current.requestId, when, e);
            respond(ErrorCode.INTERNAL, "internal error while routing the request", keepAlive);
        }
        return null;
    }

    /** Acts on a plan; for a deferred or external one, waits (without blocking) for the request to go on. */
    private void carryOut(Plan plan, HttpRequest req, ByteBuf b) {
        switch (plan) {
            // completes on this event loop (the executor given to plan)
            case Plan.Deferred d ->
                await(d, b, then -> d.ticket().outcome().whenComplete(then), d.resume(), req, "while picking");
            // the picker's threads complete the decision: hop back to this event loop before touching anything
            case Plan.External e ->
                await(
                        e,
                        b,
                        then -> e.call().decision().whenCompleteAsync(then, ctx.executor()),
                        e.resume(),
                        req,
                        "after the endpoint picker's decision");
            case Plan.Answer a -> {
                releaseBody(b);
                FullHttpResponse r = a.response();
                r.headers().set(HeaderNames.X_REQUEST_ID, current.requestId);
                current.status = r.status().code();
                finishLocal(r, keepAlive);
            }
            case Plan.Forward f -> {
                exchange = new ProxyExchange(this, ctx, rt, current, req, withWireBody(f, b), keepAlive);
                current = null;
                exchange.start();
            }
        }
    }

    /**
     * Waits for {@code wait} (a {@link Plan.Deferred} or {@link Plan.External}) without blocking: {@code onDone}
     * attaches the continuation, which runs on this event loop and carries out the plan {@code resume} makes of the
     * result. Reading goes on meanwhile, so a client that leaves is seen and the wait cancelled
     * ({@link #channelInactive}).
     */
    private <T> void await(
            Plan wait,
            ByteBuf b,
            Consumer<BiConsumer<T, Throwable>> onDone,
            BiFunction<T, Throwable, Plan> resume,
            HttpRequest req,
            String when) {
        waiting = wait;
        waitingBody = b;
        onDone.accept((result, error) -> {
            if (waiting != wait) {
                endWait(wait, null); // the client went away and the wait was already cleaned up
                return;
            }
            waiting = null;
            waitingBody = null;
            if (!ctx.channel().isActive()) {
                endWait(wait, null);
                releaseBody(b);
                return;
            }
            Plan next = step(() -> resume.apply(result, error), b, when);
            endWait(wait, next);
            if (next != null) {
                carryOut(next, req, b);
            }
            drainPending();
        });
    }

    /**
     * Ends an external picker's call unless {@code next} is the forward carrying it (its exchange ends it); a
     * flow-control wait has nothing left to end once its outcome arrived.
     */
    private static void endWait(Plan wait, Plan next) {
        if (wait instanceof Plan.External e && !(next instanceof Plan.Forward f && f.picker() == e.call())) {
            e.call().cancel();
        }
    }

    private void respond(ErrorCode failure, String message, boolean keepAlive) {
        respond(failure, failure.status(), message, keepAlive);
    }

    /** A gateway-generated error: the one path through {@link ErrorResponses}. */
    private void respond(ErrorCode failure, int status, String message, boolean keepAlive) {
        current.status = status;
        current.errorType = failure.type();
        finishLocal(ErrorResponses.of(ctx.alloc(), failure, status, message, current.requestId, keepAlive), keepAlive);
    }

    private void finishLocal(FullHttpResponse response, boolean keepAlive) {
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        RequestLog done = current;
        current = null;
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            rt.complete(done.toRecord(rt.nanoTime()));
            if (!f.isSuccess() || (!keepAlive && !discarding)) {
                ctx.close();
            }
        });
        if (keepAlive && closeWhenIdle) {
            closeAfterFlush();
        } else if (keepAlive) {
            betweenRequests();
        }
    }

    /** HTTP/1.1 keep-alive with nothing in progress: the next request's headers get the header timeout again. */
    private void betweenRequests() {
        if (http2) {
            return;
        }
        HeaderDeadline deadline = HeaderDeadline.of(ctx.channel());
        if (deadline != null) {
            deadline.betweenRequests();
        }
    }

    private void closeAfterFlush() {
        if (http2) {
            // a stream channel accepts only frames, so no empty-buffer marker: writes are ordered, so closing after
            // the flush ends the stream after its response (a reset only if the client is still sending)
            ctx.flush();
            ctx.close();
            return;
        }
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void startDiscarding() {
        discarding = true;
        discarded = 0;
    }

    private void dropRequest() {
        request = null;
        releaseReserved();
        cancelBodyTimer();
        if (body != null) {
            body.release();
            body = null;
        }
    }

    /** Called by the exchange exactly once, on this event loop, when its response is over. */
    void exchangeDone(ProxyExchange ex, boolean keepAliveAfter) {
        if (exchange != ex) {
            return;
        }
        exchange = null;
        if (!keepAliveAfter || closeWhenIdle || !ctx.channel().isActive()) {
            releasePending();
            closeAfterFlush();
            return;
        }
        drainPending();
    }

    /** Handles requests that arrived while one was in progress, in order, then reads again. */
    private void drainPending() {
        while (exchange == null
                && waiting == null
                && !pending.isEmpty()
                && ctx.channel().isActive()) {
            handle(pending.poll());
        }
        if (pending.isEmpty()) {
            ctx.channel().config().setAutoRead(true); // keep reading during an exchange: a client leaving is seen
            if (exchange == null && waiting == null && request == null && current == null) {
                betweenRequests();
            }
        }
    }

    private void releasePending() {
        Object m;
        while ((m = pending.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropRequest();
        cancelBodyTimer();
        releasePending();
        if (waiting != null) {
            Plan w = waiting;
            ByteBuf b = waitingBody;
            waiting = null;
            waitingBody = null;
            if (w instanceof Plan.Deferred d) {
                d.ticket().cancel();
            } else if (w instanceof Plan.External e) {
                e.call().cancel();
            }
            releaseBody(b);
            current.status = 499;
            current.errorType = "client_closed";
            rt.complete(current.toRecord(rt.nanoTime()));
            current = null;
        }
        if (exchange != null) {
            exchange.clientGone();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HeaderDeadline.Expired.INSTANCE) {
            // HTTP/1.1 only (the deadline is the connection's); a request under way has its headers already
            if (request == null && exchange == null && waiting == null && current == null && !discarding) {
                headerTimeouts.warn("closed connections that did not complete request headers within "
                        + headerTimeoutNanos / 1_000_000 + " ms (" + EdgeLimits.REQUEST_HEADER_TIMEOUT_FLAG
                        + "): 408");
                ctx.writeAndFlush(ErrorResponses.of(
                                ctx.alloc(),
                                ErrorCode.REQUEST_TIMEOUT,
                                "request headers not received within " + headerTimeoutNanos / 1_000_000 + " ms",
                                null,
                                false))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // while an exchange runs, the upstream's idle timeout decides
            if (exchange == null) {
                ctx.close();
            }
            return;
        }
        if (evt == DrainEvent.INSTANCE) {
            closeWhenIdle = true;
            if (exchange == null && request == null) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
