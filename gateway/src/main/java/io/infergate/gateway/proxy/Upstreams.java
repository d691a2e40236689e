package io.infergate.gateway.proxy;

import io.infergate.gateway.GatewayOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Upstream HTTP/1.1 connections, kept alive and reused <b>per event loop</b>: a request on event loop L only ever
 * uses connections registered on L, so the pool of idle connections is a plain map in a {@link FastThreadLocal}
 * and needs no locks, and the exchange and its upstream channel share one thread (no handoff, no races).
 *
 * <p>Lifecycle of a connection: created with {@code autoRead} off (the exchange reads only when the client can
 * take more), used by one exchange at a time, returned with {@link #release} when a response ended cleanly and
 * both sides allow keep-alive. While idle in the pool it reads again (so a close by the server is noticed and the
 * channel leaves the pool at once); a byte arriving while idle is a protocol error and closes it. Idle pooled
 * connections close after the idle timeout. A request that fails on a reused connection before any response byte
 * is retried once on a fresh connection to the same address ({@link RetryRule}).
 */
final class Upstreams {

    /** Idle connections kept per address and event loop; more are closed on release. */
    static final int MAX_IDLE_PER_ADDRESS = 64;

    private final GatewayOptions options;
    private final FastThreadLocal<Map<InetSocketAddress, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<InetSocketAddress, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    Upstreams(GatewayOptions options) {
        this.options = options;
    }

    /**
     * An idle connection to {@code address} on {@code loop}, now owned by {@code exchange}, or null when there is
     * none. Must be called on {@code loop}.
     */
    Channel reuse(EventLoop loop, InetSocketAddress address, ProxyExchange exchange) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> q = idle.get().get(address);
        while (q != null && !q.isEmpty()) {
            Channel ch = q.pollLast();
            if (ch.isActive()) {
                ch.config().setAutoRead(false);
                ch.pipeline().get(BackendHandler.class).attach(exchange);
                return ch;
            }
        }
        return null;
    }

    /** Connects a new channel on {@code loop} (the client's loop), owned by {@code exchange}. */
    ChannelFuture connect(EventLoop loop, InetSocketAddress address, ProxyExchange exchange) {
        long idleNanos = options.idleTimeout().toNanos();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpClientCodec(),
                                        new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS),
                                        new BackendHandler(exchange));
                    }
                });
        ChannelFuture f = b.connect(address);
        Channel ch = f.channel();
        ch.closeFuture().addListener(cf -> {
            ArrayDeque<Channel> q = idle.get().get(address);
            if (q != null) {
                q.remove(ch);
            }
        });
        return f;
    }

    /** Returns a connection whose last exchange ended cleanly. Must be called on the channel's event loop. */
    void release(Channel ch, InetSocketAddress address) {
        ArrayDeque<Channel> q = idle.get().computeIfAbsent(address, a -> new ArrayDeque<>());
        if (!ch.isActive() || q.size() >= MAX_IDLE_PER_ADDRESS) {
            ch.close();
            return;
        }
        ch.pipeline().get(BackendHandler.class).attach(null);
        q.addLast(ch);
        ch.config().setAutoRead(true);
    }
}
