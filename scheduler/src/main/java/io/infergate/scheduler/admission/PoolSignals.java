package io.infergate.scheduler.admission;

import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool's saturation signals for flow control's capacity check: each endpoint's scraped waiting queue and KV use,
 * with one correction so that a burst between two scrapes cannot all pass on the same stale reading: an endpoint's
 * waiting queue also counts the requests of ours it has beyond what it reported as running and waiting (requests
 * we sent since its last scrape). Used by the gateway's flow controllers and by the policy lab; {@link #of(ScrapedMetrics,
 * long)} is the one mapping of a scrape onto {@link EndpointSignals}, which the scheduler's shedding check and the
 * {@code utilization-detector} filter use too.
 *
 * <p><b>Signals an engine does not export.</b> A signal the scrapes never yielded (TGI has no KV-usage gauge; a
 * custom mapping may disable the queue) contributes nothing: it reads as 0, so the endpoint is judged by the
 * signals it has. Only an endpoint with neither signal (never scraped, the last scrape failed, or nothing readable)
 * counts as having no metrics. Partial scrapes keep earlier values ({@code ModelServerMetrics.orElse}), so a signal
 * an engine does export does not drop out because one page missed it.
 *
 * <p>Stateless; safe from any thread (it reads the datastore and the tracker, both thread-safe).
 */
public final class PoolSignals {

    private PoolSignals() {}

    /** The signals of every endpoint of {@code pool} (empty when the pool is unknown: no capacity). */
    public static List<EndpointSignals> of(Datastore datastore, InFlightTracker inFlight, PoolId pool, long nowNanos) {
        List<EndpointLoad> loads = loads(datastore, inFlight, pool, nowNanos);
        List<EndpointSignals> out = new ArrayList<>(loads.size());
        for (int i = 0; i < loads.size(); i++) {
            out.add(loads.get(i).signals());
        }
        return out;
    }

    /**
     * The load of every endpoint of {@code pool}, each with its {@linkplain #of(Datastore, InFlightTracker, PoolId,
     * long) signals} (empty when the pool is unknown: no capacity).
     */
    public static List<EndpointLoad> loads(Datastore datastore, InFlightTracker inFlight, PoolId pool, long nowNanos) {
        PoolState state = datastore.state(pool);
        if (state == null) {
            return List.of();
        }
        List<EndpointLoad> out = new ArrayList<>(state.slots().size());
        for (int i = 0; i < state.slots().size(); i++) {
            EndpointSlot slot = state.slots().get(i);
            ScrapedMetrics s = slot.metrics();
            String hostPort = state.endpoints().get(i).hostPort();
            int ours = inFlight.inFlight(state.endpoints().get(i));
            int prefilling = inFlight.prefilling(state.endpoints().get(i));
            EndpointSignals scraped = of(s, nowNanos);
            if (!scraped.hasMetrics()) {
                out.add(new EndpointLoad(hostPort, scraped, s.readAtNanos(), 0, -1, ours, prefilling));
                continue;
            }
            int running = s.metrics().runningRequests();
            int waiting = queueWithOurs(scraped.waitingQueue(), running, ours);
            out.add(new EndpointLoad(
                    hostPort,
                    EndpointSignals.of(scraped.metricsAgeNanos(), waiting, scraped.kvUsage()),
                    s.readAtNanos(),
                    scraped.waitingQueue(),
                    Math.max(-1, running),
                    ours,
                    prefilling));
        }
        return out;
    }

    /**
     * An endpoint's waiting queue as of now: the scraped one plus the requests of ours it has beyond what it reported
     * as waiting and running (sent since its last scrape). The scheduler's {@code queue-scorer} reads it too, so
     * that a burst between two scrapes does not herd onto the endpoint whose last scrape looked emptiest.
     *
     * @param waiting scraped waiting queue, >= 0
     * @param running scraped running batch, or -1 when the engine does not export it
     * @param ours    our in-flight requests on the endpoint now
     */
    public static int queueWithOurs(int waiting, int running, int ours) {
        int reported = waiting + Math.max(0, running);
        return waiting + Math.max(0, ours - reported);
    }

    /**
     * One endpoint's scraped signals, uncorrected: {@link EndpointSignals#NO_METRICS} when the last scrape failed,
     * none succeeded yet, or it had neither a waiting queue nor a KV usage; otherwise the signals it has, a missing
     * one as 0 (see the class comment).
     */
    public static EndpointSignals of(ScrapedMetrics s, long nowNanos) {
        ModelServerMetrics m = s.metrics();
        if (s.failure() != null || !s.everRead() || !(m.hasWaitingQueue() || m.hasKvUsage())) {
            return EndpointSignals.NO_METRICS;
        }
        return EndpointSignals.of(
                s.ageNanos(nowNanos), m.hasWaitingQueue() ? m.waitingQueue() : 0, m.hasKvUsage() ? m.kvUsage() : 0.0);
    }
}
