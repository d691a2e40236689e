package io.infergate.scheduler.metrics;

import static io.infergate.scheduler.metrics.CompiledMapping.BLOCK_SIZE;
import static io.infergate.scheduler.metrics.CompiledMapping.CACHE_INFO;
import static io.infergate.scheduler.metrics.CompiledMapping.KV;
import static io.infergate.scheduler.metrics.CompiledMapping.KV_FALLBACK;
import static io.infergate.scheduler.metrics.CompiledMapping.LORA;
import static io.infergate.scheduler.metrics.CompiledMapping.NUM_BLOCKS;
import static io.infergate.scheduler.metrics.CompiledMapping.QUEUE;
import static io.infergate.scheduler.metrics.CompiledMapping.RUNNING;

import io.infergate.scheduler.metrics.MetricsProblem.Kind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the series a {@link ScrapeCollector} picked into {@link ModelServerMetrics}: converts values, applies
 * the KV fallback and the cache-info labels, and lists a problem for every enabled value it could not read.
 *
 * <p>Conversions follow GIE: counts are truncated to an int ({@code int(value)}); a count that is NaN,
 * infinite or negative is a {@link Kind#BAD_VALUE} and stays unknown. KV usage outside [0, 1] is clamped and
 * reported; NaN or infinite stays unknown. LoRA adapter lists are split on commas, trimmed, empties dropped.
 *
 * <p>Threading: one instance per scrape, confined to the calling thread.
 */
final class MetricsAssembler {

    private static final String[] WHAT = {
        "waiting queue",
        "running requests",
        "KV-cache usage",
        "KV-cache usage fallback",
        "LoRA info",
        "cache info",
        "cache block size",
        "cache block count",
    };

    private final CompiledMapping compiled;
    private final ScrapeCollector c;
    private final List<MetricsProblem> problems = new ArrayList<>();

    private MetricsAssembler(CompiledMapping compiled, ScrapeCollector c) {
        this.compiled = compiled;
        this.c = c;
    }

    static ModelServerMetrics assemble(
            CompiledMapping compiled, ScrapeCollector collector, ParseResult parse, MetricsProblem engineProblem) {
        return new MetricsAssembler(compiled, collector).build(parse, engineProblem);
    }

    private ModelServerMetrics build(ParseResult parse, MetricsProblem engineProblem) {
        if (engineProblem != null) {
            problems.add(engineProblem);
        }
        for (ParseProblem p : parse.problems()) {
            problems.add(new MetricsProblem(Kind.PARSE_ERROR, p.toString()));
        }
        int unlisted = parse.problemCount() - parse.problems().size();
        if (unlisted > 0) {
            problems.add(new MetricsProblem(Kind.PARSE_ERROR, "and " + unlisted + " more unparseable lines"));
        }
        int waiting = count(QUEUE);
        int running = count(RUNNING);
        double kv = kvUsage();

        Set<String> active = null;
        Set<String> queued = null;
        int maxLoras = ModelServerMetrics.UNKNOWN;
        if (enabledAndFound(LORA)) {
            active = adapters(c.loraRunning);
            queued = adapters(c.loraWaiting);
            maxLoras = intLabel(LORA, ScrapeCollector.LORA_MAX, c.loraMax);
        }

        int blockSize = ModelServerMetrics.UNKNOWN;
        int numBlocks = ModelServerMetrics.UNKNOWN;
        if (enabledAndFound(CACHE_INFO)) {
            blockSize = intLabel(CACHE_INFO, compiled.mapping.cacheBlockSizeLabel(), c.cacheBlockSize);
            numBlocks = intLabel(CACHE_INFO, compiled.mapping.cacheNumBlocksLabel(), c.cacheNumBlocks);
        }
        if (compiled.specs[BLOCK_SIZE] != null) {
            blockSize = orElse(count(BLOCK_SIZE), blockSize);
        }
        if (compiled.specs[NUM_BLOCKS] != null) {
            numBlocks = orElse(count(NUM_BLOCKS), numBlocks);
        }
        return new ModelServerMetrics(
                compiled.mapping.engine(),
                waiting,
                running,
                kv,
                active,
                queued,
                maxLoras,
                blockSize,
                numBlocks,
                problems);
    }

    /** Whether the slot's spec is enabled and matched; reports it missing when enabled but not matched. */
    private boolean enabledAndFound(int slot) {
        if (compiled.specs[slot] == null) {
            return false;
        }
        if (!c.found[slot]) {
            missing(slot, "");
            return false;
        }
        return true;
    }

    private int count(int slot) {
        if (!enabledAndFound(slot)) {
            return ModelServerMetrics.UNKNOWN;
        }
        double v = c.values[slot];
        if (!Double.isFinite(v) || v < 0) {
            bad(slot, "value " + v + " (expected: a finite count >= 0)");
            return ModelServerMetrics.UNKNOWN;
        }
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    private double kvUsage() {
        MetricSpec primary = compiled.specs[KV];
        if (primary == null) {
            return Double.NaN;
        }
        int slot = KV;
        if (!c.found[KV]) {
            MetricSpec fallback = compiled.specs[KV_FALLBACK];
            if (fallback == null || !c.found[KV_FALLBACK]) {
                missing(KV, fallback == null ? "" : " (nor the fallback " + describe(KV_FALLBACK) + ")");
                return Double.NaN;
            }
            slot = KV_FALLBACK;
        }
        double v = c.values[slot];
        if (!Double.isFinite(v)) {
            bad(slot, "value " + v + " (expected: a fraction in 0..1)");
            return Double.NaN;
        }
        if (v < 0 || v > 1) {
            bad(slot, "value " + v + " outside 0..1, clamped (expected: a fraction, 1 = full)");
            return Math.max(0, Math.min(1, v));
        }
        return v;
    }

    private int intLabel(int slot, String label, String value) {
        if (value == null || value.isEmpty()) {
            problems.add(new MetricsProblem(
                    Kind.MISSING,
                    describe(slot) + " (" + WHAT[slot] + "): no label " + label + " on the selected series"));
            return ModelServerMetrics.UNKNOWN;
        }
        try {
            int v = Integer.parseInt(value);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        bad(slot, "label " + label + "=\"" + value + "\" (expected: an integer >= 0)");
        return ModelServerMetrics.UNKNOWN;
    }

    private static Set<String> adapters(String csv) {
        Set<String> names = new LinkedHashSet<>();
        if (csv != null) {
            for (String name : csv.split(",")) {
                String trimmed = name.strip();
                if (!trimmed.isEmpty()) {
                    names.add(trimmed);
                }
            }
        }
        return names;
    }

    private static int orElse(int value, int fallback) {
        return value != ModelServerMetrics.UNKNOWN ? value : fallback;
    }

    private void missing(int slot, String extra) {
        MetricType type = c.unsupported[slot];
        if (type != null) {
            problems.add(new MetricsProblem(
                    Kind.UNSUPPORTED_TYPE,
                    describe(slot) + " (" + WHAT[slot] + "): the family is a " + type.word()
                            + " (expected: gauge, counter or untyped)" + extra));
        } else {
            problems.add(new MetricsProblem(
                    Kind.MISSING, describe(slot) + " (" + WHAT[slot] + "): no matching series" + extra));
        }
    }

    private void bad(int slot, String what) {
        problems.add(new MetricsProblem(Kind.BAD_VALUE, describe(slot) + " (" + WHAT[slot] + "): " + what));
    }

    private String describe(int slot) {
        return compiled.specs[slot].toString();
    }
}
