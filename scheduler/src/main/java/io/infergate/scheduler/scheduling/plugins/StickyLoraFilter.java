package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.PostPick;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ours ({@code sticky-lora-affinity-filter}): GIE v0.5's LoRA affinity with a memory of our own picks. An endpoint
 * has affinity for the target model when its last scrape shows the adapter running or waiting, or when we sent
 * that model there within the last {@code memoryNanos}; it is available when its last scrape shows room for one
 * more adapter. The filter keeps the affinity group when there is one, else the available group, else everyone
 * (fail-open). In a pool where no engine shows LoRA info it keeps everyone, so pools without adapters are never
 * narrowed. Our own picks count only for names some scrape has shown as an adapter: the base model needs no slot,
 * and remembering where it went would keep it on one endpoint forever (each pick renews the memory). So the first
 * requests for a brand-new adapter, before any scrape shows it, are placed like GIE places them (endpoints with
 * room); from its first appearance in a scrape on, it sticks.
 *
 * <p>Why the memory: scrapes lag. A burst of requests for an adapter that no engine has yet all see "nowhere" and
 * would each be placed by load, so the adapter lands on several engines at once; with max-loras slots per engine
 * that crowds out other adapters, whose requests then starve in the engines' queues until the slots free. In the
 * policy lab (15 adapters, max-loras 3, 8 replicas) that spiral turned TTFT p90 from tens of milliseconds into tens
 * of seconds for every load-spreading scorer we tried; remembering our own placements until the next scrapes show
 * them keeps each adapter on the engines it was first given. Unlike GIE's filter there is no random exploration
 * (spreading a busy adapter when its engines queue was tried and made the spiral worse: the queued requests are the
 * starving ones).
 *
 * <p>Thread-safe: the memory is a concurrent map per model; a pick recorded concurrently with a decision may be seen
 * one decision late. Memory holds, per model, the endpoints picked within the window; a model's entry is pruned when
 * it is next picked, and all of it is cleared past {@value #MAX_MODELS} models.
 */
public final class StickyLoraFilter implements SelectingFilter, PostPick {

    public static final String TYPE = PluginTypes.STICKY_LORA_AFFINITY_FILTER;
    /** Long enough for a few 50 ms scrapes to show the adapter loaded. */
    public static final long DEFAULT_MEMORY_NANOS = 2_000_000_000L;

    /** Reads {@code memoryMillis} (1 or more, default 2000). */
    public static final PluginFactory FACTORY = (name, p, h) -> new PluginInstance.Filter(
            name,
            TYPE,
            new StickyLoraFilter(
                    name,
                    p.integer("memoryMillis", 1, Integer.MAX_VALUE).orElse((int) (DEFAULT_MEMORY_NANOS / 1_000_000))
                            * 1_000_000L));

    static final int MAX_MODELS = 4096;
    /** Metrics a thread remembers having learnt from before it forgets them all (a few scrapes of a large pool). */
    static final int MAX_LEARNT = 4096;

    private final String name;
    private final long memoryNanos;
    private final ConcurrentHashMap<String, Map<String, Long>> recent = new ConcurrentHashMap<>();
    /** Names some scrape showed as a running or waiting adapter. */
    private final Set<String> adapters = ConcurrentHashMap.newKeySet();
    /** Bumped whenever {@link #adapters} is cleared: what a thread learnt before then must be learnt again. */
    private final AtomicLong adaptersGeneration = new AtomicLong();
    /**
     * Per deciding thread, the metrics whose adapters it has added to {@link #adapters} (by identity: a scrape's
     * metrics are immutable and last for several decisions). Learning a candidate's adapters iterates two sets,
     * which for 256 endpoints was a quarter of a decision; the adapters only ever grow between clears, so a
     * metrics object learnt once needs no second look until the next clear. Keeps at most {@value #MAX_LEARNT}
     * metrics objects reachable per thread (a few scrapes of a large pool) until it forgets them.
     */
    private final ThreadLocal<Learnt> learnt = ThreadLocal.withInitial(Learnt::new);

    public StickyLoraFilter() {
        this(TYPE, DEFAULT_MEMORY_NANOS);
    }

    /** @param memoryNanos how long a pick counts as affinity, > 0 */
    public StickyLoraFilter(String name, long memoryNanos) {
        if (memoryNanos <= 0) {
            throw new IllegalArgumentException("memoryNanos: " + memoryNanos + " (expected: > 0)");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.memoryNanos = memoryNanos;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean[] select(SchedulingContext ctx, Candidates c) {
        int n = c.size();
        String target = ctx.request().targetModel();
        if (!LoraPoolGate.isLoraPool(c)) {
            return everyone(n); // no engine in the pool runs LoRA
        }
        learnAdapters(c);
        // our own picks count only for names a scrape has shown as an adapter: a model that needs no adapter slot
        // (the base model) must never be narrowed to the endpoints it went to last, or it would stay on one forever
        Map<String, Long> mine = adapters.contains(target) ? recent.get(target) : null;
        long now = ctx.nowNanos();
        boolean[] affinity = new boolean[n];
        boolean[] available = new boolean[n];
        boolean anyAffinity = false;
        boolean anyAvailable = false;
        for (int i = 0; i < n; i++) {
            ModelServerMetrics m = c.metrics(i);
            if (m.hasLoraInfo()) {
                affinity[i] = LoraAffinityFilter.runsOrQueues(m, target);
                available[i] = LoraAffinityFilter.hasRoom(m);
            }
            if (!affinity[i] && mine != null) {
                Long at = mine.get(c.endpoint(i).hostPort());
                affinity[i] = at != null && now - at <= memoryNanos;
            }
            anyAffinity |= affinity[i];
            anyAvailable |= available[i];
        }
        if (anyAffinity) {
            return affinity;
        }
        return anyAvailable ? available : everyone(n);
    }

    private void learnAdapters(Candidates c) {
        if (adapters.size() >= MAX_MODELS) {
            adapters.clear();
            adaptersGeneration.incrementAndGet();
        }
        Learnt seen = learnt.get();
        seen.sync(adaptersGeneration.get());
        for (int i = 0; i < c.size(); i++) {
            ModelServerMetrics m = c.metrics(i);
            if (m.hasLoraInfo() && seen.add(m)) {
                for (String a : m.activeAdapters()) {
                    if (!adapters.contains(a)) {
                        adapters.add(a);
                    }
                }
                for (String a : m.waitingAdapters()) {
                    if (!adapters.contains(a)) {
                        adapters.add(a);
                    }
                }
            }
        }
    }

    /** One thread's record of the metrics it learnt adapters from, valid for one generation of the adapters. */
    private static final class Learnt {
        private final Map<ModelServerMetrics, Boolean> metrics = new IdentityHashMap<>();
        private long generation;

        /** Forgets everything when the adapters were cleared since, or when the record has grown too large. */
        void sync(long current) {
            if (generation != current || metrics.size() >= MAX_LEARNT) {
                metrics.clear();
                generation = current;
            }
        }

        /** True when {@code m} was not recorded yet (and records it). */
        boolean add(ModelServerMetrics m) {
            return metrics.put(m, Boolean.TRUE) == null;
        }
    }

    private static boolean[] everyone(int n) {
        boolean[] all = new boolean[n];
        Arrays.fill(all, true);
        return all;
    }

    @Override
    public void picked(SchedulingContext ctx, Endpoint primary) {
        if (recent.size() >= MAX_MODELS) {
            recent.clear();
        }
        long now = ctx.nowNanos();
        Map<String, Long> mine = recent.computeIfAbsent(ctx.request().targetModel(), k -> new ConcurrentHashMap<>());
        mine.values().removeIf(at -> now - at > memoryNanos);
        mine.put(primary.hostPort(), now);
    }
}
