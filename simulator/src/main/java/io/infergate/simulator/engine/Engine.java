package io.infergate.simulator.engine;

import io.infergate.simulator.time.SimClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated model-server engine with vLLM V1 semantics ({@code vllm/v1/core/sched/scheduler.py}): continuous
 * batching in steps, chunked prefill, a paged KV cache with automatic prefix caching, recompute preemption and LoRA
 * slots, timed by a {@link StepTimeModel}.
 *
 * <p>A driver runs the engine: {@link #beginStep()} schedules a step at the clock's current time and says
 * how long it takes; once that time has passed on the driver's clock, {@link #finishStep(StepPlan)} applies
 * it (tokens are sampled at the end of the step). {@code io.infergate.simulator.runtime.RealtimeEngineRunner}
 * does this in wall-clock time, {@code io.infergate.simulator.loop.VirtualEngineDriver} in virtual time.
 *
 * <p>Per step, as {@code Scheduler.schedule()} does: running requests first, in order, each getting what it
 * still needs within the token budget; when KV blocks run out the most recently admitted running request is
 * preempted (blocks freed, progress reset, re-queued at the head of the waiting queue). Then, only if nothing
 * was preempted, waiting requests are admitted FCFS while the batch has room, the budget lasts and blocks can
 * be allocated; a request whose adapter would exceed {@code max_loras} distinct adapters in the batch is
 * skipped and keeps its place. The last admitted request may get a partial (chunked) prefill.
 *
 * <p>Threading: every method not marked otherwise must be called from the one thread that drives the engine.
 * {@link #config()}, {@link #metrics()}, {@link #clock()}, {@link #servesModel}, {@link #adapterNames()} and
 * {@link #validate} are safe from any thread. Observers are called on the driving thread; an observer that
 * throws is logged and otherwise ignored.
 */
public final class Engine {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final int VOCAB = 32_000;

    private final EngineConfig config;
    private final SimClock clock;
    private final EngineMetrics metrics;
    private final SplittableRandom random;
    // its own stream, so step-time variance leaves the token ids and the other draws of a seed unchanged
    private final SplittableRandom stepNoise;
    private final KvCache kv;
    private final LoraSlots loras;

    private final ArrayDeque<Seq> waiting = new ArrayDeque<>();
    private final ArrayList<Seq> running = new ArrayList<>();
    private final Map<String, Seq> live = new HashMap<>();
    private StepPlan inFlight;
    private long lastStepEndNanos = Long.MIN_VALUE;

    // per-step scratch, reused so a step allocates nothing but its plan
    private final LinkedHashSet<String> stepLoras = new LinkedHashSet<>();
    private final ArrayList<Seq> skipped = new ArrayList<>();

    public Engine(EngineConfig config, SimClock clock, EngineMetrics metrics, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (metrics.config() != config) {
            throw new IllegalArgumentException(
                    "metrics were created for another config (expected: the same EngineConfig)");
        }
        this.random = new SplittableRandom(seed);
        this.stepNoise = new SplittableRandom(Seq.mix(seed ^ 0x5DEECE66DL));
        this.kv = new KvCache(config.blockSize(), config.numGpuBlocks(), config.enablePrefixCaching());
        this.loras = new LoraSlots(config);
    }

    /** Any thread. */
    public EngineConfig config() {
        return config;
    }

    /** Any thread. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /** Any thread. */
    public SimClock clock() {
        return clock;
    }

    /** Any thread: whether {@code model} is the served base model or a loaded adapter. */
    public boolean servesModel(String model) {
        return config.servedModelName().equals(model) || loras.names().contains(model);
    }

    /** Any thread: the loaded adapters, in load order (an immutable snapshot). */
    public List<String> adapterNames() {
        return loras.names();
    }

    /**
     * Any thread: checks what can be checked without the engine's state.
     *
     * @throws IllegalArgumentException with vLLM's context-length message when prompt plus output cannot
     *                                  fit {@code max_model_len}
     */
    public void validate(EngineRequest request) {
        int prompt = request.promptTokens().length;
        if (prompt + request.outputTokens() > config.maxModelLen()) {
            throw new IllegalArgumentException("This model's maximum context length is " + config.maxModelLen()
                    + " tokens. However, you requested " + (prompt + request.outputTokens()) + " tokens ("
                    + prompt + " in the messages, " + request.outputTokens()
                    + " in the completion). Please reduce the length of the messages or completion.");
        }
    }

    /**
     * Queues a request at the clock's current time. It becomes schedulable after the configured front-end
     * overhead.
     *
     * @throws IllegalArgumentException if it fails {@link #validate}, its id is live, or its adapter is not loaded
     */
    public void submit(EngineRequest request) {
        validate(request);
        if (live.containsKey(request.requestId())) {
            throw new IllegalArgumentException("requestId: '" + request.requestId() + "' is already running");
        }
        String adapter = request.adapter();
        if (adapter != null && !loras.isRegistered(adapter)) {
            throw new IllegalArgumentException("The model `" + adapter + "` does not exist.");
        }
        long now = clock.nanoTime();
        long adapterKey = adapter == null ? 0 : Seq.mix(adapter.hashCode() * 0x9E3779B97F4A7C15L + adapter.length());
        Seq seq = new Seq(
                request,
                adapterKey,
                random.nextLong(),
                now,
                now + config.frontendOverheadNanos(),
                config.maxModelLen());
        live.put(request.requestId(), seq);
        waiting.addLast(seq);
        metrics.addRequestReceived();
    }

    /**
     * Aborts a live request: its blocks are freed and its observer gets {@link FinishReason#ABORT}.
     *
     * @return false if no such request is live
     */
    public boolean abort(String requestId) {
        Seq seq = live.get(requestId);
        if (seq == null) {
            return false;
        }
        if (seq.running) {
            running.remove(seq);
            kv.free(seq);
        } else {
            waiting.remove(seq);
        }
        finish(seq, FinishReason.ABORT, clock.nanoTime());
        return true;
    }

    /** Registers a LoRA adapter (vLLM {@code load_lora_adapter}); its weights load when a batch first needs it. */
    public void loadAdapter(String name, String path) {
        if (!config.enableLora()) {
            throw new LoraAdapterException(
                    LoraAdapterException.Reason.INVALID,
                    "LoRA is not enabled on this server (start it with LoRA adapters or --enable-lora).");
        }
        loras.register(name, path);
    }

    /** Unregisters a LoRA adapter (vLLM {@code unload_lora_adapter}). Requests already queued for it still run. */
    public void unloadAdapter(String name) {
        loras.unregister(name);
    }

    /** Whether any request is waiting or running. */
    public boolean hasWork() {
        return !live.isEmpty();
    }

    /** Requests waiting or running. */
    public int liveRequests() {
        return live.size();
    }

    /** Ids of the requests waiting or running (a copy). */
    public List<String> liveRequestIds() {
        return new ArrayList<>(live.keySet());
    }

    /**
     * When {@link #beginStep()} may next schedule something if it just returned null: the front-end
     * overhead of the head of the waiting queue, or {@link Long#MAX_VALUE} with nothing waiting.
     */
    public long nextReadyNanos() {
        Seq head = waiting.peekFirst();
        return head == null ? Long.MAX_VALUE : head.readyNanos;
    }

    /**
     * Schedules one step at the clock's current time.
     *
     * @return the step, or null when nothing can run now (see {@link #nextReadyNanos()})
     * @throws IllegalStateException if the previous step was not finished
     */
    public StepPlan beginStep() {
        return beginStep(clock.nanoTime());
    }

    /**
     * Schedules one step that starts at {@code startNanos}, which may lie slightly in the past: a real-time
     * driver that woke up late starts the next step where the previous one ended, so its wake-up latency
     * does not add to every inter-token time. Requests that arrived after {@code startNanos} are not seen.
     *
     * @return the step, or null when nothing can run at that time (see {@link #nextReadyNanos()})
     * @throws IllegalStateException    if the previous step was not finished
     * @throws IllegalArgumentException if {@code startNanos} is in the future or before the previous step's end
     */
    public StepPlan beginStep(long startNanos) {
        if (inFlight != null) {
            throw new IllegalStateException("beginStep: the previous step was not finished");
        }
        if (startNanos > clock.nanoTime() || startNanos < lastStepEndNanos) {
            throw new IllegalArgumentException(
                    "startNanos: " + startNanos + " (expected: between the previous step's end " + lastStepEndNanos
                            + " and now " + clock.nanoTime() + ")");
        }
        long now = startNanos;
        int budget = config.maxNumBatchedTokens();
        int capacity = running.size() + waiting.size();
        Seq[] seqs = new Seq[Math.max(1, Math.min(capacity, config.maxNumSeqs()))];
        int[] counts = new int[seqs.length];
        int n = 0;
        stepLoras.clear();
        boolean preempted = false;

        // 1. running requests, in admission order
        for (int i = 0; i < running.size() && budget > 0; ) {
            Seq seq = running.get(i);
            int num = clampChunk(seq, seq.numTokens - seq.numComputed, budget);
            if (num <= 0) {
                i++;
                continue;
            }
            boolean scheduled = true;
            while (!kv.allocate(seq, 0, num)) {
                Seq victim = running.remove(running.size() - 1);
                preempt(victim);
                preempted = true;
                if (victim == seq) {
                    scheduled = false;
                    break;
                }
            }
            if (!scheduled) {
                break;
            }
            seqs[n] = seq;
            counts[n++] = num;
            budget -= num;
            if (seq.adapter() != null) {
                stepLoras.add(seq.adapter());
            }
            i++;
        }

        // 2. waiting requests, FCFS, only if nothing was preempted this step
        int deferred = 0;
        if (!preempted) {
            skipped.clear();
            while (!waiting.isEmpty() && budget > 0 && running.size() < config.maxNumSeqs()) {
                Seq seq = waiting.peekFirst();
                if (seq.readyNanos > now) {
                    break; // still in the API server; later arrivals are too
                }
                String adapter = seq.adapter();
                if (adapter != null && stepLoras.size() >= config.maxLoras() && !stepLoras.contains(adapter)) {
                    skipped.add(waiting.pollFirst()); // keeps its place, later requests may pass it
                    continue;
                }
                int hitBlocks = seq.numComputed == 0 ? kv.lookupPrefix(seq) : 0;
                int computed = seq.numComputed + hitBlocks * config.blockSize();
                int num = seq.numTokens - computed;
                if (config.longPrefillTokenThreshold() > 0) {
                    num = Math.min(num, config.longPrefillTokenThreshold());
                }
                if (!config.enableChunkedPrefill() && num > budget) {
                    break;
                }
                num = Math.min(num, budget);
                if (!kv.allocate(seq, hitBlocks, num)) {
                    break; // waiting requests never preempt running ones
                }
                waiting.pollFirst();
                seq.numComputed = computed;
                seq.running = true;
                running.add(seq);
                if (seq.firstScheduledNanos < 0) {
                    seq.firstScheduledNanos = now;
                    seq.cachedPromptTokens = Math.min(computed, seq.promptLen);
                    metrics.addPrefixCacheQuery(seq.numTokens, computed);
                    metrics.observe(Observation.QUEUE_TIME, (now - seq.readyNanos) / 1e9);
                } else {
                    metrics.addPrefixCacheQuery(seq.numTokens, computed);
                }
                if (n == seqs.length) {
                    seqs = Arrays.copyOf(seqs, n * 2);
                    counts = Arrays.copyOf(counts, n * 2);
                }
                seqs[n] = seq;
                counts[n++] = num;
                budget -= num;
                if (adapter != null) {
                    stepLoras.add(adapter);
                }
            }
            deferred = skipped.size();
            for (int i = skipped.size() - 1; i >= 0; i--) {
                waiting.addFirst(skipped.get(i));
            }
        }
        publishGauges(deferred, now);
        if (n == 0) {
            return null;
        }

        // 3. time the step
        long prefill = 0;
        int prefillRequests = 0;
        long decodes = 0;
        long decodeContext = 0;
        double attention = 0;
        for (int i = 0; i < n; i++) {
            Seq seq = seqs[i];
            int num = counts[i];
            int before = seq.numComputed;
            if (num == 1 && before == seq.numTokens - 1 && seq.outputs > 0) {
                decodes++;
                decodeContext += before;
            } else {
                prefill += num;
                prefillRequests++;
                attention += num * (before + num / 2.0);
            }
        }
        StepTimeModel model = config.stepTime();
        double noise = model.stepTimeCv() > 0 ? stepNoise.nextGaussian() : 0;
        long duration = model.stepNanos(prefill, decodes, decodeContext, attention, noise);
        if (config.enableLora() && !stepLoras.isEmpty()) {
            duration += loras.activate(stepLoras);
        }
        metrics.observe(Observation.ITERATION_TOKENS, prefill + decodes);
        metrics.observe(Observation.STEP_DURATION, duration / 1e9);
        metrics.addStepTime(duration, decodes);
        metrics.addStep(prefill > 0);
        metrics.setLastStep(prefillRequests, (int) prefill, clock.unixSeconds(now));
        inFlight = new StepPlan(seqs, counts, n, now, duration, (int) prefill, (int) decodes);
        return inFlight;
    }

    /**
     * Applies a step at its end time: advances each request's computed tokens, samples one token for every
     * request whose known tokens are all computed, and finishes requests that reached their length. The
     * clock should read {@code plan.endNanos()} or later; tokens are stamped with {@code plan.endNanos()}.
     *
     * @throws IllegalStateException if {@code plan} is not the step in flight
     */
    public void finishStep(StepPlan plan) {
        if (plan != inFlight) {
            throw new IllegalStateException("finishStep: not the step in flight");
        }
        inFlight = null;
        long end = plan.endNanos();
        lastStepEndNanos = end;
        int emitted = 0;
        for (int i = 0; i < plan.size; i++) {
            Seq seq = plan.seqs[i];
            if (seq.finished || !seq.running) {
                continue; // aborted while the step ran
            }
            seq.numComputed += plan.tokens[i];
            if (seq.numComputed < seq.numTokens) {
                continue; // a prefill chunk: no token yet
            }
            emitted++;
            emitToken(seq, end);
        }
        metrics.addGenerationTokens(emitted);
        double seconds = plan.durationNanos() / 1e9;
        metrics.setGenerationThroughput(0.9 * metrics.generationThroughput() + 0.1 * (emitted / seconds));
    }

    private void emitToken(Seq seq, long now) {
        int index = seq.outputs++;
        int token = (int) Math.floorMod(Seq.mix(seq.tokenSeed + index), VOCAB);
        if (index == 0) {
            seq.firstTokenNanos = now;
            metrics.observe(Observation.TIME_TO_FIRST_TOKEN, (now - seq.arrivalNanos) / 1e9);
            metrics.addPromptTokens(seq.promptLen);
        } else {
            metrics.observe(Observation.INTER_TOKEN_LATENCY, (now - seq.lastTokenNanos) / 1e9);
        }
        seq.lastTokenNanos = now;
        if (seq.outputs < seq.request.outputTokens()) {
            seq.appendToken(token); // its KV is computed by the next step
        }
        try {
            seq.request.observer().onToken(index, token, now);
        } catch (RuntimeException e) {
            log.warn("observer of request {} failed on token {}", seq.id(), index, e);
        }
        if (seq.outputs == seq.request.outputTokens()) {
            running.remove(seq);
            kv.free(seq);
            finish(seq, seq.request.finishReason(), now);
        }
    }

    private int clampChunk(Seq seq, int num, int budget) {
        if (config.longPrefillTokenThreshold() > 0) {
            num = Math.min(num, config.longPrefillTokenThreshold());
        }
        return Math.min(num, budget);
    }

    private void preempt(Seq victim) {
        kv.free(victim);
        victim.numComputed = 0;
        victim.running = false;
        victim.preemptions++;
        waiting.addFirst(victim);
        metrics.addPreemption();
    }

    private void finish(Seq seq, FinishReason reason, long now) {
        seq.finished = true;
        seq.running = false;
        live.remove(seq.id());
        metrics.addFinished(reason);
        if (reason != FinishReason.ABORT) {
            metrics.observe(Observation.E2E_LATENCY, (now - seq.arrivalNanos) / 1e9);
            metrics.observe(Observation.INFERENCE_TIME, (now - seq.firstScheduledNanos) / 1e9);
            metrics.observe(Observation.PREFILL_TIME, (seq.firstTokenNanos - seq.firstScheduledNanos) / 1e9);
            metrics.observe(Observation.DECODE_TIME, (now - seq.firstTokenNanos) / 1e9);
            metrics.observe(Observation.PROMPT_TOKENS, seq.promptLen);
            metrics.observe(Observation.GENERATION_TOKENS, seq.outputs);
            metrics.observe(Observation.PREEMPTIONS_PER_REQUEST, seq.preemptions);
            if (seq.request.maxTokensParam() > 0) {
                metrics.observe(Observation.MAX_TOKENS_PARAM, seq.request.maxTokensParam());
            }
            if (seq.outputs > 1) {
                metrics.observe(
                        Observation.REQUEST_TIME_PER_OUTPUT_TOKEN,
                        (now - seq.firstTokenNanos) / 1e9 / (seq.outputs - 1));
            }
        }
        RequestOutcome outcome = new RequestOutcome(
                seq.id(),
                reason,
                seq.promptLen,
                Math.max(0, seq.cachedPromptTokens),
                seq.outputs,
                seq.arrivalNanos,
                seq.firstScheduledNanos,
                seq.firstTokenNanos,
                now,
                seq.preemptions);
        try {
            seq.request.observer().onFinish(outcome);
        } catch (RuntimeException e) {
            log.warn("observer of request {} failed on finish", seq.id(), e);
        }
    }

    private void publishGauges(int deferred, long now) {
        metrics.setGauges(running.size(), waiting.size(), deferred, kv.usage(), kv.usedBlocks());
        if (config.enableLora()) {
            LinkedHashSet<String> runningAdapters = new LinkedHashSet<>();
            for (Seq s : running) {
                if (s.adapter() != null) {
                    runningAdapters.add(s.adapter());
                }
            }
            LinkedHashSet<String> waitingAdapters = new LinkedHashSet<>();
            for (Seq s : waiting) {
                if (s.adapter() != null) {
                    waitingAdapters.add(s.adapter());
                }
            }
            metrics.setLoraInfo(
                    new EngineMetrics.LoraInfoKey(
                            config.maxLoras(), String.join(",", runningAdapters), String.join(",", waitingAdapters)),
                    clock.unixSeconds(now));
        }
    }

    // ---- test and lab introspection (engine thread) ----

    /** Free KV blocks, cached-but-unreferenced ones included. */
    public int freeBlocks() {
        return kv.numFreeBlocks();
    }

    /** Blocks carrying a prefix-cache hash. */
    public int cachedBlocks() {
        return kv.cachedBlocks();
    }

    /** Adapters loaded from disk into CPU memory so far. */
    public long loraLoads() {
        return loras.loads();
    }
}
