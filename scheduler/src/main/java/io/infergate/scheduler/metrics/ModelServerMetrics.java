package io.infergate.scheduler.metrics;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one scrape of a model server said, in GIE's Model Server Protocol terms. Every value is either known or
 * explicitly unknown: {@link #UNKNOWN} ({@code -1}) for counts, {@code NaN} for the KV usage, {@code null}
 * adapter sets when there was no LoRA info. The {@code has...()} methods say which. Problems (missing or
 * unreadable metrics, parse errors, an unknown engine label) are listed alongside; a value that was found is
 * never discarded because another one was missing (GIE issue #495).
 *
 * <p>Immutable and thread-safe. The constructor rejects values outside their domain.
 *
 * @param engine          the engine mapping used to read the scrape, e.g. {@code vllm}
 * @param waitingQueue    requests queued in the server, or {@link #UNKNOWN}
 * @param runningRequests requests in the running batch, or {@link #UNKNOWN}
 * @param kvUsage         KV-cache usage as a fraction in [0, 1], or NaN
 * @param activeAdapters  LoRA adapters of running requests (insertion-ordered, unmodifiable), or null when
 *                        there was no LoRA info
 * @param waitingAdapters LoRA adapters of waiting requests, or null when there was no LoRA info
 * @param maxLoras        the server's max LoRA adapters per batch, or {@link #UNKNOWN}
 * @param blockSize       tokens per KV-cache block (page), or {@link #UNKNOWN}
 * @param numGpuBlocks    KV-cache blocks (pages) on the GPU, or {@link #UNKNOWN}
 * @param problems        what could not be read; empty when everything enabled was found
 */
public record ModelServerMetrics(
        String engine,
        int waitingQueue,
        int runningRequests,
        double kvUsage,
        Set<String> activeAdapters,
        Set<String> waitingAdapters,
        int maxLoras,
        int blockSize,
        int numGpuBlocks,
        List<MetricsProblem> problems) {

    /** The value of an unknown count. */
    public static final int UNKNOWN = -1;

    public ModelServerMetrics {
        if (engine == null || engine.isBlank()) {
            throw new IllegalArgumentException("engine: blank (expected: an engine name such as vllm)");
        }
        checkCount("waitingQueue", waitingQueue);
        checkCount("runningRequests", runningRequests);
        checkCount("maxLoras", maxLoras);
        checkCount("blockSize", blockSize);
        checkCount("numGpuBlocks", numGpuBlocks);
        if (!Double.isNaN(kvUsage) && !(kvUsage >= 0 && kvUsage <= 1)) {
            throw new IllegalArgumentException("kvUsage: " + kvUsage + " (expected: 0..1, or NaN when unknown)");
        }
        if ((activeAdapters == null) != (waitingAdapters == null)) {
            throw new IllegalArgumentException("activeAdapters and waitingAdapters: one is null"
                    + " (expected: both null when LoRA info is unknown, both sets otherwise)");
        }
        activeAdapters = copy(activeAdapters);
        waitingAdapters = copy(waitingAdapters);
        problems = List.copyOf(problems);
    }

    /** Nothing known, for {@code engine}, with {@code problems}. */
    public static ModelServerMetrics unknown(String engine, List<MetricsProblem> problems) {
        return new ModelServerMetrics(
                engine, UNKNOWN, UNKNOWN, Double.NaN, null, null, UNKNOWN, UNKNOWN, UNKNOWN, problems);
    }

    public boolean hasWaitingQueue() {
        return waitingQueue != UNKNOWN;
    }

    public boolean hasRunningRequests() {
        return runningRequests != UNKNOWN;
    }

    public boolean hasKvUsage() {
        return !Double.isNaN(kvUsage);
    }

    /** Whether a LoRA info series was found: then both adapter sets are non-null (possibly empty). */
    public boolean hasLoraInfo() {
        return activeAdapters != null;
    }

    public boolean hasMaxLoras() {
        return maxLoras != UNKNOWN;
    }

    public boolean hasBlockSize() {
        return blockSize != UNKNOWN;
    }

    public boolean hasNumGpuBlocks() {
        return numGpuBlocks != UNKNOWN;
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Whether at least one value is known: GIE refreshes an endpoint's update time exactly then. */
    public boolean anyKnown() {
        return hasWaitingQueue()
                || hasRunningRequests()
                || hasKvUsage()
                || hasLoraInfo()
                || hasMaxLoras()
                || hasBlockSize()
                || hasNumGpuBlocks();
    }

    /**
     * These metrics with every unknown value taken from {@code previous}: what GIE does with a partial scrape
     * (it updates the fields it found and keeps the rest). The engine and problems stay this scrape's.
     */
    public ModelServerMetrics orElse(ModelServerMetrics previous) {
        Objects.requireNonNull(previous, "previous");
        boolean lora = hasLoraInfo();
        return new ModelServerMetrics(
                engine,
                hasWaitingQueue() ? waitingQueue : previous.waitingQueue,
                hasRunningRequests() ? runningRequests : previous.runningRequests,
                hasKvUsage() ? kvUsage : previous.kvUsage,
                lora ? activeAdapters : previous.activeAdapters,
                lora ? waitingAdapters : previous.waitingAdapters,
                hasMaxLoras() ? maxLoras : previous.maxLoras,
                hasBlockSize() ? blockSize : previous.blockSize,
                hasNumGpuBlocks() ? numGpuBlocks : previous.numGpuBlocks,
                problems);
    }

    private static void checkCount(String name, int v) {
        if (v < UNKNOWN) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: >= 0, or -1 when unknown)");
        }
    }

    private static Set<String> copy(Set<String> s) {
        if (s == null) {
            return null;
        }
        for (String name : s) {
            Objects.requireNonNull(name, "adapter name");
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(s));
    }
}
