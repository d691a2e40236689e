package io.infergate.gateway.proxy;

import io.infergate.api.model.PoolFaultLimits;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.scheduler.pick.Lease;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded request as a state machine over {@link Phase}: the upstream attempts ({@link UpstreamAttempt},
 * retried as the plan's {@link RetryRule} decides), the response relayed to the client ({@link ResponseRelay}),
 * and the bookkeeping that must happen exactly once (lease release, {@link io.infergate.gateway.ProxyListener}
 * record, hand-back to the frontend). Every phase change goes through {@link #enter}.
 *
 * <h2>Threading</h2>
 * Everything runs on the client connection's event loop: the upstream channel is registered on that same loop
 * ({@link Upstreams}), so every callback here (client events from {@link HttpFrontendHandler}, upstream events
 * from {@link BackendHandler}, write and connect futures) happens on one thread and the fields need no
 * synchronisation. Callbacks from an upstream channel this exchange has already abandoned (after a retry) are
 * recognised by comparing the channel and ignored; so is everything once the exchange is {@link Phase#DONE}.
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
 * Every failure of an attempt (connect failed, closed, 5xx status, idle) goes to {@link RetryRule#decide}: the next
 * target, the same target on a fresh connection, or no retry. The lease of an abandoned attempt is released
 * before the next one is taken. Without a retry, a failure before the response started is a gateway error response
 * (a 5xx too: {@link ErrorCode#UPSTREAM_ERROR}, nothing of the model server's answer passed on), and after it the
 * stream is cut.
 *
 * <h2>External picker's response phase</h2>
 * When an external endpoint picker chose the endpoints ({@link Plan.Forward#picker()}), the final upstream response
 * headers (after any retries) are first reported to it with the endpoint that served them; the upstream events
 * that arrive meanwhile are held ({@link HeldResponse}) and reading stops, and the response goes on to the client,
 * with the headers the picker set, once its answer is back on this event loop (the picker's client bounds the
 * wait). The call is cancelled when the exchange ends, a no-op once the response phase closed it.
 *
 * <h2>Ending</h2>
 * Exactly one of: the response completed; a gateway error response; the stream was cut after it started (see
 * {@link ResponseRelay#cut}; the connection then closes); the client went away (the upstream connection is closed
 * so the model server aborts the request; status 499 in the record).
 */
final class ProxyExchange {

    /** Where the exchange stands; see {@link #enter} for the transitions. */
    enum Phase {
        /** A new connection to the attempt's target is being opened. */
        CONNECTING,
        /** The request went out (or is going out); no final response yet. A failure here may be retried. */
        AWAITING_RESPONSE,
        /** The final response headers went to the external picker; upstream events are held until it answers. */
        HOLDING,
        /** The response headers went to the client; the body is relayed. Nothing is retried from here on. */
        STREAMING,
        /** The last body chunk was written; the exchange ends when the client took it. */
        COMPLETE,
        /** Ended: the record was reported and the frontend told; every later event is ignored. */
        DONE;

        boolean responseStarted() {
            return this == STREAMING || this == COMPLETE;
        }

        boolean mayEnter(Phase next) {
            return switch (this) {
                case CONNECTING, AWAITING_RESPONSE -> next != COMPLETE;
                case HOLDING -> next == STREAMING || next == DONE;
                case STREAMING -> next == COMPLETE || next == DONE;
                case COMPLETE -> next == DONE;
                case DONE -> false;
            };
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);

    private final HttpFrontendHandler frontend;
    private final ChannelHandlerContext client;
    private final ProxyRuntime rt;
    private final RequestLog record;
    private final HttpRequest request;
    private final Plan.Forward plan;
    private final boolean clientKeepAlive;
    private final HttpHeaders upstreamHeaders;
    private final ResponseRelay relay;

    private Phase phase = Phase.CONNECTING;
    private UpstreamAttempt attempt;
    /** Whether this request moved on to another target and so counts against the retry budget until it ends. */
    private boolean retrying;
    /** The retry budget's count of this request's pool (set when it starts). */
    private RetryLoads.Load load;

    private HeldResponse held; // only in HOLDING

    ProxyExchange(
            HttpFrontendHandler frontend,
            ChannelHandlerContext client,
            ProxyRuntime rt,
            RequestLog record,
            HttpRequest request,
            Plan.Forward plan,
            boolean clientKeepAlive) {
        this.frontend = frontend;
        this.client = client;
        this.rt = rt;
        this.record = record;
        this.request = request;
        this.plan = plan;
        this.clientKeepAlive = clientKeepAlive;
        this.upstreamHeaders = ProxyHeaders.upstreamRequest(request, plan, record.requestId);
        this.relay = new ResponseRelay(client, rt, record, plan, clientKeepAlive);
    }

    void start() {
        load = rt.exchangeStarted(plan.pool());
        open(0, false);
    }

    /** The one place the phase changes. */
    private void enter(Phase next) {
        assert phase.mayEnter(next) : phase + " -> " + next;
        phase = next;
    }

    /** Whether an upstream event on {@code ch} is for this exchange's current attempt. */
    private boolean current(Channel ch) {
        return phase != Phase.DONE && ch == attempt.channel();
    }

    // ---- attempts ----------------------------------------------------------------------------------------------

    private void open(int index, boolean freshOnly) {
        UpstreamTarget t = plan.targets().get(index);
        record.attempts++;
        record.endpoint = t.hostPort();
        Lease lease = t.endpoint() == null
                ? null
                : rt.inFlight().acquire(t.endpoint(), plan.promptTokens(), plan.outputTokens());
        Channel reused =
                freshOnly ? null : rt.upstreams().reuse(client.channel().eventLoop(), t.address(), this);
        if (reused != null) {
            attempt = new UpstreamAttempt(index, t, reused, true, lease);
            send();
            return;
        }
        ChannelFuture f = rt.upstreams().connect(client.channel().eventLoop(), t.address(), this);
        attempt = new UpstreamAttempt(index, t, f.channel(), false, lease);
        enter(Phase.CONNECTING);
        f.addListener((ChannelFutureListener) cf -> {
            if (!current(cf.channel())) {
                cf.channel().close();
            } else if (cf.isSuccess()) {
                send();
            } else {
                failed(
                        AttemptFailure.ConnectFailed.of(cf.cause()),
                        "cannot connect to " + t.hostPort() + ": " + cf.cause().getMessage());
            }
        });
    }

    private void send() {
        enter(Phase.AWAITING_RESPONSE);
        Channel ch = attempt.channel();
        HttpRequest out = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                request.method(),
                request.uri(),
                plan.body().retainedDuplicate(),
                upstreamHeaders.copy(),
                EmptyHttpHeaders.INSTANCE);
        ch.writeAndFlush(out).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                onUpstreamClosed(f.channel(), f.cause());
            }
        });
        ch.read();
    }

    /**
     * Asks the retry rule about a failure of the current attempt and, when it says so, abandons the attempt and
     * opens the next one. Returns whether it did.
     */
    private boolean retried(AttemptFailure failure, String why) {
        reportFailure(failure);
        RetryDecision decision = rt.budgeted(plan.retry(), faults())
                .decide(
                        failure,
                        new AttemptState(
                                attempt.index(),
                                plan.targets().size(),
                                attempt.reused(),
                                phase.responseStarted(),
                                load.active(),
                                load.retrying()));
        switch (decision) {
            case RetryDecision.NextEndpoint n -> {
                if (!retrying) {
                    if (!rt.tryStartRetry(plan.retry(), faults(), load)) {
                        // another event loop took the budget's last room since the rule looked
                        log.debug("request {}: retry budget exhausted, not retrying ({})", record.requestId, why);
                        return false;
                    }
                    retrying = true;
                }
                log.debug(
                        "request {}: attempt {} failed ({}), trying the next endpoint",
                        record.requestId,
                        attempt.index() + 1,
                        why);
                attempt.abandon();
                open(attempt.index() + 1, false);
                return true;
            }
            case RetryDecision.FreshConnection f -> {
                attempt.abandon();
                record.attempts--; // the same target again: a stale keep-alive connection is not an attempt
                open(attempt.index(), true);
                return true;
            }
            case RetryDecision.NoRetry n -> {
                return false;
            }
        }
    }

    /**
     * Tells the outlier detector about a failed attempt on a pool endpoint: a failed connect, a 5xx, a close before
     * the response on a fresh connection, or a close after the response started (a stream the model server cut: it
     * answered on this connection, so the connection was sound; Envoy's outlier detection counts a TCP reset as a
     * locally originated error of the host, https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/upstream/outlier).
     * Not an idle timeout (a slow model is not a broken one), nor a close of a reused keep-alive connection before the
     * response (the server may have closed it idle).
     */
    private void reportFailure(AttemptFailure failure) {
        if (attempt.target().endpoint() == null) {
            return;
        }
        boolean counts = switch (failure) {
            case AttemptFailure.ConnectFailed c -> true;
            case AttemptFailure.ServerError e -> true;
            case AttemptFailure.Closed c -> !attempt.reused() || phase.responseStarted();
            case AttemptFailure.Idle i -> false;
        };
        if (counts) {
            rt.outliers().failed(attempt.target().endpoint(), faults());
        }
    }

    /** The outlier and retry-budget limits of the plan's pool ({@link PoolFaultLimits#NONE}: the flags'). */
    private PoolFaultLimits faults() {
        return plan.pool() == null ? PoolFaultLimits.NONE : plan.pool().faults();
    }

    /** A failure of the current attempt that is not a response: retried, or the end of the exchange. */
    private void failed(AttemptFailure failure, String why) {
        if (retried(failure, why)) {
            return;
        }
        if (phase.responseStarted()) {
            cutStream(why);
        } else {
            attempt.abandon(); // for a 5xx also the rest of its body: closing is the one way to skip it
            fail(failure.errorCode(), failure.answerStatus(), why);
        }
    }

    // ---- upstream events (BackendHandler) ----------------------------------------------------------------

    void onUpstreamMessage(Channel ch, Object msg) {
        if (!current(ch)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (phase == Phase.HOLDING) {
            held.add(msg);
            return;
        }
        if (msg instanceof HttpResponse resp) {
            if (resp.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                onUpstreamClosed(ch, resp.decoderResult().cause());
                return;
            }
            int code = resp.status().code();
            if (code >= 500) {
                // retried, or answered by the gateway: the model server's own 5xx never reaches the client
                ReferenceCountUtil.release(msg);
                failed(
                        new AttemptFailure.ServerError(code),
                        "upstream " + attempt.target().hostPort() + " answered " + code);
                return;
            }
            if (code < 200) {
                ReferenceCountUtil.release(msg); // interim response; the final one follows
                return;
            }
            if (plan.picker() != null) {
                askPicker(ch, resp);
                return;
            }
            startResponse(resp, List.of());
            if (!(msg instanceof HttpContent)) {
                return;
            }
        }
        if (msg instanceof HttpContent c) {
            onContent(ch, c);
        }
    }

    private void onContent(Channel ch, HttpContent c) {
        if (c.decoderResult().isFailure()) {
            c.release();
            onUpstreamClosed(ch, c.decoderResult().cause());
        } else if (relay.forward(c, attempt.lease())) {
            enter(Phase.COMPLETE);
            if (attempt.target().endpoint() != null) {
                // a success only once the whole answer came: a head followed by a cut stream is a failure
                rt.outliers().succeeded(attempt.target().endpoint());
            }
        }
    }

    private void startResponse(HttpResponse resp, List<HeaderEntry> pickerHeaders) {
        enter(Phase.STREAMING);
        relay.start(resp, pickerHeaders);
    }

    /**
     * Reports the served endpoint and the response headers to the external picker, and holds the upstream's
     * events (reading stops) until its answer is back on this event loop: its header mutations go on the
     * response to the client. The picker never fails a response: no answer in time means no mutations.
     */
    private void askPicker(Channel ch, HttpResponse resp) {
        enter(Phase.HOLDING);
        held = new HeldResponse(resp);
        plan.picker()
                .responseHeaders(held.headers(), attempt.target().hostPort())
                .whenCompleteAsync(
                        (set, error) -> {
                            if (!current(ch)) {
                                return; // end() released what was held
                            }
                            HeldResponse h = held;
                            held = null;
                            startResponse(h.response(), set == null ? List.of() : set);
                            if (h.response() instanceof HttpContent c) {
                                onContent(ch, c); // a full response: its body follows its headers
                            }
                            h.replay(
                                    m -> onUpstreamMessage(ch, m),
                                    () -> onUpstreamReadComplete(ch),
                                    cause -> onUpstreamClosed(ch, cause));
                        },
                        client.executor());
    }

    void onUpstreamReadComplete(Channel ch) {
        if (!current(ch)) {
            return;
        }
        if (phase == Phase.HOLDING) {
            held.readComplete(); // no further read until the picker answered
            return;
        }
        ChannelFuture f = relay.takeLastWrite();
        if (f == null) {
            // the decoder needs more bytes before it produces anything
            if (phase != Phase.COMPLETE) {
                ch.read();
            }
            return;
        }
        client.flush();
        if (phase == Phase.COMPLETE) {
            f.addListener((ChannelFutureListener) w -> finish(w.isSuccess()));
        } else {
            f.addListener((ChannelFutureListener) w -> {
                if (phase == Phase.DONE) {
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
        if (!current(ch) || phase == Phase.COMPLETE) {
            return;
        }
        if (phase == Phase.HOLDING) {
            held.closed(cause); // judged after the held messages, which may hold the whole response
            return;
        }
        String why = "upstream " + attempt.target().hostPort() + " "
                + (cause == null ? "closed the connection" : cause.toString())
                + (phase.responseStarted() ? " mid-response" : " before responding");
        failed(new AttemptFailure.Closed(), why);
    }

    void onUpstreamIdle(Channel ch) {
        if (!current(ch)) {
            return;
        }
        failed(
                new AttemptFailure.Idle(),
                "upstream " + attempt.target().hostPort() + " idle for "
                        + rt.options().idleTimeout());
    }

    // ---- client events (HttpFrontendHandler) ---------------------------------------------------------------

    /** The client closed its connection or a write to it failed: stop the upstream so the model server aborts. */
    void clientGone() {
        if (phase == Phase.DONE) {
            return;
        }
        log.debug("request {}: client went away, closing upstream {}", record.requestId, record.endpoint);
        attempt.abandon();
        record.status = 499;
        record.errorType = "client_closed";
        end(false);
    }

    // ---- ending ----------------------------------------------------------------------------------------------

    private void finish(boolean success) {
        if (phase == Phase.DONE) {
            return;
        }
        attempt.finish(rt.upstreams(), success && relay.upstreamKeepAlive());
        if (!success) {
            record.status = 499;
            record.errorType = "client_closed";
        }
        end(success && clientKeepAlive && !rt.isDraining());
    }

    /** A gateway error response, before any response byte went to the client. */
    private void fail(ErrorCode failure, int status, String message) {
        attempt.releaseLease();
        record.status = status;
        record.errorType = failure.type();
        boolean keepAlive = clientKeepAlive && !rt.isDraining();
        client.writeAndFlush(ErrorResponses.of(client.alloc(), failure, status, message, record.requestId, keepAlive));
        end(keepAlive);
    }

    /** The response started but cannot be completed: end it as cleanly as the framing allows, then close. */
    private void cutStream(String why) {
        log.warn("request {}: {}", record.requestId, why);
        attempt.abandon();
        record.errorType = "upstream_disconnected";
        relay.cut();
        end(false);
    }

    /** Exactly once: release the body, report the record, hand the connection back to the frontend. */
    private void end(boolean keepAlive) {
        enter(Phase.DONE);
        plan.body().release();
        if (held != null) {
            held.release();
            held = null;
        }
        if (plan.picker() != null) {
            plan.picker().cancel(); // a no-op once the response phase ended the stream
        }
        relay.recordTokens();
        rt.complete(record.toRecord(rt.nanoTime()));
        if (retrying) {
            rt.retryEnded(load);
        }
        rt.exchangeEnded(load);
        frontend.exchangeDone(this, keepAlive);
    }
}
