package io.infergate.scheduler.scheduling;

import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.prefix.PrefixHasher;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One decision's inputs apart from the candidates: the request, the time it is taken at, the random source
 * (ties and random pickers), and the request's prefix hashes, computed once on first use by whichever plugin
 * needs them. Confined to the deciding thread.
 */
public final class SchedulingContext {

    private final PickRequest request;
    private final long nowNanos;
    private final RandomGenerator random;
    private final PrefixHasher hasher;
    private long[] prefixHashes;

    /**
     * @param hasher how prompts are cut into blocks; null when no plugin of the profile uses prefix hashes
     */
    public SchedulingContext(PickRequest request, long nowNanos, RandomGenerator random, PrefixHasher hasher) {
        this.request = Objects.requireNonNull(request, "request");
        this.nowNanos = nowNanos;
        this.random = Objects.requireNonNull(random, "random");
        this.hasher = hasher;
    }

    public PickRequest request() {
        return request;
    }

    public long nowNanos() {
        return nowNanos;
    }

    public RandomGenerator random() {
        return random;
    }

    /**
     * The chained block hashes of the request's prompt for its target model (GIE's approximate prefix cache);
     * empty when there is no hasher, no prompt, or less than one block. Computed once.
     */
    public long[] prefixHashes() {
        if (prefixHashes == null) {
            var p = request.prompt();
            prefixHashes = hasher == null || p.isEmpty()
                    ? new long[0]
                    : hasher.hash(request.targetModel(), "", p.array(), p.offset(), p.length());
        }
        return prefixHashes;
    }
}
