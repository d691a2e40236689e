package io.infergate.simulator.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 server of one replica (keep-alive, pipelining, chunked SSE). It can be stopped and started
 * again: {@link #stop()} closes the listening socket and resets every open connection (their clients see a
 * TCP RST and their engine requests are aborted), {@link #start(int)} binds again, by default to the port it
 * had, which is how a replica "crashes" and "comes back".
 *
 * <p>Threading: {@link #start}, {@link #stop} and {@link #close} are synchronized and block until the socket
 * is bound or closed, so they must not be called from one of the server's own event loops. Connections run
 * on the given event loop group, which the caller owns.
 */
public final class SimHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimHttpServer.class);

    private final ServingContext sc;
    private final SimRouter router;
    private final EventLoopGroup group;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile Channel listener;
    private volatile int port = -1;

    public SimHttpServer(ServingContext sc, EventLoopGroup group) {
        this.sc = Objects.requireNonNull(sc, "sc");
        this.group = Objects.requireNonNull(group, "group");
        this.router = SimRoutes.create(sc);
    }

    /**
     * Binds {@code port} (0 = an ephemeral port, or the port of the previous start if there was one).
     *
     * @return the bound port
     * @throws IllegalStateException if already started, or the port cannot be bound (the cause says why)
     */
    public synchronized int start(int requestedPort) {
        if (listener != null) {
            throw new IllegalStateException("server already listening on port " + port);
        }
        int bindPort = requestedPort == 0 && port > 0 ? port : requestedPort;
        HttpServerConfig config = sc.config();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new IdleStateHandler(0, 0, config.keepAliveTimeoutMs(), TimeUnit.MILLISECONDS));
                        p.addLast(new HttpServerCodec());
                        p.addLast(new HttpServerKeepAliveHandler());
                        p.addLast(new BodyLimitAggregator(config.maxBodyBytes()));
                        p.addLast(new ConnectionHandler(router, config));
                    }
                });
        try {
            listener = b.bind(new InetSocketAddress(config.host(), bindPort))
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot listen on " + config.host() + ":" + bindPort + ": " + e.getMessage(), e);
        }
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        log.debug("listening on {}:{}", config.host(), port);
        return port;
    }

    /** Closes the listening socket and resets all connections; a no-op when not listening. */
    public synchronized void stop() {
        if (listener == null) {
            return;
        }
        listener.close().syncUninterruptibly();
        listener = null;
        for (Channel ch : connections) {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                log.debug("could not set SO_LINGER on {}", ch, e);
            }
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    public boolean isListening() {
        return listener != null;
    }

    /** The bound port, or the last bound port after {@link #stop()}, or -1 if never started. */
    public int port() {
        return port;
    }

    /** Open client connections. */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public void close() {
        stop();
    }
}
