package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * GIE's {@code token-load-scorer} (v1.5.0 {@code scorer/tokenload}) with its formula unchanged,
 * {@code score = 1 - min(1, tokens / queueThresholdTokens)}, over Infergate's own in-flight token count.
 *
 * <p>Why not {@code in-flight-tokens-scorer}: that one is a min-max over the candidates, so the least loaded
 * endpoint always scores 1 and the most loaded 0 however small the difference; GIE's scores against an absolute
 * threshold, so a weight tuned for GIE keeps its meaning here. The tokens differ slightly: GIE's
 * {@code inflight-load-producer} counts each in-flight request as its input (request bytes / 4) plus 1.5 times
 * that for output until the request ends; Infergate's {@link io.infergate.scheduler.pick.InFlightTracker} counts
 * the prompt estimate until the first token and the output estimate until the end, both exact per lease.
 *
 * <p>Immutable and thread-safe; runs on the deciding thread.
 */
public final class TokenLoadScorer implements Scorer {

    public static final String TYPE = PluginTypes.TOKEN_LOAD_SCORER;
    /** GIE's default: 4Mi tokens, 128 requests of 32K tokens. */
    public static final long DEFAULT_QUEUE_THRESHOLD_TOKENS = 4_194_304L;

    /**
     * Reads {@code queueThresholdTokens} (default {@value #DEFAULT_QUEUE_THRESHOLD_TOKENS}); a value of 0 or less is
     * a warning and the default applies, as GIE does.
     */
    public static final PluginFactory FACTORY = (name, p, h) -> {
        long threshold = DEFAULT_QUEUE_THRESHOLD_TOKENS;
        OptionalLong v = p.longInteger("queueThresholdTokens");
        if (v.isPresent() && v.getAsLong() <= 0) {
            p.warning(
                    "queueThresholdTokens",
                    "found " + v.getAsLong() + " (expected: > 0); GIE falls back to" + " the default " + threshold
                            + ", as here");
        } else if (v.isPresent()) {
            threshold = v.getAsLong();
        }
        return new PluginInstance.Scorer(name, TYPE, new TokenLoadScorer(name, threshold));
    };

    private final String name;
    private final double threshold;

    public TokenLoadScorer(String name, long queueThresholdTokens) {
        if (queueThresholdTokens <= 0) {
            throw new IllegalArgumentException("queueThresholdTokens: " + queueThresholdTokens + " (expected: > 0)");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.threshold = queueThresholdTokens;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    public long queueThresholdTokens() {
        return (long) threshold;
    }

    @Override
    public void score(SchedulingContext ctx, Candidates c, double[] scores) {
        for (int i = 0; i < c.size(); i++) {
            long tokens = c.inFlightTokens(i);
            scores[i] = tokens <= 0 ? 1.0 : 1.0 - Math.min(tokens, threshold) / threshold;
        }
    }
}
