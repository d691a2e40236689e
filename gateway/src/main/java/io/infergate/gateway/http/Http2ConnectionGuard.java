package io.infergate.gateway.http;

import io.infergate.gateway.proxy.DrainEvent;
import io.infergate.gateway.proxy.HeaderDeadline;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Connection-level lifecycle of an HTTP/2 client connection, which no single stream handler owns: an idle
 * connection (no bytes either way for the idle timeout) is closed only when no stream is open, since a model may
 * think for a long time before its first token and the upstream's own idle timer governs a waiting stream; on a
 * {@link DrainEvent} the connection is closed gracefully (Netty's codec sends GOAWAY, lets the open streams finish
 * within the drain timeout, then closes); when the request-header deadline passes before the first stream's
 * HEADERS ({@link HeaderDeadline.Expired}), the connection is closed.
 *
 * <p>Sits before the frame codec, after the connection's idle timer, so the events reach it first. Event-loop
 * confined.
 */
final class Http2ConnectionGuard extends ChannelInboundHandlerAdapter {

    private final Http2Connection connection;

    Http2ConnectionGuard(Http2Connection connection) {
        this.connection = connection;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (connection.numActiveStreams() == 0) {
                ctx.channel().close();
            }
            return;
        }
        if (evt == HeaderDeadline.Expired.INSTANCE) {
            // the preface and the first HEADERS did not arrive in time (the first stream's request disarms it)
            ctx.channel().close();
            return;
        }
        if (evt == DrainEvent.INSTANCE) {
            ctx.channel().close(); // through the codec: GOAWAY first, then close once the open streams are done
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
