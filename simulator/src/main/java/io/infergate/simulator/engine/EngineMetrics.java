package io.infergate.simulator.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The numbers an engine holds about itself, in the units vLLM uses: gauges as of the last step,
 * counters since start, histograms of per-request and per-step distributions, and the
 * {@code lora_requests_info} series. Metric flavors ({@code io.infergate.simulator.metrics}) render
 * these in each server's exposition format; nothing here knows about names or text.
 *
 * <p>Threading: written only by the engine thread; read from any thread (the {@code /metrics} handler)
 * without locks. Counters and histograms are monotonic; gauges are single volatile fields, so one scrape
 * may combine gauges from two adjacent steps, exactly as a real scrape races the engine.
 */
public final class EngineMetrics {

    /** A {@code vllm:lora_requests_info} label set: the series' value is the Unix time it was last set. */
    public record LoraInfoKey(int maxLora, String runningAdapters, String waitingAdapters) {}

    /** vLLM never drops old label sets; we keep the newest ones up to this bound so memory stays bounded. */
    static final int MAX_LORA_INFO_SERIES = 1000;

    private final EngineConfig config;
    private final EnumMap<Observation, Histogram> histograms = new EnumMap<>(Observation.class);

    // gauges, as of the last step
    private volatile int running;
    private volatile int waiting;
    private volatile int waitingDeferred;
    private volatile double kvCacheUsage;
    private volatile long usedBlocks;
    private volatile double generationThroughput;
    private volatile int lastStepPrefillRequests;
    private volatile int lastStepPrefillTokens;
    private volatile double lastStepUnixSeconds;

    // counters
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generationTokens = new LongAdder();
    private final LongAdder preemptions = new LongAdder();
    private final LongAdder prefixCacheQueries = new LongAdder();
    private final LongAdder prefixCacheHits = new LongAdder();
    private final LongAdder requestsReceived = new LongAdder();
    private final LongAdder steps = new LongAdder();
    private final LongAdder prefillSteps = new LongAdder();
    private final LongAdder decodeTokens = new LongAdder();
    private final LongAdder decodeTokenModelNanos = new LongAdder();
    private final LongAdder stepModelNanos = new LongAdder();
    private final LongAdder[] finished = new LongAdder[FinishReason.values().length];

