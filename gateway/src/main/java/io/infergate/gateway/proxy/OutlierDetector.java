package io.infergate.gateway.proxy;

import io.infergate.api.model.PoolFaultLimits;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outlier ejection per pool endpoint, in the manner of Envoy's outlier detection (consecutive 5xx / gateway
 * failures, {@code max_ejection_percent}; https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/upstream/outlier):
 * {@link Settings#consecutiveFailures} failed attempts in a row on one endpoint (a failed connect, a close before the
 * response on a fresh connection, a 5xx, a response cut off after it started; never a 4xx, which is the client's
 * doing, nor an idle timeout, which is a slow model) eject it for {@link Settings#baseEjection}, doubled for each ejection since its last success and capped
 * at {@link Settings#maxEjection}. An ejected endpoint is not a candidate of its pool ({@link #candidates}); at most
 * {@link Settings#maxEjectionPercent} percent of a pool's endpoints (rounded down) are held out at once, the ones
 * ejected first, so that a pool-wide failure (or a one-endpoint pool) still sends traffic somewhere and the client
 * gets the model server's own error rather than 503.
 *
 * <p>The settings are the {@code serve} flags' ({@code --outlier-*}) unless the pool's annotations set their own
 * ({@code infergate.io/outlier-*}, {@link PoolFaultLimits}): each call names the pool's limits, so each pool ejects
 * by its own rules. An endpoint that two pools share is one server and has one state; each pool applies its own
 * threshold and share to it.
 *
 * <p>State is kept per {@code host:port} only while an endpoint has failures or ejections to remember: a success
 * that leaves nothing to remember removes it, so the map holds only troubled endpoints. Thread-safe: event loops
 * report attempts and filter candidates concurrently; each endpoint's state is updated under its own brief lock.
 * Never blocks; time comes from the injected clock.
 */
public final class OutlierDetector {

    private static final Logger LOG = LoggerFactory.getLogger(OutlierDetector.class);

    /**
     * @param consecutiveFailures failed attempts in a row that eject an endpoint, >= 0 (Envoy's default: 5); 0 turns
     *                            ejection off
     * @param baseEjection        the first ejection's length (Envoy's default: 30 s)
     * @param maxEjection         the longest ejection (Envoy's default: 300 s)
     * @param maxEjectionPercent  the largest share of a pool held out at once, 0..100 (Envoy's default is 10 %; ours
     *                            is 50 %, because inference pools are small: 10 % of four replicas is none)
     */
    public record Settings(
            int consecutiveFailures, Duration baseEjection, Duration maxEjection, int maxEjectionPercent) {

        public static final Settings DEFAULT = new Settings(5, Duration.ofSeconds(30), Duration.ofSeconds(300), 50);

        public Settings {
            if (consecutiveFailures < 0) {
                throw new IllegalArgumentException(
                        "--outlier-consecutive-failures: " + consecutiveFailures + " (expected: >= 0, 0 = off)");
            }
            if (baseEjection.isNegative() || baseEjection.isZero() || maxEjection.compareTo(baseEjection) < 0) {
                throw new IllegalArgumentException("--outlier-base-ejection " + baseEjection
                        + ", --outlier-max-ejection " + maxEjection + " (expected: 0 < base <= max)");
            }
            if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
                throw new IllegalArgumentException(
                        "--outlier-max-ejection-percent: " + maxEjectionPercent + " (expected: 0..100)");
            }
        }

        /**
         * These settings with what a pool's annotations set over them; itself when they set nothing, so the usual
         * case makes no copy. An annotated base ejection longer than the max in force (the flag's) raises the max to
         * it: the annotation is the more specific word. The annotations were validated by {@link PoolFaultLimits#of}.
         */
        public Settings over(PoolFaultLimits pool) {
            if (pool.outliersUnset()) {
                return this;
            }
            Duration base = pool.baseEjection().orElse(baseEjection);
            Duration max = pool.maxEjection().orElse(maxEjection);
            return new Settings(
                    pool.consecutiveFailures().orElse(consecutiveFailures),
                    base,
                    max.compareTo(base) < 0 ? base : max,
                    pool.maxEjectionPercent().orElse(maxEjectionPercent));
        }
    }

    /** One troubled endpoint. Guarded by its own monitor. */
    private static final class State {
        int consecutive;
        int ejections;
        long ejectedAt;
        long ejectedUntil;

        boolean ejected(long now) {
            return ejections > 0 && now - ejectedUntil < 0;
        }
    }

    private final Settings settings;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    public OutlierDetector(Settings settings, LongSupplier nanoTime) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** {@link #failed(Endpoint, PoolFaultLimits)} with the flags' settings. */
    void failed(Endpoint endpoint) {
        failed(endpoint, PoolFaultLimits.NONE);
    }

    /**
     * An attempt on {@code endpoint} of the pool whose limits are {@code pool} failed in a way that counts (the caller
     * leaves out 4xx and idle timeouts).
     */
    void failed(Endpoint endpoint, PoolFaultLimits pool) {
        Settings settings = this.settings.over(pool);
        if (settings.consecutiveFailures() == 0) {
            return; // ejection turned off: nothing to remember
        }
        String key = endpoint.hostPort();
        State s = states.computeIfAbsent(key, k -> new State());
        long now = nanoTime.getAsLong();
        long until;
        int ejections;
        synchronized (s) {
            if (s.ejected(now)) {
                return; // requests already on their way when it was ejected: the ejection stands as it is
            }
            if (++s.consecutive < settings.consecutiveFailures) {
                return;
            }
            s.consecutive = 0;
            s.ejections++;
            long max = settings.maxEjection().toNanos();
            long length = settings.baseEjection().toNanos();
            for (int i = 1; i < s.ejections && length < max; i++) {
                length = length > max / 2 ? max : length * 2; // doubling, saturated at max without overflow
            }
            s.ejectedAt = now;
            s.ejectedUntil = now + length;
            until = length;
            ejections = s.ejections;
        }
        LOG.warn(
                "endpoint {} ejected for {} ms after {} failed attempts in a row (ejection {} since its last success)",
                key,
                until / 1_000_000,
                settings.consecutiveFailures(),
                ejections);
    }

    /** An attempt on {@code endpoint} got a whole response that is not a server error. */
    void succeeded(Endpoint endpoint) {
        if (states.isEmpty()) {
            return; // the common case: nothing to forget
        }
        states.computeIfPresent(endpoint.hostPort(), (k, s) -> {
            synchronized (s) {
                s.consecutive = 0;
                if (!s.ejected(nanoTime.getAsLong())) {
                    return null; // healthy again: its backoff starts over
                }
                return s;
            }
        });
    }

    /** Whether {@code endpoint} is ejected now (before the pool's cap is applied). */
    boolean ejected(Endpoint endpoint) {
        State s = states.get(endpoint.hostPort());
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return s.ejected(nanoTime.getAsLong());
        }
    }

    /** {@link #candidates(PoolSnapshot, PoolFaultLimits)} with the flags' settings. */
    public PoolSnapshot candidates(PoolSnapshot pool) {
        return candidates(pool, PoolFaultLimits.NONE);
    }

    /**
     * The pool's endpoints less the ejected ones, at most {@link Settings#maxEjectionPercent} percent of them (those
     * ejected earliest; the percent is the pool's annotation or the flag). Returns {@code pool} itself when nothing is
     * held out.
     */
    public PoolSnapshot candidates(PoolSnapshot pool, PoolFaultLimits limits) {
        if (states.isEmpty()) {
            return pool;
        }
        int cap = pool.endpoints().size() * settings.over(limits).maxEjectionPercent() / 100;
        if (cap == 0) {
            return pool;
        }
        long now = nanoTime.getAsLong();
        List<long[]> ejected = null; // {ejectedAt, index}
        for (int i = 0; i < pool.endpoints().size(); i++) {
            State s = states.get(pool.endpoints().get(i).hostPort());
            if (s == null) {
                continue;
            }
            synchronized (s) {
                if (s.ejected(now)) {
                    if (ejected == null) {
                        ejected = new ArrayList<>(2);
                    }
                    ejected.add(new long[] {s.ejectedAt, i});
                }
            }
        }
        if (ejected == null) {
            return pool;
        }
        ejected.sort(Comparator.comparingLong((long[] e) -> e[0]).thenComparingLong(e -> e[1]));
        boolean[] heldOut = new boolean[pool.endpoints().size()];
        for (int j = 0; j < Math.min(cap, ejected.size()); j++) {
            heldOut[(int) ejected.get(j)[1]] = true;
        }
        List<Endpoint> out = new ArrayList<>(pool.endpoints().size());
        for (int i = 0; i < pool.endpoints().size(); i++) {
            if (!heldOut[i]) {
                out.add(pool.endpoints().get(i));
            }
        }
        return new PoolSnapshot(pool.pool(), out);
    }
}
