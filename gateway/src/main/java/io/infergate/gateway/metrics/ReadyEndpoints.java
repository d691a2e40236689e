package io.infergate.gateway.metrics;

import io.infergate.gateway.config.PoolRuntime;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.pick.Endpoint;
import java.util.HashMap;
import java.util.Map;

/**
 * How many of a pool's endpoints count as ready for {@code /readyz}, {@code /api/pools} and
 * {@code inference_pool_ready_pods}: the pool's ready endpoints (Pod × target port) minus those whose
 * {@code /metrics} scrape was tried and failed, or whose last good values are older than
 * {@link EndpointFreshness#STALENESS_THRESHOLD}. A replica whose metrics endpoint is broken is usually a replica in
 * trouble, and an edge proxy that still calls it ready hides that from the operator's probes.
 *
 * <p>An endpoint not scraped yet still counts (no evidence against it, and a fresh pool must not flap to not
 * ready for one scrape interval), and so does every endpoint of a pool the datastore does not scrape (a pool with
 * an external endpoint picker, or one not published yet). Stateless; any thread; never blocks; a null datastore
 * means nothing is scraped.
 */
public final class ReadyEndpoints {

    private static final long THRESHOLD_NANOS = EndpointFreshness.STALENESS_THRESHOLD.toNanos();

    private ReadyEndpoints() {}

    /** The number of {@code pool}'s endpoints that count as ready at {@code nowNanos} (the scraper's clock). */
    public static int count(PoolRuntime pool, Datastore datastore, long nowNanos) {
        PoolState state = datastore == null ? null : datastore.state(pool.id());
        if (state == null) {
            return pool.snapshot().endpoints().size();
        }
        Map<String, EndpointSlot> slots = new HashMap<>();
        state.slots().forEach(s -> slots.put(s.hostPort(), s));
        int ready = 0;
        for (Endpoint e : pool.snapshot().endpoints()) {
            EndpointSlot slot = slots.get(e.hostPort());
            if (slot == null || countsReady(slot.metrics(), nowNanos)) {
                ready++;
            }
        }
        return ready;
    }

    /** Whether an endpoint with these scraped metrics counts as ready at {@code nowNanos}. */
    public static boolean countsReady(ScrapedMetrics metrics, long nowNanos) {
        if (metrics.attemptFailed()) {
            return false;
        }
        return !metrics.everRead() || metrics.ageNanos(nowNanos) <= THRESHOLD_NANOS;
    }
}
