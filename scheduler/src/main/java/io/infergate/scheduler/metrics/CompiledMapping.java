package io.infergate.scheduler.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link EngineMapping} prepared for scraping: a parser that wants exactly the mapping's families, and for
 * each family the spec slots that read it (Triton reads three values from one family).
 *
 * <p>Threading: immutable, any thread.
 */
final class CompiledMapping {

    static final int QUEUE = 0;
    static final int RUNNING = 1;
    static final int KV = 2;
    static final int KV_FALLBACK = 3;
    static final int LORA = 4;
    static final int CACHE_INFO = 5;
    static final int BLOCK_SIZE = 6;
    static final int NUM_BLOCKS = 7;
    static final int SLOTS = 8;

    final EngineMapping mapping;
    final PrometheusTextParser parser;
    /** Per slot, in {@link EngineMapping#specs()} order; null when disabled. */
    final MetricSpec[] specs;
    /** Per wanted family, the slots whose spec names it. */
    final int[][] familySlots;

    CompiledMapping(EngineMapping mapping) {
        this.mapping = mapping;
        this.specs = mapping.specs().toArray(MetricSpec[]::new);
        List<String> families = mapping.families();
        this.parser = new PrometheusTextParser(families);
        this.familySlots = new int[families.size()][];
        for (int f = 0; f < families.size(); f++) {
            List<Integer> slots = new ArrayList<>();
            for (int slot = 0; slot < SLOTS; slot++) {
                if (specs[slot] != null && specs[slot].name().equals(families.get(f))) {
                    slots.add(slot);
                }
            }
            familySlots[f] = slots.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
