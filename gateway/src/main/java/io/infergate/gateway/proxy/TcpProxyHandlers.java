package io.infergate.gateway.proxy;

import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.ServiceTarget;
import io.infergate.gateway.route.BackendChoice;
import io.infergate.gateway.route.RouteMatch;
import io.infergate.gateway.route.ServiceBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L4 proxy of TCP listeners: the HexDumpProxy shape exactly. The frontend (client side, {@code autoRead} off)
 * picks a Service endpoint round-robin from the listener's TCPRoute when the connection opens, connects on its own
 * event loop (trying the next endpoint when a connect fails), and only then starts reading. Each side reads one
 * buffer, writes it to the other side, and reads again only when that write has succeeded: neither side buffers
 * more than one read. When either side closes, the other is flushed and closed.
 *
 * <p>Threading: both channels live on one event loop; the handlers hold plain fields. Idle connections (no read or
 * write on one side for the idle timeout) are closed.
 */
public final class TcpProxyHandlers {

    private static final Logger log = LoggerFactory.getLogger(TcpProxyHandlers.class);

    private TcpProxyHandlers() {}

    /** The client side; the server bootstrap must set {@code AUTO_READ} false on accepted channels. */
    public static final class Frontend extends ChannelInboundHandlerAdapter {
        private final ProxyRuntime rt;
        private final String listenerId;
        private Channel outbound;

        public Frontend(ProxyRuntime rt, String listenerId) {
            this.rt = rt;
            this.listenerId = listenerId;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            GatewayConfig config = rt.config();
            ListenerConfig listener = config.listener(listenerId);
            Optional<RouteMatch> route =
                    listener == null ? Optional.empty() : listener.tcpRoutes().flatMap(t -> t.target());
            if (route.isEmpty()) {
                log.debug("TCP listener {}: no TCPRoute attached, closing {}", listenerId, ctx.channel());
                ctx.close();
                return;
            }
            List<InetSocketAddress> endpoints = List.of();
            if (route.get().backends().choose(rt.options().random().get())
                    instanceof BackendChoice.Picked(ServiceBackend svc, var unused)) {
                ServiceTarget target = config.service(svc);
                endpoints = target == null ? List.of() : target.rotation();
            }
            if (endpoints.isEmpty()) {
                log.warn(
                        "TCP listener {}: {} has no usable endpoint, closing {}",
                        listenerId,
                        route.get().route(),
                        ctx.channel());
                ctx.close();
                return;
            }
            connect(ctx, endpoints, 0);
        }

        private void connect(ChannelHandlerContext ctx, List<InetSocketAddress> endpoints, int i) {
            Channel inbound = ctx.channel();
            UpstreamTarget target = UpstreamTarget.of(endpoints.get(i));
            long idleNanos = rt.options().idleTimeout().toNanos();
            Bootstrap b = new Bootstrap()
                    .group(inbound.eventLoop())
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                            rt.options().connectTimeout().toMillis())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline()
                                    .addLast(
                                            new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS),
                                            new Backend(inbound));
                        }
                    });
            b.connect(target.address()).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    outbound = f.channel();
                    if (!inbound.isActive()) {
                        outbound.close();
                        return;
                    }
                    inbound.read();
                } else if (RetryRule.DEFAULT.decide(
                                        AttemptFailure.ConnectFailed.of(f.cause()),
                                        new AttemptState(i, endpoints.size(), false, false))
                                instanceof RetryDecision.NextEndpoint
                        && inbound.isActive()) {
                    connect(ctx, endpoints, i + 1);
                } else {
                    log.warn(
                            "TCP listener {}: cannot connect to {}: {}",
                            listenerId,
                            target.hostPort(),
                            f.cause().toString());
                    inbound.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel inbound = ctx.channel();
            outbound.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    inbound.read();
                } else {
                    f.channel().close();
                    inbound.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (outbound != null) {
                closeOnFlush(outbound);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent || evt == DrainEvent.INSTANCE) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("TCP client connection {} failed", ctx.channel(), cause);
            closeOnFlush(ctx.channel());
        }
    }

    /** The upstream side: reads only after the client took the previous buffer. */
    static final class Backend extends ChannelInboundHandlerAdapter {
        private final Channel inbound;

        Backend(Channel inbound) {
            this.inbound = inbound;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            inbound.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ctx.channel().read();
                } else {
                    f.channel().close();
                    ctx.close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(inbound);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }

    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
