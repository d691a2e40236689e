package io.infergate.gateway;

import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.ListenerGroup;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.http.HttpPipelines;
import io.infergate.gateway.metrics.SchedulerLatency;
import io.infergate.gateway.picker.ExternalPickers;
import io.infergate.gateway.picker.PoolFlowControls;
import io.infergate.gateway.picker.PoolPickers;
import io.infergate.gateway.picker.SchedulingOptions;
import io.infergate.gateway.proxy.DrainEvent;
import io.infergate.gateway.proxy.OutlierDetector;
import io.infergate.gateway.proxy.ProxyRuntime;
import io.infergate.gateway.proxy.RequestRouter;
import io.infergate.gateway.proxy.TcpProxyHandlers;
import io.infergate.gateway.scrape.NettyMetricsFetcher;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.MetricsScraper;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.prefix.BackgroundLearner;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone data plane: one server socket per port of the Gateway listeners (HTTP, HTTPS, TCP; listeners on
 * one port share it by hostname, see {@link ListenerGroup}), all on one Netty NIO
 * event-loop group, proxying to InferencePool endpoints and Services. HTTP listeners speak HTTP/1.1 and HTTP/2 with
 * prior knowledge; HTTPS listeners offer {@code h2} and {@code http/1.1} by ALPN (see {@link HttpPipelines}).
 *
 * <h2>Configuration</h2>
 * The current {@link GatewayConfig} sits in an {@link AtomicReference}; every request reads it once when its body
 * is complete and uses that instance to the end, so a reload never shows a request half of each. {@link #update}
 * swaps it, re-binds sockets whose port or protocol changed, binds new ones and closes removed ones
 * (their open connections finish their current request).
 *
 * <h2>Threading</h2>
 * {@link #start}, {@link #update} and {@link #close} block (binding, draining) and must not be called from an
 * event loop; they are serialised on this object. Everything else is safe from any thread.
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    /** One line per interval however many connections the caps close. */
    private static final ThrottledLog connectionCap = new ThrottledLog(log);

    private final AtomicReference<GatewayConfig> config;
    private final GatewayOptions options;
    private final InFlightTracker inFlight = new InFlightTracker();
    // each pool is read with its own extractor (its EndpointPickerConfig's core-metrics-extractor), set on publish
    private final Datastore datastore = new Datastore();
    // prefix-index updates after each pick run here, off the event loops (bounded; inline when it falls behind)
    private final BackgroundLearner prefixLearner = new BackgroundLearner();
    private final SchedulingOptions scheduling;
    private final PoolPickers pickers;
    private final PoolFlowControls flows;
    private final ExternalPickers external;
    private final SchedulerLatency schedulerLatency = new SchedulerLatency();
    private ScheduledExecutorService controlPlane;
    private MetricsScraper scraper;
    private NettyMetricsFetcher fetcher;
    private final ProxyRuntime runtime;
    private final Map<String, Bound> bound = new LinkedHashMap<>();
    // read without the lock: close() holds it for the whole drain, and the admin API must still answer
    private volatile Map<String, Integer> boundPorts = Map.of();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ChannelGroup connections;
    private boolean closed;

    private record Bound(ListenerGroup group, Channel channel) {
        int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }
    }

    public GatewayServer(GatewayConfig initial, GatewayOptions options, ProxyListener listener) {
        this(initial, options, SchedulingOptions.defaults(), listener);
    }

    public GatewayServer(
            GatewayConfig initial, GatewayOptions options, SchedulingOptions scheduling, ProxyListener listener) {
        this(initial, options, scheduling, listener, ExternalPickers.NONE);
    }

    /**
     * @param external the client of external endpoint pickers (pools whose {@code endpointPickerRef} names a
     *                 declared Service); this server owns it: it is told of every configuration before it is
     *                 published and closed with the server
     */
    public GatewayServer(
            GatewayConfig initial,
            GatewayOptions options,
            SchedulingOptions scheduling,
            ProxyListener listener,
            ExternalPickers external) {
        this.external = Objects.requireNonNull(external, "external");
        this.config = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
        this.options = Objects.requireNonNull(options, "options");
        this.scheduling = Objects.requireNonNull(scheduling, "scheduling");
        this.pickers =
                new PoolPickers(datastore, inFlight, scheduling, System::nanoTime, options.random(), prefixLearner);
        this.flows = new PoolFlowControls(datastore, inFlight, scheduling.flowControl(), System::nanoTime);
        pickers.update(initial);
        flows.update(initial);
        external.update(initial);
        OutlierDetector outliers = new OutlierDetector(options.outliers(), System::nanoTime);
        RequestRouter router = new RequestRouter(
                pickers::picker,
                pool -> flows.controller(pool.id()),
                config::get,
                System::nanoTime,
                schedulerLatency::record,
                scheduling.debugScores(),
                external,
                scheduling.clientObjectives(),
                outliers);
        ProxyListener user = Objects.requireNonNull(listener, "listener");
        ProxyListener poking = r -> {
            try {
                user.onComplete(r);
            } finally {
                flows.pokeAll(); // a request ended: capacity may have appeared for a queued one
            }
        };
        this.runtime = new ProxyRuntime(config::get, options, poking, inFlight, router, System::nanoTime, outliers);
    }

    /**
     * Binds every listener.
     *
     * @throws UncheckedIOException naming the listener and port when one cannot be bound (nothing stays bound)
     * @throws IllegalStateException if already started or closed
     */
    public synchronized void start() {
        if (boss != null || closed) {
            throw new IllegalStateException("gateway already started or closed");
        }
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(options.eventLoopThreads(), NioIoHandler.newFactory());
        connections = new DefaultChannelGroup("gateway-connections", GlobalEventExecutor.INSTANCE);
        startScraping();
        try {
            for (ListenerGroup g : config.get().groups()) {
                bind(g);
            }
        } catch (RuntimeException e) {
            shutdownNow();
            throw e;
        }
    }

    /**
     * The control plane: one daemon thread that starts the metrics scrapes, lets flow control dispatch after every
     * scrape interval and expires requests that waited past their TTL. The scrapes' I/O, and reading the pages, run
     * on the fetcher's own event loop ({@code infergate-scrape}), not on the proxy's workers.
     */
    private void startScraping() {
        controlPlane = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infergate-control");
            t.setDaemon(true);
            return t;
        });
        long poke = (scheduling.metricsInterval().isZero() ? Duration.ofMillis(50) : scheduling.metricsInterval())
                .toNanos();
        controlPlane.scheduleAtFixedRate(flows::pokeAll, poke, poke, TimeUnit.NANOSECONDS);
        long sweep = scheduling.flowControl().expirySweepInterval().toNanos();
        controlPlane.scheduleAtFixedRate(flows::sweepAll, sweep, sweep, TimeUnit.NANOSECONDS);
        if (scheduling.metricsInterval().isZero()) {
            return;
        }
        fetcher = new NettyMetricsFetcher("http", "/metrics");
        scraper = new MetricsScraper(
                datastore,
                fetcher,
                System::nanoTime,
                scheduling.metricsInterval(),
                MetricsScraper.defaultTimeout(scheduling.metricsInterval()));
        scraper.start(controlPlane);
    }

    private void stopScraping() {
        flows.close(); // anything still queued gets 503
        prefixLearner.close();
        if (scraper != null) {
            scraper.close();
        }
        if (controlPlane != null) {
            controlPlane.shutdownNow();
        }
        if (fetcher != null) {
            fetcher.close(); // after the ticks stopped; scrapes in flight fail, which nobody reads any more
        }
    }

    private int mappedPort(ListenerGroup g) {
        return options.portMapper().applyAsInt(g.first());
    }

    private void bind(ListenerGroup g) {
        int port = mappedPort(g);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(
                        g.isTcp()
                                ? tcpInitializer(g.key(), g.first().id(), new AtomicInteger())
                                : httpInitializer(g.key(), new AtomicInteger()));
        if (g.isTcp()) {
            b.childOption(ChannelOption.AUTO_READ, false);
        }
        String names =
                String.join(", ", g.listeners().stream().map(ListenerConfig::id).toList());
        Channel ch;
        try {
            ch = b.bind(options.bindHost(), port).syncUninterruptibly().channel();
        } catch (Exception e) {
            throw new UncheckedIOException(
                    "listener " + names + ": cannot bind " + options.bindHost() + ":" + port + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        Bound bd = new Bound(g, ch);
        bound.put(g.key(), bd);
        publishPorts();
        log.info("listener {} ({}) listening on {}:{}", names, g.protocol(), options.bindHost(), bd.port());
    }

    /**
     * Counts a new connection to the socket of {@code groupKey} against its cap ({@link EdgeLimits#maxConnections()},
     * or the listeners' {@value EdgeLimits#MAX_CONNECTIONS_ANNOTATION}), as of the current configuration. Over the
     * cap the connection is closed at once, before any byte is read, and a throttled warning is logged; otherwise
     * it is counted until it closes.
     */
    private boolean admit(SocketChannel ch, String groupKey, AtomicInteger open) {
        ListenerGroup g = config.get().group(groupKey);
        int cap = g == null
                ? options.limits().maxConnections()
                : g.maxConnections(options.limits().maxConnections());
        if (open.incrementAndGet() > cap) {
            open.decrementAndGet();
            runtime.refusals().refused(EdgeRefusals.Reason.TOO_MANY_CONNECTIONS);
            connectionCap.warn("listener " + (g == null ? groupKey : g.first().id()) + " has " + cap
                    + " open connections, its limit (" + EdgeLimits.MAX_CONNECTIONS_FLAG + " or the Gateway annotation "
                    + EdgeLimits.MAX_CONNECTIONS_ANNOTATION + "): closing new connections");
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    private ChannelInitializer<SocketChannel> httpInitializer(String groupKey, AtomicInteger open) {
        HttpPipelines pipelines = new HttpPipelines(runtime, groupKey);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (!admit(ch, groupKey, open)) {
                    return;
                }
                connections.add(ch);
                // the group as of now: a reload that changed certificates or hostnames applies to new connections
                ListenerGroup g = config.get().group(groupKey);
                if (g == null) {
                    ch.close();
                    return;
                }
                pipelines.initConnection(ch, g);
            }
        };
    }

    private ChannelInitializer<SocketChannel> tcpInitializer(String groupKey, String listenerId, AtomicInteger open) {
        long idleNanos = options.idleTimeout().toNanos();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (!admit(ch, groupKey, open)) {
                    return;
                }
                connections.add(ch);
                ch.pipeline()
                        .addLast(
                                new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS),
                                new TcpProxyHandlers.Frontend(runtime, listenerId));
            }
        };
    }

    /**
     * Publishes a new configuration: requests whose body completes after this call use it, connections accepted
     * after it get its TLS certificates. A socket is re-bound only when its port or protocol changed.
     *
     * @throws UncheckedIOException when a new or changed listener cannot be bound; the new configuration is still
     *                              in force and the other listeners are bound
     */
    public synchronized void update(GatewayConfig next) {
        Objects.requireNonNull(next, "next");
        if (closed) {
            throw new IllegalStateException("gateway is closed");
        }
        pickers.update(next); // before publishing: requests on the new config find their pool's scheduler ready
        flows.update(next);
        external.update(next);
        config.set(next);
        Set<String> hostPorts = new HashSet<>();
        for (PoolRuntime p : next.pools()) {
            for (Endpoint e : p.snapshot().endpoints()) {
                hostPorts.add(e.hostPort());
            }
        }
        inFlight.retainOnly(hostPorts);
        if (boss == null) {
            return; // not started: start() binds whatever is current
        }
        Set<String> keep = new HashSet<>();
        List<UncheckedIOException> failures = new ArrayList<>();
        for (ListenerGroup g : next.groups()) {
            keep.add(g.key());
            Bound old = bound.get(g.key());
            if (old != null
                    && old.group().protocol().equals(g.protocol())
                    && mappedPort(old.group()) == mappedPort(g)) {
                bound.put(g.key(), new Bound(g, old.channel()));
                publishPorts();
                continue;
            }
            if (old != null) {
                log.info(
                        "listener {} changed protocol or port, re-binding",
                        g.first().id());
                old.channel().close().syncUninterruptibly();
                bound.remove(g.key());
                publishPorts();
            }
            try {
                bind(g);
            } catch (UncheckedIOException e) {
                failures.add(e);
            }
        }
        for (var it = bound.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!keep.contains(e.getKey())) {
                log.info(
                        "listener {} removed, closing port {}",
                        e.getValue().group().listeners().stream()
                                .map(ListenerConfig::id)
                                .toList(),
                        e.getValue().port());
                e.getValue().channel().close().syncUninterruptibly();
                it.remove();
            }
        }
        publishPorts();
        if (!failures.isEmpty()) {
            UncheckedIOException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    public GatewayConfig config() {
        return config.get();
    }

    /** Listener id to the port it is bound to (listeners sharing a socket map to the same port). */
    public Map<String, Integer> boundPorts() {
        return boundPorts;
    }

    /** Called under the lock after every change to {@link #bound}. */
    private void publishPorts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        bound.values().forEach(b -> b.group().listeners().forEach(l -> out.put(l.id(), b.port())));
        boundPorts = Collections.unmodifiableMap(out);
    }

    public InFlightTracker inFlight() {
        return inFlight;
    }

    /** The edge's refusal counters, for {@code infergate_edge_refusals_total}. */
    public EdgeRefusals edgeRefusals() {
        return runtime.refusals();
    }

    /** Every pool's endpoints with their latest metrics. */
    public Datastore datastore() {
        return datastore;
    }

    /** The flow controllers of pools with flow control. */
    public PoolFlowControls flowControls() {
        return flows;
    }

    /** Each pool's scheduler and prefix index. */
    public PoolPickers pickers() {
        return pickers;
    }

    /** How long the endpoint picker's decisions take. */
    public SchedulerLatency schedulerLatency() {
        return schedulerLatency;
    }

    /** Request body bytes held right now by requests whose body is still arriving. */
    public long bufferedRequestBytes() {
        return runtime.bufferedRequestBytes();
    }

    /** Requests being forwarded right now. */
    public int activeRequests() {
        return runtime.activeExchanges();
    }

    /**
     * Stops accepting, lets in-flight requests finish for up to the drain timeout (idle keep-alive connections close
     * at once, busy ones after their response), then closes everything. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (boss == null) {
            external.close();
            return;
        }
        for (Bound b : bound.values()) {
            b.channel().close().syncUninterruptibly();
        }
        bound.clear();
        publishPorts();
        var drained = runtime.drain();
        for (Channel ch : connections) {
            ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);
        }
        try {
            drained.get(options.drainTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn(
                    "drain timeout {} reached with {} request(s) in flight; closing them",
                    options.drainTimeout(),
                    runtime.activeExchanges());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        shutdownNow();
    }

    private void shutdownNow() {
        stopScraping();
        external.close();
        for (Bound b : bound.values()) {
            b.channel().close();
        }
        bound.clear();
        publishPorts();
        if (connections != null) {
            connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
