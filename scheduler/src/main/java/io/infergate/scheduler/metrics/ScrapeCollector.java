package io.infergate.scheduler.metrics;

/**
 * Picks, during one parse, the series each spec of a {@link CompiledMapping} reads: for plain specs the
 * matching series with the highest exposition timestamp (a series without one ranks lowest, ties keep the
 * first), for the LoRA info spec the matching series with the largest value (its creation time; NaN ranks
 * lowest). Only gauge, counter and untyped samples count; a matching histogram or summary is remembered so the
 * problem can say why nothing was read.
 *
 * <p>Threading: one instance per parse, confined to the parsing thread.
 */
final class ScrapeCollector implements SampleVisitor {

    static final String LORA_RUNNING = "running_lora_adapters";
    static final String LORA_WAITING = "waiting_lora_adapters";
    static final String LORA_MAX = "max_lora";

    private final CompiledMapping compiled;
    final boolean[] found = new boolean[CompiledMapping.SLOTS];
    final double[] values = new double[CompiledMapping.SLOTS];
    final MetricType[] unsupported = new MetricType[CompiledMapping.SLOTS];
    private final long[] timestampRanks = new long[CompiledMapping.SLOTS];
    private double loraRank;

    String loraRunning;
    String loraWaiting;
    String loraMax;
    String cacheBlockSize;
    String cacheNumBlocks;

    ScrapeCollector(CompiledMapping compiled) {
        this.compiled = compiled;
    }

    @Override
    public void sample(Sample s) {
        for (int slot : compiled.familySlots[s.family()]) {
            if (!compiled.specs[slot].matches(s)) {
                continue;
            }
            boolean readable =
                    s.type().hasSingleValue() && (s.suffix() == SampleSuffix.NONE || s.suffix() == SampleSuffix.TOTAL);
            if (!readable) {
                unsupported[slot] = s.type();
            } else if (slot == CompiledMapping.LORA) {
                lora(s);
            } else {
                long rank = s.hasTimestamp() ? s.timestampMs() : Long.MIN_VALUE;
                if (!found[slot] || rank > timestampRanks[slot]) {
                    found[slot] = true;
                    timestampRanks[slot] = rank;
                    values[slot] = s.value();
                    if (slot == CompiledMapping.CACHE_INFO) {
                        cacheBlockSize = s.label(compiled.mapping.cacheBlockSizeLabel());
                        cacheNumBlocks = s.label(compiled.mapping.cacheNumBlocksLabel());
                    }
                }
            }
        }
    }

    private void lora(Sample s) {
        double v = s.value();
        double rank = Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
        int slot = CompiledMapping.LORA;
        if (!found[slot] || rank > loraRank) {
            found[slot] = true;
            loraRank = rank;
            values[slot] = v;
            loraRunning = s.label(LORA_RUNNING);
            loraWaiting = s.label(LORA_WAITING);
            loraMax = s.label(LORA_MAX);
        }
    }
}
