package io.infergate.simulator.http;

import io.infergate.simulator.fault.RequestFaults;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response on a connection, from the moment its request is dispatched until its response is
 * fully written, the connection is reset, or the client goes away. Endpoints answer through it; the
 * connection handler learns from it when the next pipelined request may start.
 *
 * <p>Threading: confined to the connection's event loop; code on other threads (the engine runner) must hop
 * with {@code eventLoop().execute} first. Every write after the exchange is done is dropped (its buffer
 * released), so late engine events after a disconnect are harmless.
 */
public final class HttpExchange {

    private static final Logger log = LoggerFactory.getLogger(HttpExchange.class);

    /** Receives the exchange when its response is complete (or abandoned). */
    interface Owner {
        void exchangeDone(HttpExchange exchange);
    }

    private final ChannelHandlerContext ctx;
    private final Owner owner;
    private final long maxPendingWriteBytes;
    private RequestFaults faults = RequestFaults.NONE;
    private Runnable onCancel;
    private boolean done;

    HttpExchange(ChannelHandlerContext ctx, Owner owner, long maxPendingWriteBytes) {
        this.ctx = ctx;
        this.owner = owner;
        this.maxPendingWriteBytes = maxPendingWriteBytes;
    }

    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    /** The faults drawn for this request (none unless it went through the fault gate). */
    public RequestFaults faults() {
        return faults;
    }

    void faults(RequestFaults f) {
        this.faults = f;
    }

    /** Whether the response is complete or abandoned; nothing more will be written. */
    public boolean isDone() {
        return done;
    }

    /** What to do if the client goes away before the response is complete (abort engine work, cancel timers). */
    public void onCancel(Runnable action) {
        this.onCancel = action;
    }

    /** Runs an endpoint, turning {@link ApiException}s into their error response and bugs into a 500. */
    void run(Endpoint endpoint, FullHttpRequest request) {
        try {
            endpoint.handle(this, request);
        } catch (ApiException e) {
            respondError(e.error());
        } catch (RuntimeException e) {
            log.warn("request handling failed", e);
            respondError(ApiError.internal("Internal server error: " + e));
        }
    }

    /** Sends a complete response and ends the exchange. */
    public void respond(FullHttpResponse response) {
        if (done) {
            response.release();
            return;
        }
        done = true;
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        owner.exchangeDone(this);
    }

    /** Sends the OpenAI-shaped error response of {@code e} and ends the exchange. */
    public void respondError(ApiError e) {
        if (!done) {
            respond(HttpResponses.error(alloc(), e));
        }
    }

    /** Starts a {@code text/event-stream} response (status 200, chunked). */
    public void startEventStream() {
        if (done) {
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpResponses.EVENT_STREAM);
        HttpUtil.setTransferEncodingChunked(head, true);
        ctx.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /**
     * Writes and flushes one piece of a streamed response.
     *
     * @return false if the piece was dropped because the exchange is done or the client has stopped reading
     *         (more than {@code maxPendingWriteBytes} queued); the caller then abandons the response
     */
    public boolean writeChunk(ByteBuf data) {
        if (done) {
            data.release();
            return false;
        }
        // the engine cannot be paused, so a slow reader's output queues in the channel; past the cap we give up
        if (ctx.channel().bytesBeforeWritable() > maxPendingWriteBytes) {
            data.release();
            log.debug("client on {} is not reading; dropping its stream", ctx.channel());
            return false;
        }
        ctx.writeAndFlush(new DefaultHttpContent(data)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        return true;
    }

    /** Ends a streamed response. */
    public void endStream() {
        if (done) {
            return;
        }
        done = true;
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        owner.exchangeDone(this);
    }

    /**
     * Abandons the response by resetting the connection (SO_LINGER 0, so the peer sees a TCP RST rather than
     * an orderly end): what a crashing server looks like from the outside.
     */
    public void reset() {
        done = true;
        resetChannel(ctx);
        owner.exchangeDone(this);
    }

    /** The client went away: the response will never complete. */
    void cancel() {
        if (done) {
            return;
        }
        done = true;
        Runnable c = onCancel;
        onCancel = null;
        if (c != null) {
            c.run();
        }
    }

    static void resetChannel(ChannelHandlerContext ctx) {
        if (ctx.channel().isOpen()) {
            try {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                log.debug("could not set SO_LINGER on {}", ctx.channel(), e);
            }
            ctx.channel().close();
        }
    }
}
