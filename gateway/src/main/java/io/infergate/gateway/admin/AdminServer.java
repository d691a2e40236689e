package io.infergate.gateway.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP/1.1 listener of both {@code infergate serve} and {@code infergate epp}: {@code GET /metrics}
 * (Prometheus text), {@code /healthz} (200 while running), {@code /readyz} (200 when the source's
 * {@link AdminSource#readiness() readiness} says ready, else 503 with the reasons), {@code /api/pools} and
 * {@code /api/config} (JSON), as far as the source serves them ({@link AdminSource#routes()}). Anything else is
 * 404, a known path with another method 405.
 *
 * <p>It has its own one-thread event loop group, so a slow scrape never delays the data plane and a busy data
 * plane never starves health checks. Bind it to localhost (the default of {@code infergate serve}) unless the
 * network is trusted: it shows the configuration. Idle connections are closed after 60 s.
 *
 * <p>Threading: {@link #start()} and {@link #close()} block until bound / closed and must not be called on an
 * event loop; {@link #port()} and {@link #url()} are safe from any thread after start. Start failures (port in
 * use, unknown host) throw {@link IllegalStateException} and leave nothing running.
 */
public final class AdminServer implements AutoCloseable {

    /** The default port of {@code infergate serve}'s admin listener (the reference EPP's metrics port, GIE {@code
     * cmd/epp/runner/runner.go}).
     */
    public static final int DEFAULT_PORT = 9090;

    private static final int MAX_REQUEST_BYTES = 16 * 1024;

    private final String host;
    private final int requestedPort;
    private final AdminSource source;
    private EventLoopGroup group;
    private volatile Channel channel;
    private volatile int port = -1;

    /**
     * @param host   the address to bind, e.g. {@code 127.0.0.1}
     * @param port   the port, 0 = ephemeral
     * @param source what to show
     */
    public AdminServer(String host, int port, AdminSource source) {
        this.host = Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 = ephemeral)");
        }
        this.requestedPort = port;
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Binds the port. @return this */
    public synchronized AdminServer start() {
        if (group != null) {
            throw new IllegalStateException("admin server already started");
        }
        Set<AdminRoute> routes = Set.copyOf(source.routes());
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS))
                                .addLast(new IdleCloser())
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast(new AdminHandler(source, routes));
                    }
                });
        ChannelFuture bound = b.bind(host, requestedPort).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw new IllegalStateException(
                    "admin listener: cannot bind " + host + ":" + requestedPort + ": "
                            + bound.cause().getMessage(),
                    bound.cause());
        }
        channel = bound.channel();
        port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        return this;
    }

    /** The bound port, or -1 before start. */
    public int port() {
        return port;
    }

    /** {@code http://host:port}. */
    public String url() {
        String h = host.equals("0.0.0.0") || host.equals("::")
                ? "127.0.0.1"
                : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "http://" + h + ":" + port;
    }

    @Override
    public synchronized void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            channel = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Closes a connection that stayed idle past the {@link IdleStateHandler}'s timeout. */
    private static final class IdleCloser extends ChannelDuplexHandler {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }
    }
}