    private final Map<LoraInfoKey, Double> loraInfo = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LoraInfoKey, Double> eldest) {
            return size() > MAX_LORA_INFO_SERIES;
        }
    });

    /** Metrics with vLLM's bucket bounds. */
    public EngineMetrics(EngineConfig config) {
        this(config, o -> o.vllmBounds(config.maxModelLen()));
    }

    /** Metrics whose histograms use {@code bounds} (a flavor whose server buckets differently). */
    public EngineMetrics(EngineConfig config, Function<Observation, double[]> bounds) {
        this.config = Objects.requireNonNull(config, "config");
        for (Observation o : Observation.values()) {
            histograms.put(o, new Histogram(bounds.apply(o)));
        }
        for (int i = 0; i < finished.length; i++) {
            finished[i] = new LongAdder();
        }
    }

    public EngineConfig config() {
        return config;
    }

    // ---- written by the engine thread ----

    void observe(Observation o, double value) {
        histograms.get(o).observe(value);
    }

    void setGauges(int running, int waiting, int waitingDeferred, double kvCacheUsage, long usedBlocks) {
        this.running = running;
        this.waiting = waiting;
        this.waitingDeferred = waitingDeferred;
        this.kvCacheUsage = kvCacheUsage;
        this.usedBlocks = usedBlocks;
    }

    void setLastStep(int prefillRequests, int prefillTokens, double unixSeconds) {
        this.lastStepPrefillRequests = prefillRequests;
        this.lastStepPrefillTokens = prefillTokens;
        this.lastStepUnixSeconds = unixSeconds;
    }

    void setGenerationThroughput(double tokensPerSecond) {
        this.generationThroughput = tokensPerSecond;
    }

    void addPromptTokens(long n) {
        promptTokens.add(n);
    }

    void addGenerationTokens(long n) {
        generationTokens.add(n);
    }

    void addPreemption() {
        preemptions.increment();
    }

    void addPrefixCacheQuery(long queried, long hit) {
        prefixCacheQueries.add(queried);
        prefixCacheHits.add(hit);
    }

    void addRequestReceived() {
        requestsReceived.increment();
    }

    void addStep(boolean hadPrefill) {
        steps.increment();
        if (hadPrefill) {
            prefillSteps.increment();
        }
    }

    void addStepTime(long durationNanos, long decodeSeqs) {
        stepModelNanos.add(durationNanos);
        decodeTokens.add(decodeSeqs);
        decodeTokenModelNanos.add(durationNanos * decodeSeqs);
    }

    void addFinished(FinishReason reason) {
        finished[reason.ordinal()].increment();
    }

    void setLoraInfo(LoraInfoKey key, double unixSeconds) {
        loraInfo.put(key, unixSeconds);
    }

    // ---- read from any thread ----

    /** {@code len(running)}: requests admitted into the batch, including ones still mid-prefill. */
    public int running() {
        return running;
    }

    /** {@code len(waiting)}: including preempted requests and ones held back by the LoRA gate. */
    public int waiting() {
        return waiting;
    }

    /** Waiting requests held back for a reason other than capacity (the LoRA slot limit). */
    public int waitingDeferred() {
        return waitingDeferred;
    }

    /** Waiting requests held back by capacity: {@code waiting - waitingDeferred}. */
    public int waitingCapacity() {
        return Math.max(0, waiting - waitingDeferred);
    }

    /** Fraction 0..1 of KV blocks referenced by live requests (cached-but-free blocks do not count). */
    public double kvCacheUsage() {
        return kvCacheUsage;
    }

    /** KV blocks referenced by live requests. */
    public long usedBlocks() {
        return usedBlocks;
    }

    /** Generated tokens per second over the recent past. */
    public double generationThroughput() {
        return generationThroughput;
    }

    /** Requests that ran a prefill chunk in the last step (TRT-LLM's "context" requests). */
    public int lastStepPrefillRequests() {
        return lastStepPrefillRequests;
    }

    /** Prefill tokens computed in the last step. */
    public int lastStepPrefillTokens() {
        return lastStepPrefillTokens;
    }

    /** Unix time the last step started, or 0 before the first step. */
    public double lastStepUnixSeconds() {
        return lastStepUnixSeconds;
    }

    public long promptTokens() {
        return promptTokens.sum();
    }

    public long generationTokens() {
        return generationTokens.sum();
    }

    public long preemptions() {
        return preemptions.sum();
    }

    /** Prompt tokens looked up in the prefix cache. */
    public long prefixCacheQueries() {
        return prefixCacheQueries.sum();
    }

    /** Prompt tokens found in the prefix cache. */
    public long prefixCacheHits() {
        return prefixCacheHits.sum();
    }

    public long requestsReceived() {
        return requestsReceived.sum();
    }

    public long steps() {
        return steps.sum();
    }

    public long prefillSteps() {
        return prefillSteps.sum();
    }

    /** Tokens produced by decode steps (first tokens excluded). */
    public long decodeTokens() {
        return decodeTokens.sum();
    }

    /**
     * Sum over decode tokens of the modelled duration of the step that produced them: divided by
     * {@link #decodeTokens()} it is the inter-token time the step-time model predicts for the batches that
     * actually ran, to compare with what clients measure.
     */
    public long decodeTokenModelNanos() {
        return decodeTokenModelNanos.sum();
    }

    /** Sum of the modelled durations of all steps. */
    public long stepModelNanos() {
        return stepModelNanos.sum();
    }

    public long finished(FinishReason reason) {
        return finished[reason.ordinal()].sum();
    }

    public Histogram.Snapshot histogram(Observation o) {
        return histograms.get(o).snapshot();
    }

    /** The {@code lora_requests_info} series, oldest update first. */
    public List<Map.Entry<LoraInfoKey, Double>> loraInfoSeries() {
        synchronized (loraInfo) {
            List<Map.Entry<LoraInfoKey, Double>> out = new ArrayList<>(loraInfo.size());
            for (Map.Entry<LoraInfoKey, Double> e : loraInfo.entrySet()) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
            return out;
        }
    }
}
