package io.infergate.extproc.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.infergate.gateway.admin.AdminServer;
import io.infergate.gateway.scrape.NettyMetricsFetcher;
import io.infergate.scheduler.datastore.MetricsScraper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code epp} process around an {@link EppState}: the ext_proc gRPC server (TLS unless turned off), the gRPC
 * health server, the metrics port, and the control plane that scrapes the model servers' metrics and refreshes
 * health watches.
 *
 * <p>Ports (defaults as the reference picker's): ext_proc 9002, health 9003, metrics 9090; 0 binds an ephemeral
 * port ({@link #boundPorts()}). The health and metrics ports are plaintext: kubelet probes and Prometheus scrape
 * them. The metrics port is {@code serve}'s {@link AdminServer} with an {@link EppAdminSource}: {@code /metrics},
 * {@code /healthz}, {@code /readyz} and {@code /api/pools}.
 *
 * <p>Threading: {@link #start()} and {@link #close()} from one non-gRPC thread. Streams run on the gRPC transport
 * threads (direct executor): nothing on the stream path blocks, so a hop to a thread pool would only add latency.
 * A stream that fails ends alone ({@link EppStream}); nothing a peer sends can stop the server.
 */
public final class EppServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EppServer.class);

    /**
     * @param host            the address every port binds
     * @param grpcPort        ext_proc
     * @param healthPort      grpc.health.v1
     * @param metricsPort     the admin server ({@code /metrics}, {@code /healthz}, {@code /readyz},
     *                        {@code /api/pools}); negative: none
     * @param certificate     TLS for the ext_proc port; empty: plaintext (h2c)
     * @param metricsInterval how often every endpoint's metrics are scraped; zero: never (tests)
     */
    public record Options(
            String host,
            int grpcPort,
            int healthPort,
            int metricsPort,
            Optional<ServingCertificate> certificate,
            Duration metricsInterval) {
        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(metricsInterval, "metricsInterval");
        }
    }

    private final EppState state;
    private final StreamSettings settings;
    private final Options options;
    private final PickerHealth health;
    private final EppAdminSource adminSource;
    private volatile boolean running;
    private Server grpc;
    private Server healthServer;
    private AdminServer metricsServer;
    private ScheduledExecutorService controlPlane;
    private NettyMetricsFetcher fetcher;
    private MetricsScraper scraper;

    /** @param ready whether the picker may take traffic (pool synced, leader when electing); must not block */
    public EppServer(EppState state, StreamSettings settings, Options options, BooleanSupplier ready) {
        this.state = Objects.requireNonNull(state, "state");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.options = Objects.requireNonNull(options, "options");
        this.health = new PickerHealth(() -> state.hasPool() && ready.getAsBoolean());
        this.adminSource = new EppAdminSource(state, ready, () -> running);
    }

    /**
     * Binds every port and starts scraping.
     *
     * @throws UncheckedIOException when a port cannot be bound (everything started is closed again)
     */
    public synchronized EppServer start() {
        try {
            ServerCredentials creds = options.certificate()
                    .<ServerCredentials>map(c -> {
                        try {
                            return TlsServerCredentials.create(
                                    new ByteArrayInputStream(c.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                                    new ByteArrayInputStream(c.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
                        } catch (IOException e) {
                            throw new UncheckedIOException("invalid serving certificate: " + e.getMessage(), e);
                        }
                    })
                    .orElseGet(InsecureServerCredentials::create);
            grpc = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.grpcPort()), creds)
                    .addService(new ExtProcService(state, settings))
                    .directExecutor()
                    .maxInboundMessageSize(16 * 1024 * 1024)
                    .build()
                    .start();
            healthServer = NettyServerBuilder.forAddress(
                            new InetSocketAddress(options.host(), options.healthPort()),
                            InsecureServerCredentials.create())
                    .addService(health)
                    .directExecutor()
                    .build()
                    .start();
            if (options.metricsPort() >= 0) {
                try {
                    metricsServer = new AdminServer(options.host(), options.metricsPort(), adminSource).start();
                } catch (IllegalStateException e) {
                    // the admin server names itself "admin listener"; here it is the metrics port
                    throw new IOException(
                            "metrics " + options.host() + ":" + options.metricsPort() + ": "
                                    + (e.getCause() == null
                                            ? e.getMessage()
                                            : e.getCause().getMessage()),
                            e);
                }
            }
            startControlPlane();
            running = true;
            log.info(
                    "endpoint picker for InferencePool {} listening: ext_proc {} ({}), health {}, metrics {}",
                    state.poolId(),
                    grpc.getPort(),
                    options.certificate().isPresent() ? "TLS" : "plaintext",
                    healthServer.getPort(),
                    metricsServer == null ? "off" : metricsServer.port());
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot bind the endpoint picker's ports: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startControlPlane() {
        controlPlane = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infergate-epp-control");
            t.setDaemon(true);
            return t;
        });
        controlPlane.scheduleWithFixedDelay(health::refresh, 200, 200, TimeUnit.MILLISECONDS);
        // flow control dispatches as capacity frees up (after every scrape) and expires what waited too long
        long poke = (options.metricsInterval().isZero() ? Duration.ofMillis(50) : options.metricsInterval()).toNanos();
        controlPlane.scheduleAtFixedRate(state.flows()::pokeAll, poke, poke, TimeUnit.NANOSECONDS);
        long sweep = state.sweepInterval().toNanos();
        controlPlane.scheduleAtFixedRate(state.flows()::sweepAll, sweep, sweep, TimeUnit.NANOSECONDS);
        if (!options.metricsInterval().isZero()) {
            fetcher = new NettyMetricsFetcher("http", "/metrics");
            scraper = new MetricsScraper(
                    state.datastore(),
                    fetcher,
                    System::nanoTime,
                    options.metricsInterval(),
                    MetricsScraper.defaultTimeout(options.metricsInterval()));
            scraper.start(controlPlane);
        }
    }

    /**
     * The Prometheus text of the picker: request counters and token histograms, the pool's gauges (ready endpoints,
     * scraped queue and KV averages), our in-flight load, the prefix index and the scheduling latency, with the
     * reference picker's names.
     */
    public String scrape() {
        return adminSource.metrics();
    }

    /** Ports actually bound: {@code grpc}, {@code health}, {@code metrics}. */
    public synchronized Map<String, Integer> boundPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (grpc != null) {
            ports.put("grpc", grpc.getPort());
        }
        if (healthServer != null) {
            ports.put("health", healthServer.getPort());
        }
        if (metricsServer != null) {
            ports.put("metrics", metricsServer.port());
        }
        return ports;
    }

    public PickerHealth health() {
        return health;
    }

    public EppState state() {
        return state;
    }

    /** Stops taking streams, lets running ones finish for up to five seconds, then stops everything. */
    @Override
    public synchronized void close() {
        running = false; // /healthz and /readyz turn 503 while the rest drains
        health.closeWatches();
        for (Server s : new Server[] {grpc, healthServer}) {
            if (s != null) {
                s.shutdown();
            }
        }
        for (Server s : new Server[] {grpc, healthServer}) {
            if (s != null) {
                try {
                    if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                        s.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    s.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (scraper != null) {
            scraper.close();
        }
        if (controlPlane != null) {
            controlPlane.shutdownNow();
        }
        if (fetcher != null) {
            fetcher.close();
        }
        grpc = null;
        healthServer = null;
        metricsServer = null;
    }
}
