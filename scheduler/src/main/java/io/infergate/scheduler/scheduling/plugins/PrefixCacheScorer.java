package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.PostPick;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import io.infergate.scheduler.scheduling.config.PrefixSettings;
import java.util.Objects;

/**
 * GIE {@code prefix-cache-scorer} with its {@code approx-prefix-cache-producer}: the score is the share of the
 * request's prompt blocks that the approximate index believes the endpoint holds (GIE's greedy longest-prefix
 * walk, {@link PrefixIndex#matchLengths}); after the pick the blocks are recorded for the chosen endpoint only.
 * With autoTune (GIE's default) an endpoint's index capacity follows its {@code num_gpu_blocks} when scraped.
 *
 * <p>Ours, off in GIE's profiles: a <em>prefill lead</em> limit. An endpoint with more than {@code maxPrefillLead}
 * of our prompts waiting for their first token beyond the least such count among the candidates gets no prefix
 * credit. Why: when every request shares one prompt prefix, the endpoint that learnt it first would otherwise win
 * every pick however long its queue grows (the credit outweighs every load signal of {@code infergate-default}),
 * and one replica takes all the traffic while the others idle; past the limit, a load signal decides, the request
 * goes to another endpoint, which learns the prefix in turn.
 *
 * <p>Thread-safe: the index is; the hasher is immutable.
 */
public final class PrefixCacheScorer implements Scorer, PostPick {

    public static final String TYPE = PluginTypes.PREFIX_CACHE_SCORER;

    /**
     * Builds it on the setup's shared index and hasher. Its parameters are the producer's ({@link PrefixSettings}),
     * checked here; the setup decides which plugin's settings hash (GIE: one producer).
     */
    public static final PluginFactory FACTORY = (name, p, h) -> {
        PrefixSettings.read(p);
        return new PluginInstance.Scorer(
                name,
                TYPE,
                new PrefixCacheScorer(
                        name,
                        h.prefixIndex(),
                        h.prefixHasher(),
                        h.prefixSettings().autoTune()));
    };

    private final String name;
    private final PrefixIndex index;
    private final PrefixHasher hasher;
    private final boolean autoTune;
    private final int maxPrefillLead;

    public PrefixCacheScorer(PrefixIndex index, PrefixHasher hasher, boolean autoTune) {
        this(TYPE, index, hasher, autoTune);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public PrefixCacheScorer(String name, PrefixIndex index, PrefixHasher hasher, boolean autoTune) {
        this(name, index, hasher, autoTune, NO_PREFILL_LEAD_LIMIT);
    }

    /**
     * @param maxPrefillLead how many more prompts waiting for their first token than the least loaded candidate an
     *                       endpoint may have and still get prefix credit; {@link #NO_PREFILL_LEAD_LIMIT} for none
     *                       (GIE's behaviour)
     */
    public PrefixCacheScorer(
            String name, PrefixIndex index, PrefixHasher hasher, boolean autoTune, int maxPrefillLead) {
        this.name = Objects.requireNonNull(name, "name");
        this.index = Objects.requireNonNull(index, "index");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.autoTune = autoTune;
        if (maxPrefillLead < NO_PREFILL_LEAD_LIMIT) {
            throw new IllegalArgumentException("maxPrefillLead: " + maxPrefillLead + " (expected: >= -1)");
        }
        this.maxPrefillLead = maxPrefillLead;
    }

    /** No prefill lead limit: prefix credit whatever the endpoint's load (GIE). */
    public static final int NO_PREFILL_LEAD_LIMIT = -1;

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    /** Whether endpoint index capacities follow their scraped {@code num_gpu_blocks}. */
    public boolean autoTune() {
        return autoTune;
    }

    public PrefixHasher hasher() {
        return hasher;
    }

    public PrefixIndex index() {
        return index;
    }

    @Override
    public void score(SchedulingContext ctx, Candidates c, double[] scores) {
        long[] hashes = ctx.prefixHashes();
        if (hashes.length == 0) {
            return; // GIE: no full block, every score 0
        }
        int[] matches = index.matchLengths(hashes, c.endpoints());
        for (int i = 0; i < c.size(); i++) {
            scores[i] = (double) matches[i] / hashes.length;
            if (autoTune && c.metrics(i).hasNumGpuBlocks()) {
                Endpoint e = c.endpoint(i);
                if (index.capacity(e.hostPort()) != c.metrics(i).numGpuBlocks()) {
                    index.setCapacity(e, c.metrics(i).numGpuBlocks());
                }
            }
        }
        if (maxPrefillLead != NO_PREFILL_LEAD_LIMIT) {
            int least = Integer.MAX_VALUE;
            for (int i = 0; i < c.size(); i++) {
                least = Math.min(least, c.prefilling(i));
            }
            for (int i = 0; i < c.size(); i++) {
                if (c.prefilling(i) - least > maxPrefillLead) {
                    scores[i] = 0;
                }
            }
        }
    }

    @Override
    public void picked(SchedulingContext ctx, Endpoint primary) {
        long[] hashes = ctx.prefixHashes();
        if (hashes.length > 0) {
            index.learn(primary, hashes); // on the index's learner: off the event loop in the gateway
        }
    }
}
