package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.WeightedScorer;
import java.util.List;
import java.util.Set;

/**
 * The named scheduling profiles a pool can use without an EndpointPickerConfig:
 * <ul>
 *   <li>{@value #GIE_V1_DEFAULT}: GIE v1.5's default, queue x2, KV x2, prefix x3, max-score;</li>
 *   <li>{@value #GIE_V0_FILTER_TREE}: GIE v0.5's shipped filter tree (example 1.6f), random among survivors;</li>
 *   <li>{@value #INFERGATE_DEFAULT}: ours, tuned in the policy lab: GIE's prefix and KV signals, our exact count
 *       of prompts waiting for their first token, rotation among equals in pools without adapters, and sticky LoRA
 *       placement with GIE's queue signal in pools with adapters ({@link #infergateDefault}).</li>
 * </ul>
 * Every profile returns up to {@link #FALLBACKS} endpoints, best first: GIE's default is one, but the gateway
 * retries a failed connection or an early 5xx on the next, and extra endpoints never change the first choice.
 *
 * <p>Stateless; each call builds a new profile around the given prefix index (shared per pool).
 */
public final class BuiltInProfiles {

    public static final String GIE_V1_DEFAULT = "gie-v1-default";
    public static final String GIE_V0_FILTER_TREE = "gie-v0-filter-tree";
    public static final String INFERGATE_DEFAULT = "infergate-default";
    public static final Set<String> NAMES = Set.of(GIE_V1_DEFAULT, GIE_V0_FILTER_TREE, INFERGATE_DEFAULT);
    public static final int FALLBACKS = 3;

    private BuiltInProfiles() {}

    /**
     * The profile called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static SchedulerProfile named(String name, PrefixIndex index, PrefixHasher hasher) {
        return switch (name) {
            case GIE_V1_DEFAULT ->
                new SchedulerProfile(
                        name,
                        List.of(),
                        List.of(
                                new WeightedScorer(new QueueScorer(), 2),
                                new WeightedScorer(new KvCacheUtilizationScorer(), 2),
                                new WeightedScorer(new PrefixCacheScorer(index, hasher, true), 3)),
                        new MaxScorePicker(),
                        FALLBACKS);
            case GIE_V0_FILTER_TREE ->
                new SchedulerProfile(name, List.of(filterTree()), List.of(), new RandomPicker(), FALLBACKS);
            case INFERGATE_DEFAULT -> infergateDefault(name, index, hasher);
            default ->
                throw new IllegalArgumentException("scheduling profile \"" + name + "\" (expected one of: "
                        + String.join(", ", List.of(GIE_V1_DEFAULT, GIE_V0_FILTER_TREE, INFERGATE_DEFAULT)) + ")");
        };
    }

    /**
     * Ours, tuned in the policy lab (docs/benchmarks.md, "Policy lab"): GIE's prefix affinity and KV headroom, our
     * session affinity, and load signals that depend on the pool. Every pool: the prompts still waiting for their
     * first token (ours, exact, x1). Pools without adapters: those prompts again (x1 more) and the least recently
     * picked endpoint (x1), which spread neighbouring requests like round-robin where scraped queues would herd.
     * Pools with adapters: the sticky LoRA affinity filter first, then GIE's scraped queue plus our requests sent
     * since the scrape (x2), which keeps each adapter on few engines (see {@link LoraPoolGate} for why the two kinds differ).
     */
    /**
     * {@code infergate-default}'s prefill lead limit ({@link PrefixCacheScorer}): an endpoint with more than 4 of our
     * prompts waiting beyond the least loaded one loses its prefix credit, so a prefix every request shares cannot
     * send all traffic to one replica.
     */
    static final int INFERGATE_DEFAULT_PREFILL_LEAD = 4;

    static SchedulerProfile infergateDefault(String name, PrefixIndex index, PrefixHasher hasher) {
        return new SchedulerProfile(
                name,
                List.of(new StickyLoraFilter()),
                List.of(
                        new WeightedScorer(
                                new PrefixCacheScorer(
                                        PrefixCacheScorer.TYPE, index, hasher, true, INFERGATE_DEFAULT_PREFILL_LEAD),
                                3),
                        new WeightedScorer(new KvCacheUtilizationScorer(), 1),
                        new WeightedScorer(new SessionAffinityScorer(SessionAffinityScorer.DEFAULT_MAX_SESSIONS), 1),
                        new WeightedScorer(new PrefillQueueScorer(), 1),
                        new WeightedScorer(new LoraPoolGate(new PrefillQueueScorer(), false), 1),
                        new WeightedScorer(new LoraPoolGate(new LeastRecentlyPickedScorer(), false), 1),
                        new WeightedScorer(new LoraPoolGate(QueueScorer.countingOurs(), true), 2)),
                new MaxScorePicker(),
                FALLBACKS);
    }

    /** GIE v0.5.1's {@code low-latency-filter} tree of example 1.6f. */
    static DecisionTreeFilter filterTree() {
        LowQueueFilter lowQueue = new LowQueueFilter(LowQueueFilter.TYPE, LowQueueFilter.DEFAULT_THRESHOLD);
        LoraAffinityFilter lora = new LoraAffinityFilter(LoraAffinityFilter.TYPE, LoraAffinityFilter.DEFAULT_THRESHOLD);
        LeastBandFilter leastQueue = LeastBandFilter.queue(LeastBandFilter.QUEUE_TYPE);
        LeastBandFilter leastKv = LeastBandFilter.kvCache(LeastBandFilter.KV_TYPE);
        DecisionTreeFilter.Node kvLeaf = leaf(leastKv);
        DecisionTreeFilter.Node onSuccess = new DecisionTreeFilter.Node(
                lora, null, null, new DecisionTreeFilter.Node(leastQueue, null, null, kvLeaf));
        DecisionTreeFilter.Node onFailure = new DecisionTreeFilter.Node(
                leastQueue, null, null, new DecisionTreeFilter.Node(lora, null, null, leaf(leastKv)));
        return new DecisionTreeFilter(
                "low-latency-filter", new DecisionTreeFilter.Node(lowQueue, onSuccess, onFailure, null));
    }

    private static DecisionTreeFilter.Node leaf(SelectingFilter f) {
        return new DecisionTreeFilter.Node(f, null, null, null);
    }
}
