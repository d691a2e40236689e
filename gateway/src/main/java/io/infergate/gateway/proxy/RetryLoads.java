package io.infergate.gateway.proxy;

import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.pick.PoolId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the retry budget counts, per pool: the requests being forwarded to it and those of them retrying, as Envoy
 * counts a retry budget's active requests and retries per cluster
 * (https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/cluster/v3/circuit_breaker.proto, {@code RetryBudget}).
 * A failing pool's retries are then bounded by its own traffic, not by that of a busy healthy pool next to it, and
 * a pool's annotated budget ({@code infergate.io/retry-budget-*}) is a share of its own requests. Requests to
 * Service backends share one count.
 *
 * <p>Keyed by pool id, so requests in flight across a reload count with the new requests of the same pool. An entry
 * is a few bytes and stays for the life of the process once its pool has had a request; pools are declared by the
 * operator, never by clients. Thread-safe (atomics, a concurrent map); never blocks.
 */
final class RetryLoads {

    /** One pool's requests being forwarded and those of them retrying. */
    static final class Load {
        private final AtomicInteger active = new AtomicInteger();
        private final AtomicInteger retrying = new AtomicInteger();

        int active() {
            return active.get();
        }

        int retrying() {
            return retrying.get();
        }
    }

    private final Load services = new Load();
    private final ConcurrentHashMap<PoolId, Load> pools = new ConcurrentHashMap<>();

    /** The count of {@code pool}'s requests ({@code null}: a Service backend's), counting one more active. */
    Load started(PoolRuntime pool) {
        Load load = pool == null ? services : pools.get(pool.id());
        if (load == null) {
            load = pools.computeIfAbsent(pool.id(), k -> new Load());
        }
        load.active.incrementAndGet();
        return load;
    }

    void ended(Load load) {
        load.active.decrementAndGet();
    }

    /**
     * Counts one more of {@code load}'s requests as retrying, unless {@code budgeted}'s budget has no room left.
     * Check and count are one atomic step, so event loops deciding at once cannot overdraw the budget.
     */
    boolean tryStartRetry(RetryRule budgeted, Load load) {
        while (true) {
            int retrying = load.retrying.get();
            if (!budgeted.budgetAllows(load.active.get(), retrying)) {
                return false;
            }
            if (load.retrying.compareAndSet(retrying, retrying + 1)) {
                return true;
            }
        }
    }

    void retryEnded(Load load) {
        load.retrying.decrementAndGet();
    }
}
