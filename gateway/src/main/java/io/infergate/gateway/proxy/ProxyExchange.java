package io.infergate.gateway.proxy;

import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.api.model.HttpRoute;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.scheduler.openai.ModelNameRestorer;
import io.infergate.scheduler.pick.Lease;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded request: the upstream attempts, the streamed response, and the bookkeeping that must happen
 * exactly once (lease release, {@link io.infergate.gateway.ProxyListener} record, hand-back to the frontend).
 *
 * <h2>Threading</h2>
 * Everything runs on the client connection's event loop: the upstream channel is registered on that same loop
 * ({@link Upstreams}), so every callback here (client events from {@link HttpFrontendHandler}, upstream events
 * from {@link BackendHandler}, write and connect futures) happens on one thread and the fields need no
 * synchronisation. Callbacks from an upstream channel this exchange has already abandoned (after a retry) are
 * recognised by comparing the channel and ignored.
 *
 * <h2>Backpressure</h2>
 * The upstream channel has {@code autoRead} off. After the request is written the exchange asks for one read.
 * Each read batch is written to the client without flushing; at the end of the batch
 * ({@code channelReadComplete}) the client is flushed and the next upstream read is requested only when the last
 * write of the batch has completed, i.e. when the bytes left for the client's socket. A slow client therefore
 * slows reads from the model server down to its own pace, and at most one read batch is buffered in the gateway;
 * the model server's socket buffer fills and its own flow control takes over. There is no total timeout: a stream
 * lives as long as either side moves within the idle timeout.
 *
 * <h2>Retries</h2>
 * A failed connect, a connection that closes before a response, or a 5xx status — all before any response byte
 * was written to the client — move on to the next target of the plan, up to {@link #MAX_ATTEMPTS} targets. The
 * lease of an abandoned attempt is released before the next one is taken. A request that fails on a reused
 * keep-alive connection before any response byte is first retried once on a fresh connection to the same target
 * (the server may have closed the idle connection just as it was reused). A 5xx on the last attempt is passed
 * through unchanged (it is the model server's own answer).
 *
 * <h2>External picker's response phase</h2>
 * When an external endpoint picker chose the endpoints ({@link Plan.Forward#picker()}), the final upstream response
 * headers (after any retries) are first reported to it with the endpoint that served them; the upstream messages
 * that arrive meanwhile are held and reading stops, and the response goes on to the client, with the headers the
 * picker set, once its answer is back on this event loop (the picker's client bounds the wait). A close of the
 * upstream connection while held is judged after the held messages, which may contain the whole response. The
 * call is cancelled when the exchange ends, a no-op once the response phase closed it.
 *
 * <h2>Ending</h2>
 * Exactly one of: the response completed; a gateway error response; the stream was cut after it started (the
 * client gets an SSE {@code error} event and the end of the chunked body when the response is chunked, otherwise
 * the connection closes); the client went away (the upstream connection is closed so the model server aborts the
 * request; status 499 in the record).
 */
final class ProxyExchange {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    /** Upper bound on upstream targets tried for one request. */
    static final int MAX_ATTEMPTS = 3;

    private final HttpFrontendHandler frontend;
    private final ChannelHandlerContext client;
    private final ProxyRuntime rt;
    private final RequestLog record;
    private final HttpRequest request;
    private final Plan.Forward plan;
    private final boolean clientKeepAlive;
    private final HttpHeaders upstreamHeaders;
    private final ModelNameRestorer restorer;
    private final RestoringSink sink;
    private final TokenCounter tokens = new TokenCounter();

    private int attempt;
    private boolean freshRetryUsed;
    private Channel upstream;
    private boolean upstreamReused;
    private Lease lease;
    private boolean responseStarted;
    private boolean chunkedToClient;
    private boolean responseComplete;
    private boolean upstreamKeepAlive;
    private boolean sse;
    private boolean done;
    private ChannelFuture lastWrite;
    // external picker's response phase: upstream messages held until it answered, and what it asked to set
    private java.util.ArrayDeque<Object> parked;
    private boolean parkedReadComplete;
    private boolean parkedClosed;
    private Throwable parkedCloseCause;
    private boolean pickerAsked;
    private List<HeaderEntry> pickerHeaders = List.of();

    ProxyExchange(HttpFrontendHandler frontend, ChannelHandlerContext client, ProxyRuntime rt, RequestLog record,
                  HttpRequest request, Plan.Forward plan, boolean clientKeepAlive) {
        this.frontend = frontend;
        this.client = client;
        this.rt = rt;
        this.record = record;
        this.request = request;
        this.plan = plan;
        this.clientKeepAlive = clientKeepAlive;
        this.upstreamHeaders = upstreamHeaders(request, plan, record.requestId);
        if (plan.upstreamModel() != null) {
            this.restorer = new ModelNameRestorer(plan.upstreamModel(), plan.clientModel());
            this.sink = new RestoringSink();
        } else {
            this.restorer = null;
            this.sink = null;
        }
    }

    void start() {
        rt.exchangeStarted();
        attemptNow(false);
    }

    // ---- upstream attempts -------------------------------------------------------------------------------

    private UpstreamTarget target() {
        return plan.targets().get(attempt);
    }

    private int maxAttempts() {
        return Math.min(MAX_ATTEMPTS, plan.targets().size());
    }

    private void attemptNow(boolean freshOnly) {
        UpstreamTarget t = target();
        record.attempts++;
        record.endpoint = t.hostPort();
        if (t.endpoint() != null) {
            lease = rt.inFlight().acquire(t.endpoint(), plan.promptTokens(), plan.outputTokens());
        }
        Channel reused = freshOnly ? null : rt.upstreams().reuse(client.channel().eventLoop(), t.address(), this);
        if (reused != null) {
            upstream = reused;
            upstreamReused = true;
            send();
            return;
        }
        upstreamReused = false;
        ChannelFuture f = rt.upstreams().connect(client.channel().eventLoop(), t.address(), this);
        upstream = f.channel();
        f.addListener((ChannelFutureListener) cf -> {
            if (cf.channel() != upstream || done) {
                cf.channel().close();
            } else if (cf.isSuccess()) {
                send();
            } else {
                Throwable cause = cf.cause();
                nextAttemptOrFail(cause instanceof ConnectTimeoutException ? ErrorCode.UPSTREAM_TIMEOUT
                        : ErrorCode.UPSTREAM_FAILED, "cannot connect to " + t.hostPort() + ": " + cause.getMessage());
            }
        });
    }

    private void send() {
        Channel ch = upstream;
        HttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
                plan.body().retainedDuplicate(), upstreamHeaders.copy(), EmptyHttpHeaders.INSTANCE);
        ch.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                onUpstreamClosed(f.channel(), f.cause());
            }
        });
        ch.read();
    }

    /** Closes the current upstream connection (never reused) and releases its lease. */
    private void abandonUpstream() {
        if (upstream != null) {
            upstream.close();
        }
        releaseLease();
    }

    private void releaseLease() {
        if (lease != null) {
            lease.release();
            lease = null;
        }
    }

    private void nextAttemptOrFail(ErrorCode failure, String message) {
        abandonUpstream();
        if (attempt + 1 < maxAttempts()) {
            log.debug("request {}: attempt {} failed ({}), trying the next endpoint", record.requestId, attempt + 1,
                    message);
            attempt++;
            freshRetryUsed = false;
            attemptNow(false);
        } else {
            fail(failure, message);
        }
    }

    // ---- upstream events (BackendHandler) ----------------------------------------------------------------

    void onUpstreamMessage(Channel ch, Object msg) {
        if (ch != upstream || done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (parked != null) {
            parked.add(msg);
            return;
        }
        if (msg instanceof HttpResponse resp) {
            if (resp.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                onUpstreamClosed(ch, resp.decoderResult().cause());
                return;
            }
            int code = resp.status().code();
            if (code >= 500 && attempt + 1 < maxAttempts()) {
                ReferenceCountUtil.release(msg);
                nextAttemptOrFail(ErrorCode.UPSTREAM_FAILED, "upstream " + target().hostPort() + " answered " + code);
                return;
            }
            if (code < 200) {
                ReferenceCountUtil.release(msg); // interim response; the final one follows
                return;
            }
            if (plan.picker() != null && !pickerAsked) {
                askPicker(ch, resp, msg);
                return;
            }
            startResponse(resp);
            if (!(msg instanceof HttpContent)) {
                return;
            }
        }
        if (msg instanceof HttpContent c) {
            if (c.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                onUpstreamClosed(ch, c.decoderResult().cause());
                return;
            }
            forwardContent(c);
        }
    }

    /**
     * Reports the served endpoint and the response headers to the external picker, and holds the upstream's
     * messages (reading stops) until its answer is back on this event loop: its header mutations go on the
     * response to the client. The picker never fails a response: no answer in time means no mutations.
     */
    private void askPicker(Channel ch, HttpResponse resp, Object msg) {
        pickerAsked = true;
        parked = new java.util.ArrayDeque<>(4);
        parked.add(msg);
        List<HeaderEntry> headers = new java.util.ArrayList<>(resp.headers().size() + 1);
        headers.add(new HeaderEntry(":status", Integer.toString(resp.status().code())));
        for (java.util.Map.Entry<String, String> e : resp.headers()) {
            headers.add(new HeaderEntry(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        }
        plan.picker().responseHeaders(headers, target().hostPort()).whenCompleteAsync((set, error) -> {
            if (done || ch != upstream) {
                return; // end() released what was held
            }
            pickerHeaders = set == null ? List.of() : set;
            java.util.ArrayDeque<Object> held = parked;
            parked = null;
            Object m;
            while ((m = held.poll()) != null) {
                if (done) {
                    ReferenceCountUtil.release(m);
                } else {
                    onUpstreamMessage(ch, m);
                }
            }
            if (parkedReadComplete) {
                parkedReadComplete = false;
                onUpstreamReadComplete(ch);
            }
            if (parkedClosed) {
                parkedClosed = false;
                onUpstreamClosed(ch, parkedCloseCause);
            }
        }, client.executor());
    }

    private void startResponse(HttpResponse resp) {
        HttpHeaders h = resp.headers();
        upstreamKeepAlive = HttpUtil.isKeepAlive(resp);
        boolean chunked = HttpUtil.isTransferEncodingChunked(resp);
        String type = h.get(HttpHeaderNames.CONTENT_TYPE);
        sse = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
        removeHopByHop(h);
        if (restorer != null || (!chunked && !h.contains(HttpHeaderNames.CONTENT_LENGTH))) {
            // the restored body may change length; a close-delimited body is re-framed as chunks
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            chunked = true;
        }
        if (chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        chunkedToClient = chunked;
        if (!clientKeepAlive || rt.isDraining()) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (!h.contains(HeaderNames.X_REQUEST_ID)) {
            h.set(HeaderNames.X_REQUEST_ID, record.requestId);
        }
        if (plan.scores() != null) {
            h.set(HeaderNames.SCORES, plan.scores());
        }
        for (HeaderEntry set : pickerHeaders) {
            String name = set.name();
            if (!name.startsWith(":") && !name.equalsIgnoreCase("content-length")
                    && !name.equalsIgnoreCase("transfer-encoding") && !name.equalsIgnoreCase("connection")) {
                h.set(name, set.value());
            }
        }
        applyFilters(h, plan.filters(), HttpRoute.FilterType.RESPONSE_HEADER_MODIFIER);
        resp.setProtocolVersion(HttpVersion.HTTP_1_1);
        record.status = resp.status().code();
        responseStarted = true;
        write(resp instanceof HttpContent ? stripContent(resp) : resp);
    }

    private static HttpResponse stripContent(HttpResponse full) {
        // a decoder never produces a FullHttpResponse, but an aggregating test pipeline might
        return new io.netty.handler.codec.http.DefaultHttpResponse(full.protocolVersion(), full.status(),
                full.headers());
    }

    private void forwardContent(HttpContent c) {
        ByteBuf content = c.content();
        boolean last = c instanceof LastHttpContent;
        if (content.isReadable()) {
            tokens.feed(content);
            // only a stream's first byte is a first token; a JSON body comes after generation ended, so its first
            // byte would report the whole latency as TTFT and make GatewayMetrics' TPOT (duration - ttft) near 0
            if (sse && record.ttftNanos < 0) {
                record.ttftNanos = rt.nanoTime() - record.startNanos;
                if (lease != null) {
                    lease.firstToken(); // prefilled: the prompt no longer loads the endpoint
                }
            }
        }
        if (restorer == null) {
            write(c);
        } else {
            ByteBuf out = sink.restore(content, last);
            HttpContent rewritten;
            if (last) {
                DefaultLastHttpContent l = new DefaultLastHttpContent(out);
                l.trailingHeaders().set(((LastHttpContent) c).trailingHeaders());
                rewritten = l;
            } else {
                rewritten = new DefaultHttpContent(out);
            }
            c.release();
            write(rewritten);
        }
        if (last) {
            responseComplete = true;
        }
    }

    private void write(Object msg) {
        lastWrite = client.write(msg);
    }

    void onUpstreamReadComplete(Channel ch) {
        if (ch != upstream || done) {
            return;
        }
        if (parked != null) {
            parkedReadComplete = true; // no further read until the picker answered
            return;
        }
        ChannelFuture f = lastWrite;
        lastWrite = null;
        if (f == null) {
            // the decoder needs more bytes before it produces anything
            if (!responseComplete) {
                ch.read();
            }
            return;
        }
        client.flush();
        if (responseComplete) {
            f.addListener((ChannelFutureListener) w -> finish(w.isSuccess()));
        } else {
            f.addListener((ChannelFutureListener) w -> {
                if (done) {
                    return;
                }
                if (w.isSuccess()) {
                    ch.read(); // the client took the last batch: read the next one
                } else {
                    clientGone();
                }
            });
        }
    }

    void onUpstreamClosed(Channel ch, Throwable cause) {
        if (ch != upstream || done || responseComplete) {
            return;
        }
        if (parked != null) {
            // the held messages may hold the whole response: judge the close after they were handled
            parkedClosed = true;
            parkedCloseCause = cause;
            return;
        }
        String why = cause == null ? "closed the connection" : cause.toString();
        if (!responseStarted) {
            if (upstreamReused && !freshRetryUsed) {
                freshRetryUsed = true;
                abandonUpstream();
                record.attempts--; // the same target again: a stale keep-alive connection is not an attempt
                attemptNow(true);
                return;
            }
            nextAttemptOrFail(ErrorCode.UPSTREAM_FAILED, "upstream " + target().hostPort() + " " + why
                    + " before responding");
            return;
        }
        cutStream("upstream " + target().hostPort() + " " + why + " mid-response");
    }

    void onUpstreamIdle(Channel ch) {
        if (ch != upstream || done) {
            return;
        }
        String why = "upstream " + target().hostPort() + " idle for " + rt.options().idleTimeout();
        if (!responseStarted) {
            abandonUpstream();
            fail(ErrorCode.UPSTREAM_TIMEOUT, why); // no retry: the model server may still be working on it
        } else {
            cutStream(why);
        }
    }

    // ---- client events (HttpFrontendHandler) ---------------------------------------------------------------

    /** The client closed its connection or a write to it failed: stop the upstream so the model server aborts. */
    void clientGone() {
        if (done) {
            return;
        }
        log.debug("request {}: client went away, closing upstream {}", record.requestId, record.endpoint);
        abandonUpstream();
        record.status = 499;
        record.errorType = "client_closed";
        end(false);
    }

    // ---- ending ----------------------------------------------------------------------------------------------

    private void finish(boolean success) {
        if (done) {
            return;
        }
        releaseLease();
        if (success && upstreamKeepAlive) {
            rt.upstreams().release(upstream, target().address());
        } else {
            upstream.close();
        }
        if (!success) {
            record.status = 499;
            record.errorType = "client_closed";
        }
        end(success && clientKeepAlive && !rt.isDraining());
    }

    private void fail(ErrorCode failure, String message) {
        releaseLease();
        record.status = failure.status();
        record.errorType = failure.type();
        boolean keepAlive = clientKeepAlive && !rt.isDraining();
        client.writeAndFlush(ErrorResponses.of(client.alloc(), failure, message, record.requestId, keepAlive));
        end(keepAlive);
    }

    /** The response started but cannot be completed: end it as cleanly as the framing allows, then close. */
    private void cutStream(String why) {
        log.warn("request {}: {}", record.requestId, why);
        abandonUpstream();
        record.errorType = "upstream_disconnected";
        if (chunkedToClient) {
            if (restorer != null) {
                ByteBuf held = sink.finish();
                if (held.isReadable()) {
                    client.write(new DefaultHttpContent(held));
                } else {
                    held.release();
                }
            }
            if (sse) {
                byte[] event = ("\n\ndata: " + new String(ErrorResponses.json("the model server connection was lost"
                        + " mid-stream", ErrorCode.UPSTREAM_FAILED.type(), ErrorCode.UPSTREAM_FAILED.code()),
                        StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8);
                client.write(new DefaultHttpContent(client.alloc().buffer(event.length).writeBytes(event)));
            }
            client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            client.flush();
        }
        end(false);
    }

    /** Exactly once: release the body, report the record, hand the connection back to the frontend. */
    private void end(boolean keepAlive) {
        done = true;
        plan.body().release();
        if (parked != null) {
            parked.forEach(ReferenceCountUtil::release);
            parked = null;
        }
        if (plan.picker() != null) {
            plan.picker().cancel(); // a no-op once the response phase ended the stream
        }
        record.promptTokens = tokens.promptTokens();
        record.completionTokens = tokens.completionTokens();
        rt.complete(record.toRecord(rt.nanoTime()));
        rt.exchangeEnded();
        frontend.exchangeDone(this, keepAlive);
    }

    // ---- headers ---------------------------------------------------------------------------------------------

    private static HttpHeaders upstreamHeaders(HttpRequest request, Plan.Forward plan, String requestId) {
        HttpHeaders h = request.headers().copy();
        removeHopByHop(h);
        h.remove(HttpHeaderNames.EXPECT);
        h.set(HeaderNames.X_REQUEST_ID, requestId);
        int length = plan.body().readableBytes();
        HttpMethod m = request.method();
        if (length > 0 || HttpMethod.POST.equals(m) || HttpMethod.PUT.equals(m) || HttpMethod.PATCH.equals(m)) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        } else {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        applyFilters(h, plan.filters(), HttpRoute.FilterType.REQUEST_HEADER_MODIFIER);
        return h;
    }

    private static void applyFilters(HttpHeaders h, List<HttpRoute.Filter> filters, HttpRoute.FilterType type) {
        for (HttpRoute.Filter f : filters) {
            if (f.type() != type) {
                continue;
            }
            f.headers().set().forEach(x -> h.set(x.name(), x.value()));
            f.headers().add().forEach(x -> h.add(x.name(), x.value()));
            f.headers().remove().forEach(h::remove);
        }
    }

    /** Removes connection-scoped headers (RFC 9110 §7.6.1), including those the Connection header names. */
    static void removeHopByHop(HttpHeaders h) {
        for (String c : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : c.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")) {
                    h.remove(name);
                }
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.UPGRADE);
    }

    /**
     * Feeds body chunks through the {@link ModelNameRestorer} into a new buffer: pass-through ranges are copied
     * from the input buffer, inserted bytes from the restorer. One per exchange; same event loop.
     */
    private final class RestoringSink implements ModelNameRestorer.Sink {
        private ByteBuf in;
        private ByteBuf out;
        private int base;

        ByteBuf restore(ByteBuf content, boolean last) {
            out = client.alloc().buffer(content.readableBytes() + restorer.client().tokenLength());
            in = content;
            ByteBuffer nio = content.nioBuffer();
            base = content.readerIndex() - nio.position();
            restorer.feed(nio, this);
            if (last) {
                restorer.finish(this);
            }
            in = null;
            ByteBuf result = out;
            out = null;
            return result;
        }

        ByteBuf finish() {
            out = client.alloc().buffer(restorer.heldBytes() + 1);
            restorer.finish(this);
            ByteBuf result = out;
            out = null;
            return result;
        }

        @Override
        public void passThrough(ByteBuffer chunk, int from, int to) {
            out.writeBytes(in, base + from, to - from);
        }

        @Override
        public void insert(byte[] bytes, int offset, int length) {
            out.writeBytes(bytes, offset, length);
        }
    }
}
