package io.infergate.simulator.server;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.fault.FaultInjector;
import io.infergate.simulator.http.MetricsSource;
import io.infergate.simulator.http.ServedModels;
import io.infergate.simulator.http.ServingContext;
import io.infergate.simulator.http.SimHttpServer;
import io.infergate.simulator.metrics.MetricsOptions;
import io.infergate.simulator.metrics.MetricsRenderer;
import io.infergate.simulator.runtime.RealtimeEngineRunner;
import io.infergate.simulator.time.SimClock;
import io.infergate.simulator.time.SystemSimClock;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One simulated model server: an {@link Engine} driven in wall-clock time by a
 * {@link RealtimeEngineRunner}, its vLLM-compatible HTTP server and its fault injector.
 *
 * <p>Lifecycle: {@link #start()} starts the engine thread (once), loads the static LoRA adapters and binds
 * the port; {@link #stop()} closes the listening socket and resets its connections (their requests are
 * aborted) while the engine keeps running, and a later {@link #start()} binds the same port again;
 * {@link #close()} stops everything for good.
 *
 * <p>Threading: {@link #start}, {@link #stop} and {@link #close} block until done and must not be called
 * from a Netty event loop; everything else is safe from any thread. Bad input: an unbindable port or a
 * static adapter the engine refuses makes {@link #start} throw {@link IllegalStateException}.
 */
public final class SimReplica implements AutoCloseable {

    private final ReplicaSpec spec;
    private final Engine engine;
    private final RealtimeEngineRunner runner;
    private final FaultInjector faults;
    private final ServedModels models;
    private final SimHttpServer server;
    private final EventLoopGroup ownedGroup;
    private boolean engineStarted;
    private boolean closed;

    /** A replica with its own event loop group (two threads). */
    public SimReplica(ReplicaSpec spec) {
        this(spec, null);
    }

    /**
     * A replica whose connections run on {@code group} (shared by a fleet; the caller owns it), or on a group
     * of its own when {@code group} is null.
     */
    public SimReplica(ReplicaSpec spec, EventLoopGroup group) {
        this.spec = Objects.requireNonNull(spec, "spec");
        SimClock clock = SystemSimClock.get();
        EngineMetrics metrics = spec.metricsFlavor().newEngineMetrics(spec.engine());
        this.engine = new Engine(spec.engine(), clock, metrics, spec.seed());
        this.runner = new RealtimeEngineRunner(engine, "engine-" + spec.name());
        this.faults = new FaultInjector(spec.faults(), mix(spec.seed() + 1));
        this.models = new ServedModels(runner, spec.modelRoot());
        MetricsOptions options = spec.metricsOptions();
        if (options.emitCreated() && options.createdUnixSeconds() == 0) {
            options = new MetricsOptions(
                    options.legacyVllmKvName(), options.engineLabel(), true, clock.unixSeconds(clock.nanoTime()));
        }
        MetricsSource metricsSource = metricsSource(spec, metrics, options);
        ServingContext sc =
                new ServingContext(runner, models, faults, metricsSource, mix(spec.seed() + 2), spec.http());
        this.ownedGroup = group == null ? new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory()) : null;
        this.server = new SimHttpServer(sc, group == null ? ownedGroup : group);
    }

    private static MetricsSource metricsSource(ReplicaSpec spec, EngineMetrics metrics, MetricsOptions options) {
        return new MetricsSource() {
            @Override
            public String contentType() {
                return spec.metricsFlavor().contentType();
            }

            @Override
            public String scrape() {
                return MetricsRenderer.render(spec.metricsFlavor(), metrics, options);
            }
        };
    }

    /**
     * Starts the engine (first time only) and binds the port: the spec's port the first time, the same port
     * again after a {@link #stop()}.
     *
     * @return this
     * @throws IllegalStateException if closed, the port cannot be bound, or a static adapter is refused
     */
    public synchronized SimReplica start() {
        if (closed) {
            throw new IllegalStateException("replica " + spec.name() + " is closed");
        }
        if (!engineStarted) {
            runner.start();
            engineStarted = true;
            for (Map.Entry<String, String> m : spec.loraModules().entrySet()) {
                try {
                    models.load(m.getKey(), m.getValue()).join();
                } catch (CompletionException e) {
                    throw new IllegalStateException(
                            "replica " + spec.name() + ": LoRA module '" + m.getKey() + "': "
                                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                            e);
                }
            }
        }
        if (!server.isListening()) {
            server.start(server.port() > 0 ? server.port() : spec.port());
        }
        return this;
    }

    /** Closes the listening socket and resets every connection; the engine keeps running. No-op when stopped. */
    public synchronized void stop() {
        server.stop();
    }

    public boolean isListening() {
        return server.isListening();
    }

    public ReplicaSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** The bound port (kept after {@link #stop()}), or -1 before the first start. */
    public int port() {
        return server.port();
    }

    /** {@code http://host:port} of the OpenAI-compatible server. */
    public String url() {
        String host = spec.http().host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    public Engine engine() {
        return engine;
    }

    public RealtimeEngineRunner runner() {
        return runner;
    }

    public FaultInjector faults() {
        return faults;
    }

    public ServedModels models() {
        return models;
    }

    /** Open client connections. */
    public int connectionCount() {
        return server.connectionCount();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop();
        runner.close();
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
