package io.infergate.gateway.proxy;

import io.infergate.gateway.EdgeRefusals;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The request-header timeout of one client connection ({@code EdgeLimits.requestHeaderTimeout}): the first
 * request's headers must be complete within it from the accept (a TLS handshake and the HTTP/2 preface count), a
 * later request's from its first byte. When it passes, a {@link Expired} event travels down the pipeline: before
 * the HTTP version is known, and on HTTP/2, the connection closes; on HTTP/1.1 the {@link HttpFrontendHandler}
 * answers 408 and closes. The frontend reports progress with {@link #headersReceived} and {@link #betweenRequests}.
 *
 * <p>It sits first in the pipeline, before TLS, so that any byte counts as "the next request started". Between
 * keep-alive requests with no byte sent, the idle timeout governs instead. One per connection; event-loop
 * confined, never blocks.
 */
public final class HeaderDeadline extends ChannelInboundHandlerAdapter {

    /** The event fired when the deadline passes. */
    public static final class Expired {
        public static final Expired INSTANCE = new Expired();

        private Expired() {}
    }

    private final long timeoutNanos;
    private final EdgeRefusals refusals;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean armOnNextRead;
    private boolean done;

    /** @param refusals counts each expiry as {@link EdgeRefusals.Reason#HEADER_TIMEOUT} */
    public HeaderDeadline(long timeoutNanos, EdgeRefusals refusals) {
        this.timeoutNanos = timeoutNanos;
        this.refusals = refusals;
    }

    /** The deadline of {@code connection}'s pipeline, or null when it has none (TCP listeners, tests). */
    static HeaderDeadline of(Channel connection) {
        return connection == null ? null : connection.pipeline().get(HeaderDeadline.class);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            arm();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (armOnNextRead) {
            armOnNextRead = false;
            arm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done = true;
        cancel();
        ctx.fireChannelInactive();
    }

    /** A request's headers are complete: no deadline until the next request starts. */
    void headersReceived() {
        armOnNextRead = false;
        cancel();
    }

    /** HTTP/1.1 keep-alive: the response is done, the deadline starts again with the next request's first byte. */
    void betweenRequests() {
        cancel();
        armOnNextRead = true;
    }

    private void arm() {
        if (timer != null || done) {
            return;
        }
        timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire() {
        timer = null;
        if (!done && ctx.channel().isActive()) {
            refusals.refused(EdgeRefusals.Reason.HEADER_TIMEOUT);
            ctx.fireUserEventTriggered(Expired.INSTANCE);
        }
    }
}
