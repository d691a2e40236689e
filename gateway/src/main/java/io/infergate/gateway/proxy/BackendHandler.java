package io.infergate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The upstream side of the proxy (the "backend handler" of Netty's HexDumpProxy): passes everything the model
 * server sends to the {@link ProxyExchange} that owns the connection, which writes it to the client and decides
 * when to read more. With no owner (the connection is idle in {@link Upstreams}) any data is a protocol error and
 * closes the connection.
 *
 * <p>Runs on the event loop of the client connection that created it; {@link #attach} is called on that loop too,
 * so the owner field needs no synchronisation.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private ProxyExchange exchange; // no need to be volatile: same event loop

    BackendHandler(ProxyExchange exchange) {
        this.exchange = exchange;
    }

    void attach(ProxyExchange owner) {
        this.exchange = owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        exchange.onUpstreamMessage(ctx.channel(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onUpstreamReadComplete(ctx.channel());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onUpstreamClosed(ctx.channel(), null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyExchange owner = exchange;
        ctx.close();
        if (owner != null) {
            owner.onUpstreamClosed(ctx.channel(), cause);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (exchange != null) {
                exchange.onUpstreamIdle(ctx.channel());
            } else {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
