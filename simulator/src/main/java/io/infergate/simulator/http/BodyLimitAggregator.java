package io.infergate.simulator.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates request bodies up to a limit and answers a larger one with an OpenAI-shaped 413 (instead of
 * Netty's empty one), then closes the connection: the rest of that body is never read.
 *
 * <p>Threading: per connection, event loop.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {

    private final int maxBodyBytes;

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(
                        HttpResponses.closing(HttpResponses.error(ctx.alloc(), ApiError.payloadTooLarge(maxBodyBytes))))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
