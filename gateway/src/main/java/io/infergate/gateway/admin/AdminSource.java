package io.infergate.gateway.admin;

import io.infergate.gateway.GatewayServer;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.metrics.GatewayMetrics;
import io.infergate.gateway.metrics.SchedulingView;
import io.infergate.gateway.picker.PoolPickers;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the admin server shows. Every method is called on the admin event loop, once per admin request, and
 * must return promptly without blocking (reads of published snapshots and counters).
 */
public interface AdminSource {

    /** The configuration being served. */
    GatewayConfig config();

    /** Listener id to bound port, for listeners whose socket is open. */
    Map<String, Integer> boundPorts();

    /** The data plane's in-flight counters. */
    InFlightTracker inFlight();

    /** Whether the gateway is running (false before start and once a shutdown began). */
    boolean running();

    /** Where the configuration came from and the last reload's result. */
    ConfigStatus configStatus();

    /** The Prometheus text of the metrics. */
    String metrics();

    /**
     * The routes to answer; the others are 404. Read once, when the server starts. The default is every route,
     * as {@code infergate serve} has it.
     */
    default Set<AdminRoute> routes() {
        return EnumSet.allOf(AdminRoute.class);
    }

    /**
     * The {@code /readyz} verdict now. The default is the gateway's ({@link Readiness#of}): running, listeners
     * bound, a pool with a ready endpoint.
     */
    default Readiness readiness() {
        return Readiness.of(this);
    }

    /**
     * Whether {@code /api/pools} lists this pool of {@link #config()}. The default lists every pool; the endpoint
     * picker lists only the one it picks for.
     */
    default boolean shows(PoolId pool) {
        return true;
    }

    /**
     * Whether an endpoint whose {@code /metrics} scrape failed or is stale is left out of the ready endpoints of
     * {@code /api/pools} and {@code /readyz} ({@link io.infergate.gateway.metrics.ReadyEndpoints}). The default,
     * the gateway's, is true; the endpoint picker counts its pool's ready pods as GIE's EPP does.
     */
    default boolean readyNeedsMetrics() {
        return true;
    }

    /** Every pool's endpoints with their latest scraped metrics; null (the default) leaves them out of the API. */
    default Datastore datastore() {
        return null;
    }

    /** Each pool's scheduler and prefix index; null (the default) leaves them out of the API. */
    default PoolPickers pickers() {
        return null;
    }

    /**
     * Now, on the clock the scraper stamps read times with (the gateway's {@code System.nanoTime()}), for the
     * metrics' ages and staleness. Tests override it.
     */
    default long nanoTime() {
        return System.nanoTime();
    }

    /**
     * The usual wiring: a started {@link GatewayServer}, its metrics, the reloader's status and a running flag.
     */
    static AdminSource of(
            GatewayServer server, GatewayMetrics metrics, Supplier<ConfigStatus> status, BooleanSupplier running) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(running, "running");
        return new AdminSource() {
            @Override
            public GatewayConfig config() {
                return server.config();
            }

            @Override
            public Map<String, Integer> boundPorts() {
                return server.boundPorts();
            }

            @Override
            public InFlightTracker inFlight() {
                return server.inFlight();
            }

            @Override
            public boolean running() {
                return running.getAsBoolean();
            }

            @Override
            public ConfigStatus configStatus() {
                return status.get();
            }

            @Override
            public String metrics() {
                return metrics.scrape(
                        server.config(),
                        server.inFlight(),
                        new SchedulingView(server.datastore(), server.pickers(), server.schedulerLatency(), nanoTime()),
                        server.edgeRefusals());
            }

            @Override
            public Datastore datastore() {
                return server.datastore();
            }

            @Override
            public PoolPickers pickers() {
                return server.pickers();
            }
        };
    }
}
