package io.infergate.scheduler.scheduling.plugins;

import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.PostPick;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Runs a scorer only in one kind of pool: pools serving LoRA adapters ({@link #isLoraPool}) or pools that do not. In the other kind every candidate scores 1.0, so the scorer changes nothing there.
 * Post-pick learning is always passed on, so the scorer's state stays current if the pool changes kind.
 *
 * <p>Why: Infergate's default profile wants opposite things from its load signals in the two kinds. Without
 * adapters, spreading neighbouring requests (prefills waiting, least recently picked) keeps TTFT at round-robin's
 * level where scraped queues herd; with adapters, spreading places an adapter on more engines than its traffic
 * needs, crowds other adapters out of the max-loras slots and starves them, and the scraped queue, herding
 * included, keeps adapters together. Both were measured in the policy lab (docs/benchmarks.md).
 *
 * <p>Thread-safe if the scorer is.
 */
public final class LoraPoolGate implements Scorer, PostPick {

    private final Scorer scorer;
    private final boolean loraPools;

    /** @param loraPools true to score only in pools with adapters, false only in pools without */
    public LoraPoolGate(Scorer scorer, boolean loraPools) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.loraPools = loraPools;
    }

    public Scorer scorer() {
        return scorer;
    }

    public boolean loraPools() {
        return loraPools;
    }

    @Override
    public String type() {
        return scorer.type();
    }

    @Override
    public String name() {
        return scorer.name() + (loraPools ? "@lora-pools" : "@plain-pools");
    }

    @Override
    public void score(SchedulingContext ctx, Candidates c, double[] scores) {
        if (isLoraPool(c) == loraPools) {
            scorer.score(ctx, c, scores);
        } else {
            Arrays.fill(scores, 0, c.size(), 1.0);
        }
    }

    @Override
    public void picked(SchedulingContext ctx, Endpoint primary) {
        if (scorer instanceof PostPick p) {
            p.picked(ctx, primary);
        }
    }

    /**
     * Whether the candidates are a pool with adapters: some last scrape shows LoRA info, or no candidate has been
     * scraped yet. The second case is counted as a LoRA pool because it is the careful choice: vLLM shows LoRA info
     * only once an engine has stepped, so the first requests of a LoRA pool arrive before any engine shows it, and
     * spreading those would place each adapter on many engines at once.
     */
    static boolean isLoraPool(Candidates c) {
        boolean anyRead = false;
        for (int i = 0; i < c.size(); i++) {
            if (c.metrics(i).hasLoraInfo()) {
                return true;
            }
            anyRead |= c.scraped(i).everRead();
        }
        return !anyRead;
    }
}
