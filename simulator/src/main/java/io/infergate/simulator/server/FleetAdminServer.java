package io.infergate.simulator.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's admin API (JSON over HTTP/1.1), see {@link AdminHandler} for the routes. Replica stops and
 * starts block, so they run on one admin thread of their own (one change at a time, in request order),
 * never on an event loop.
 *
 * <p>Threading: {@link #start} and {@link #close} block and must not run on an event loop.
 */
public final class FleetAdminServer implements AutoCloseable {

    /** Admin bodies are small fault configs. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final SimulatorFleet fleet;
    private final String host;
    private final EventLoopGroup group;
    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sim-admin");
        t.setDaemon(true);
        return t;
    });
    private volatile Channel listener;
    private volatile int port = -1;

    public FleetAdminServer(SimulatorFleet fleet, String host, EventLoopGroup group) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.host = Objects.requireNonNull(host, "host");
        this.group = Objects.requireNonNull(group, "group");
    }

    /**
     * @return the bound port
     * @throws IllegalStateException if the port cannot be bound
     */
    public synchronized int start(int requestedPort) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpServerKeepAliveHandler(),
                                        new HttpObjectAggregator(MAX_BODY_BYTES),
                                        new AdminHandler(fleet, lifecycle));
                    }
                });
        try {
            listener = b.bind(new InetSocketAddress(host, requestedPort))
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "admin server: cannot listen on " + host + ":" + requestedPort + ": " + e.getMessage(), e);
        }
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        return port;
    }

    public int port() {
        return port;
    }

    public String url() {
        String h = host.equals("0.0.0.0") || host.equals("::")
                ? "127.0.0.1"
                : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "http://" + h + ":" + port;
    }

    @Override
    public synchronized void close() {
        Channel l = listener;
        listener = null;
        if (l != null) {
            l.close().syncUninterruptibly();
        }
        lifecycle.shutdown();
        try {
            lifecycle.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
