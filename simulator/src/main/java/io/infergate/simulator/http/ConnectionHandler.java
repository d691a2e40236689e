package io.infergate.simulator.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a replica connection: serves one request at a time in arrival order (HTTP/1.1
 * pipelining: later requests wait, retained, until the current response is complete), aborts the current
 * request's engine work when the client goes away, and closes idle keep-alive connections.
 *
 * <p>Requests keep being read while one is served, so a disconnect is noticed at once even for a
 * non-streamed request that is still queued in the engine; the pipelining queue is bounded and overflowing
 * it closes the connection.
 *
 * <p>Threading: one instance per connection, confined to its event loop (no locks needed).
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements HttpExchange.Owner {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final SimRouter router;
    private final HttpServerConfig config;
    private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private HttpExchange current;

    ConnectionHandler(SimRouter router, HttpServerConfig config) {
        this.router = router;
        this.config = config;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null) {
            if (pipelined.size() >= config.maxPipelinedRequests()) {
                request.release();
                log.debug("{}: more than {} pipelined requests; closing", ctx.channel(), config.maxPipelinedRequests());
                ctx.close();
                return;
            }
            pipelined.add(request);
            return;
        }
        dispatch(request);
    }

    private void dispatch(FullHttpRequest request) {
        HttpExchange exchange = new HttpExchange(ctx, this, config.maxPendingWriteBytes());
        current = exchange;
        try {
            if (request.decoderResult().isFailure()) {
                exchange.respond(HttpResponses.closing(HttpResponses.error(
                        ctx.alloc(),
                        ApiError.badRequest("Malformed HTTP request: "
                                + request.decoderResult().cause()))));
                return;
            }
            exchange.run(router.route(request), request);
        } finally {
            request.release();
        }
    }

    @Override
    public void exchangeDone(HttpExchange exchange) {
        if (exchange != current) {
            return;
        }
        current = null;
        if (!pipelined.isEmpty()) {
            // not inline: the finishing endpoint may still be on the stack
            ctx.executor().execute(this::dispatchNext);
        }
    }

    private void dispatchNext() {
        if (current == null && ctx.channel().isActive()) {
            FullHttpRequest next = pipelined.poll();
            if (next != null) {
                dispatch(next);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        HttpExchange c = current;
        current = null;
        if (c != null) {
            c.cancel();
        }
        releasePipelined();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePipelined();
    }

    private void releasePipelined() {
        for (FullHttpRequest r; (r = pipelined.poll()) != null; ) {
            r.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // only idle keep-alive connections time out: a long generation writes nothing for a while
            if (current == null && pipelined.isEmpty()) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: connection error; closing", ctx.channel(), cause);
        ctx.close();
    }
}
