package io.infergate.simulator.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapters an engine knows and where they live, after vLLM's LoRA worker manager: registered adapters
 * (static {@code --lora-modules} or runtime {@code load_lora_adapter}) are loaded from disk into CPU memory
 * the first time a batch needs them (an LRU of {@code max_cpu_loras}) and activated into one of
 * {@code max_loras} GPU slots (an LRU too). Each load and activation adds its configured cost to the step
 * that needs it.
 *
 * <p>Not thread-safe: owned by the engine thread; {@link #names()} is an immutable snapshot for others.
 */
final class LoraSlots {

    private final EngineConfig config;
    private final Map<String, String> registered = new LinkedHashMap<>();
    private final LinkedHashMap<String, Boolean> cpu = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<String, Boolean> gpu = new LinkedHashMap<>(16, 0.75f, true);
    private volatile List<String> names = List.of();
    private long loads;
    private long activations;

    LoraSlots(EngineConfig config) {
        this.config = config;
    }

    void register(String name, String path) {
        if (name == null || name.isBlank()) {
            throw new LoraAdapterException(
                    LoraAdapterException.Reason.INVALID, "lora_name must be a non-empty string.");
        }
        if (name.equals(config.servedModelName())) {
            throw new LoraAdapterException(
                    LoraAdapterException.Reason.INVALID,
                    "The lora adapter '" + name + "' has the same name as the base model.");
        }
        if (registered.containsKey(name)) {
            throw new LoraAdapterException(
                    LoraAdapterException.Reason.ALREADY_LOADED,
                    "The lora adapter '" + name + "' has already been loaded.");
        }
        registered.put(name, path == null ? "" : path);
        names = List.copyOf(registered.keySet());
    }

    void unregister(String name) {
        if (registered.remove(name) == null) {
            throw new LoraAdapterException(
                    LoraAdapterException.Reason.NOT_FOUND, "The lora adapter '" + name + "' cannot be found.");
        }
        cpu.remove(name);
        gpu.remove(name);
        names = List.copyOf(registered.keySet());
    }

    boolean isRegistered(String name) {
        return registered.containsKey(name);
    }

    List<String> names() {
        return names;
    }

    /**
     * Makes every adapter of a batch GPU-resident and returns the nanoseconds that costs this step.
     * {@code batch} holds at most {@code max_loras} names (the scheduler's gate guarantees it).
     */
    long activate(Collection<String> batch) {
        long cost = 0;
        for (String a : batch) {
            if (gpu.containsKey(a)) {
                gpu.get(a); // touch: most recently used
                cpu.get(a);
                continue;
            }
            if (cpu.get(a) == null) {
                cost += config.loraLoadNanos();
                loads++;
                cpu.put(a, Boolean.TRUE);
                evictLeastRecent(cpu, config.maxCpuLoras(), batch);
            }
            cost += config.loraActivateNanos();
            activations++;
            gpu.put(a, Boolean.TRUE);
            evictLeastRecent(gpu, config.maxLoras(), batch);
        }
        return cost;
    }

    /** Adapters loaded from disk so far. */
    long loads() {
        return loads;
    }

    /** Adapters moved into a GPU slot so far. */
    long activations() {
        return activations;
    }

    private static void evictLeastRecent(LinkedHashMap<String, Boolean> lru, int capacity, Collection<String> keep) {
        var it = lru.keySet().iterator();
        while (lru.size() > capacity && it.hasNext()) {
            if (!keep.contains(it.next())) {
                it.remove();
            }
        }
    }
}
