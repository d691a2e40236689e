package io.infergate.app.serve;

import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.admin.AdminServer;
import io.infergate.gateway.admin.ConfigStatus;
import io.infergate.gateway.metrics.GatewayMetrics;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code infergate serve}: the gateway, its admin listener, the config reloader and, for the embedded
 * default, the simulated replicas. {@link #close()} shuts them down in the order that drains cleanly: stop
 * reloading, report not ready ({@code /healthz} and {@code /readyz} turn 503 so a load balancer stops sending),
 * drain the gateway's in-flight requests (up to its drain timeout), then close the admin listener and the
 * replicas.
 *
 * <p>Threading: {@link #close()} blocks for the drain and must not run on an event loop; it is idempotent and
 * safe from a shutdown hook. Accessors are safe from any thread.
 */
public final class ServeRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServeRuntime.class);

    private final GatewayServer gateway;
    private final GatewayMetrics metrics;
    private final Optional<EmbeddedDefault> embedded;
    private final Supplier<ConfigStatus> status;
    private volatile boolean running;
    private AdminServer admin;
    private ConfigReloader reloader;
    private AutoCloseable cluster;
    private volatile BooleanSupplier ready = () -> true;
    private boolean closed;

    ServeRuntime(
            GatewayServer gateway,
            GatewayMetrics metrics,
            Optional<EmbeddedDefault> embedded,
            Supplier<ConfigStatus> status) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.embedded = Objects.requireNonNull(embedded, "embedded");
        this.status = Objects.requireNonNull(status, "status");
    }

    void admin(AdminServer admin) {
        this.admin = admin;
    }

    void reloader(ConfigReloader reloader) {
        this.reloader = reloader;
    }

    /** Cluster mode: the watch to close first, and what readiness also needs (synced, leader). */
    void cluster(AutoCloseable watch, BooleanSupplier clusterReady) {
        this.cluster = watch;
        this.ready = clusterReady;
    }

    void markRunning() {
        running = true;
    }

    public boolean isRunning() {
        return running;
    }

    /** Running, and in cluster mode synced (and leading, with leader election): what {@code /readyz} needs. */
    public boolean isServing() {
        return running && ready.getAsBoolean();
    }

    public GatewayServer gateway() {
        return gateway;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Listener id to bound port. */
    public Map<String, Integer> boundPorts() {
        return gateway.boundPorts();
    }

    /** The admin listener, if one was started. */
    public Optional<AdminServer> admin() {
        return Optional.ofNullable(admin);
    }

    /** The reloader, when serving config files. */
    public Optional<ConfigReloader> reloader() {
        return Optional.ofNullable(reloader);
    }

    /** The simulated replicas of the embedded default. */
    public Optional<EmbeddedDefault> embedded() {
        return embedded;
    }

    public ConfigStatus configStatus() {
        return status.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                log.warn("closing the cluster watch failed", e);
            }
        }
        if (reloader != null) {
            reloader.close();
        }
        log.info("shutting down: draining in-flight requests");
        gateway.close();
        if (admin != null) {
            admin.close();
        }
        embedded.ifPresent(EmbeddedDefault::close);
        log.info("shut down");
    }
}
