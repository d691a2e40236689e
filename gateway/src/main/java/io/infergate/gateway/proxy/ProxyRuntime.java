package io.infergate.gateway.proxy;

import io.infergate.api.model.PoolFaultLimits;
import io.infergate.gateway.EdgeRefusals;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.ProxyListener;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.pick.InFlightTracker;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection handler of one gateway shares: the current configuration (read once per request), the
 * options, the in-flight tracker, the router, the upstream connector, the budget of buffered request bytes, and the
 * drain state. Thread-safe: the config supplier reads an atomic reference, the counters are atomics, everything
 * else is immutable.
 */
public final class ProxyRuntime {

    private static final Logger log = LoggerFactory.getLogger(ProxyRuntime.class);

    private final Supplier<GatewayConfig> config;
    private final GatewayOptions options;
    private final ProxyListener listener;
    private final InFlightTracker inFlight;
    private final RequestRouter router;
    private final Upstreams upstreams;
    private final LongSupplier ticker;
    private final RequestBodyBudget bodyBudget;
    private final OutlierDetector outliers;
    private final EdgeRefusals refusals = new EdgeRefusals();
    private final AtomicInteger activeExchanges = new AtomicInteger();
    private final RetryLoads retryLoads = new RetryLoads();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean draining;

    public ProxyRuntime(
            Supplier<GatewayConfig> config,
            GatewayOptions options,
            ProxyListener listener,
            InFlightTracker inFlight,
            RequestRouter router,
            LongSupplier ticker) {
        this(config, options, listener, inFlight, router, ticker, router.outliers());
    }

    /** @param outliers the detector attempts are reported to (the one the router filters candidates with) */
    public ProxyRuntime(
            Supplier<GatewayConfig> config,
            GatewayOptions options,
            ProxyListener listener,
            InFlightTracker inFlight,
            RequestRouter router,
            LongSupplier ticker,
            OutlierDetector outliers) {
        this.outliers = Objects.requireNonNull(outliers, "outliers");
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.router = Objects.requireNonNull(router, "router");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.upstreams = new Upstreams(options);
        this.bodyBudget = new RequestBodyBudget(options.limits().maxBufferedRequestBytes());
    }

    public GatewayConfig config() {
        return config.get();
    }

    public GatewayOptions options() {
        return options;
    }

    InFlightTracker inFlight() {
        return inFlight;
    }

    RequestRouter router() {
        return router;
    }

    OutlierDetector outliers() {
        return outliers;
    }

    /** The edge's refusal counters ({@code infergate_edge_refusals_total}). */
    public EdgeRefusals refusals() {
        return refusals;
    }

    Upstreams upstreams() {
        return upstreams;
    }

    RequestBodyBudget bodyBudget() {
        return bodyBudget;
    }

    /** Request body bytes held right now by requests whose body is still arriving (for tests and metrics). */
    public long bufferedRequestBytes() {
        return bodyBudget.used();
    }

    long nanoTime() {
        return ticker.getAsLong();
    }

    void complete(RequestRecord record) {
        try {
            listener.onComplete(record);
        } catch (RuntimeException e) {
            log.warn("ProxyListener failed on request {}", record.requestId(), e);
        }
    }

    /** A request to {@code pool} (null: a Service) starts being forwarded; returns its pool's retry-budget count. */
    RetryLoads.Load exchangeStarted(PoolRuntime pool) {
        activeExchanges.incrementAndGet();
        return retryLoads.started(pool);
    }

    void exchangeEnded(RetryLoads.Load load) {
        retryLoads.ended(load);
        if (activeExchanges.decrementAndGet() == 0 && draining) {
            drained.complete(null);
        }
    }

    /**
     * A forwarded request wants to move on to another target for the first time: counts it as retrying in its
     * pool's {@code load}, unless the pool's budget has no room left ({@link RetryLoads#tryStartRetry}). A request
     * counted here calls {@link #retryEnded} when it ends.
     */
    boolean tryStartRetry(RetryRule rule, PoolFaultLimits pool, RetryLoads.Load load) {
        return retryLoads.tryStartRetry(budgeted(rule, pool), load);
    }

    /**
     * {@code rule} with this gateway's retry budget ({@link GatewayOptions#retryBudget()}) as the pool's annotations
     * set it ({@code infergate.io/retry-budget-*}; {@link PoolFaultLimits#NONE}: the flags).
     */
    RetryRule budgeted(RetryRule rule, PoolFaultLimits pool) {
        return rule.withBudget(options.retryBudget().over(pool));
    }

    void retryEnded(RetryLoads.Load load) {
        retryLoads.retryEnded(load);
    }

    /** Requests being forwarded right now (for draining and tests). */
    public int activeExchanges() {
        return activeExchanges.get();
    }

    /** Whether the gateway is shutting down: responses carry {@code Connection: close}. */
    public boolean isDraining() {
        return draining;
    }

    /** Starts draining; the returned future completes when no request is being forwarded any more. */
    public CompletableFuture<Void> drain() {
        draining = true;
        if (activeExchanges.get() == 0) {
            drained.complete(null);
        }
        return drained;
    }
}
