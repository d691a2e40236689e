package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.PostPick;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ours ({@code least-recently-picked-scorer}), after llm-d's {@code no-hit-lru-scorer}: min-max over when each
 * endpoint was last picked, longest ago best; an endpoint never picked scores best, one whose last scrape failed
 * worst (it is least recently picked because it is down). Among endpoints the load
 * signals cannot tell apart it rotates like round-robin, which keeps consecutive requests (and so their prefills)
 * off the same engine step.
 *
 * <p>Why: in the policy lab, with ShareGPT-like traffic on 8 replicas, round-robin beat every load-aware picker on
 * TTFT p90 below saturation (57 ms against 68 ms for least-in-flight at 800 req/s): equal counts tie, a random
 * tie-break sends neighbouring arrivals to the same engine, and their prefills share a step. With this scorer as a
 * tie-breaker the load-aware profile matches round-robin there and keeps its lead near saturation.
 *
 * <p>Thread-safe: pickers on several event loops record and read the last-pick times concurrently; a read may miss
 * a pick made a moment ago, which only makes the rotation less strict. Memory is one entry per endpoint address ever
 * picked, cleared when it passes {@value #MAX_TRACKED} (pods come and go in a cluster; a reset only forgets the
 * order for one rotation).
 */
public final class LeastRecentlyPickedScorer extends MinMaxScorer implements PostPick {

    public static final String TYPE = PluginTypes.LEAST_RECENTLY_PICKED_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, LeastRecentlyPickedScorer::new);

    static final int MAX_TRACKED = 65_536;
    /** Never picked: longer ago than anything picked (a value, not infinity, so min-max stays finite). */
    private static final double NEVER = -0x1p62;

    private final ConcurrentHashMap<String, AtomicLong> lastPick = new ConcurrentHashMap<>();

    public LeastRecentlyPickedScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public LeastRecentlyPickedScorer(String name) {
        super(TYPE, name);
    }

    @Override
    void values(Candidates c, double[] out) {
        for (int i = 0; i < c.size(); i++) {
            if (c.scraped(i).attemptFailed()) {
                out[i] = Double.NaN; // probably down: "least recently picked" only because it failed; scores 0
                continue;
            }
            AtomicLong t = lastPick.get(c.endpoint(i).hostPort());
            out[i] = t == null ? NEVER : t.get();
        }
    }

    @Override
    public void picked(SchedulingContext ctx, Endpoint primary) {
        if (lastPick.size() >= MAX_TRACKED) {
            lastPick.clear();
        }
        lastPick.computeIfAbsent(primary.hostPort(), k -> new AtomicLong()).set(ctx.nowNanos());
    }
}
