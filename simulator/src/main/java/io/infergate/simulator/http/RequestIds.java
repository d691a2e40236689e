package io.infergate.simulator.http;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-request ids and random streams derived from one replica seed and an arrival counter, so two runs
 * with the same seed and the same arrival order produce the same ids and the same output lengths, and no
 * lock is shared between event loops.
 *
 * <p>Ids look like vLLM's: a prefix and 32 hex digits ({@code chatcmpl-1f0c...}).
 *
 * <p>Threading: safe from any thread.
 */
public final class RequestIds {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final AtomicLong counter = new AtomicLong();

    public RequestIds(long seed) {
        this.seed = seed;
    }

    /** One request's identity: an id and a private random stream. */
    public record Draw(String id, SplittableRandom random) {}

    /** The next id with {@code prefix} and its random stream. */
    public Draw next(String prefix) {
        long s = mix(seed + counter.getAndIncrement() * GOLDEN);
        String id = prefix + hex16(s) + hex16(mix(s ^ GOLDEN));
        return new Draw(id, new SplittableRandom(mix(s + GOLDEN)));
    }

    static String hex16(long v) {
        String h = Long.toHexString(v);
        return "0".repeat(16 - h.length()) + h;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
