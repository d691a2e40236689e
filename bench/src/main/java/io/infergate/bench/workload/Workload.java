package io.infergate.bench.workload;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * A named benchmark workload: what requests to send (a seeded generator), and what the fleet must serve for them
 * (LoRA adapters). Arrivals are separate ({@link Arrivals}), so one workload runs at any rate. Immutable.
 *
 * @param name        the name on the command line and in reports, e.g. {@code shared-prefix}
 * @param description one line for report titles
 * @param model       the base model the requests are for
 * @param adapters    the LoRA adapters the requests name, to register on every server; empty for none
 * @param maxLoras    adapters a server keeps loaded at once ({@code --max-loras}); 0 when {@code adapters} is empty
 * @param content     seed to request generator (arrival 0 everywhere; {@link Schedule} times them)
 */
public record Workload(
        String name,
        String description,
        String model,
        List<String> adapters,
        int maxLoras,
        LongFunction<Iterator<WorkloadRequest>> content) {

    public Workload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(model, "model");
        adapters = List.copyOf(adapters);
        Objects.requireNonNull(content, "content");
        if (adapters.isEmpty() != (maxLoras == 0)) {
            throw new IllegalArgumentException("maxLoras " + maxLoras + " with " + adapters.size()
                    + " adapters (expected: 0 exactly when there are none)");
        }
    }

    /** A new generator for {@code seed}. */
    public Iterator<WorkloadRequest> content(long seed) {
        return content.apply(seed);
    }

    /** The requests of {@code seed} at the given arrivals, at most {@code max}. */
    public List<WorkloadRequest> schedule(Arrivals arrivals, long seed, int max) {
        return Schedule.of(content(seed), arrivals, seed * 0x9E3779B97F4A7C15L + 17, max);
    }
}
