package io.infergate.gateway;

import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.proxy.OutlierDetector;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Data-plane settings that do not come from manifests. Immutable.
 *
 * @param bindHost            the address every listener binds, default {@code 0.0.0.0}
 * @param portMapper          the port to bind for a listener; default {@link ListenerConfig#port()}, tests map
 *                            every listener to 0 (ephemeral, see {@link GatewayServer#boundPorts()})
 * @param maxRequestBodyBytes request bodies above this are refused with 413, default 16 MiB
 * @param idleTimeout         a connection (client or upstream) with no read and no write for this long is closed;
 *                            there is no total timeout, so a long stream lives as long as tokens flow. Default 5 min
 * @param connectTimeout      upstream connect timeout, default 5 s
 * @param drainTimeout        how long {@link GatewayServer#close()} lets in-flight requests finish, default 30 s
 * @param eventLoopThreads    worker event loops, 0 = Netty's default (2 x cores)
 * @param random              the calling event loop's generator for weighted backend and model choices; default
 *                            {@code ThreadLocalRandom::current}; a test may pass one seeded generator when it
 *                            drives requests one at a time
 * @param limits              what slow, greedy or hostile clients may hold: HTTP/2 streams, buffered body bytes,
 *                            header and body timeouts, connections ({@link EdgeLimits#defaults()})
 * @param outliers            when a pool endpoint is ejected for failing, and for how long
 *                            ({@link OutlierDetector.Settings#DEFAULT})
 * @param retryBudget         how many requests may be retrying on another target at once
 *                            ({@link RetryBudget#DEFAULT})
 */
public record GatewayOptions(
        String bindHost,
        ToIntFunction<ListenerConfig> portMapper,
        int maxRequestBodyBytes,
        Duration idleTimeout,
        Duration connectTimeout,
        Duration drainTimeout,
        int eventLoopThreads,
        Supplier<RandomGenerator> random,
        EdgeLimits limits,
        OutlierDetector.Settings outliers,
        RetryBudget retryBudget) {

    public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

    public GatewayOptions {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(portMapper, "portMapper");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(outliers, "outliers");
        Objects.requireNonNull(retryBudget, "retryBudget");
        if (maxRequestBodyBytes < 1) {
            throw new IllegalArgumentException("maxRequestBodyBytes: " + maxRequestBodyBytes + " (expected: >= 1)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drainTimeout: " + drainTimeout + " (expected: >= 0)");
        }
        if (eventLoopThreads < 0) {
            throw new IllegalArgumentException("eventLoopThreads: " + eventLoopThreads + " (expected: >= 0)");
        }
    }

    public static GatewayOptions defaults() {
        return new GatewayOptions(
                "0.0.0.0",
                ListenerConfig::port,
                DEFAULT_MAX_REQUEST_BODY_BYTES,
                Duration.ofMinutes(5),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                0,
                ThreadLocalRandom::current,
                EdgeLimits.defaults(),
                OutlierDetector.Settings.DEFAULT,
                RetryBudget.DEFAULT);
    }

    public GatewayOptions withBindHost(String v) {
        return with(c -> c.bindHost = v);
    }

    public GatewayOptions withPortMapper(ToIntFunction<ListenerConfig> v) {
        return with(c -> c.portMapper = v);
    }

    public GatewayOptions withMaxRequestBodyBytes(int v) {
        return with(c -> c.maxRequestBodyBytes = v);
    }

    public GatewayOptions withIdleTimeout(Duration v) {
        return with(c -> c.idleTimeout = v);
    }

    public GatewayOptions withDrainTimeout(Duration v) {
        return with(c -> c.drainTimeout = v);
    }

    public GatewayOptions withEventLoopThreads(int v) {
        return with(c -> c.eventLoopThreads = v);
    }

    public GatewayOptions withRandom(Supplier<RandomGenerator> v) {
        return with(c -> c.random = v);
    }

    public GatewayOptions withLimits(EdgeLimits v) {
        return with(c -> c.limits = v);
    }

    public GatewayOptions withOutliers(OutlierDetector.Settings v) {
        return with(c -> c.outliers = v);
    }

    public GatewayOptions withRetryBudget(RetryBudget v) {
        return with(c -> c.retryBudget = v);
    }

    /** A copy with {@code change} applied to a mutable copy of the fields (validated again by the constructor). */
    private GatewayOptions with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** The fields of one copy while a {@code with...} method changes it; confined to that call. */
    private static final class Copy {
        String bindHost;
        ToIntFunction<ListenerConfig> portMapper;
        int maxRequestBodyBytes;
        Duration idleTimeout;
        Duration connectTimeout;
        Duration drainTimeout;
        int eventLoopThreads;
        Supplier<RandomGenerator> random;
        EdgeLimits limits;
        OutlierDetector.Settings outliers;
        RetryBudget retryBudget;

        Copy(GatewayOptions o) {
            bindHost = o.bindHost;
            portMapper = o.portMapper;
            maxRequestBodyBytes = o.maxRequestBodyBytes;
            idleTimeout = o.idleTimeout;
            connectTimeout = o.connectTimeout;
            drainTimeout = o.drainTimeout;
            eventLoopThreads = o.eventLoopThreads;
            random = o.random;
            limits = o.limits;
            outliers = o.outliers;
            retryBudget = o.retryBudget;
        }

        GatewayOptions build() {
            return new GatewayOptions(
                    bindHost,
                    portMapper,
                    maxRequestBodyBytes,
                    idleTimeout,
                    connectTimeout,
                    drainTimeout,
                    eventLoopThreads,
                    random,
                    limits,
                    outliers,
                    retryBudget);
        }
    }
}
