package io.infergate.bench.jmh;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The prefix index learning one request on its own: {@link PrefixIndex#add} of a 16 KiB prompt's 256 block hashes
 * (GIE's defaults: 64-byte blocks, at most 256) for one endpoint of a pool of {@link #endpoints}, what the gateway's
 * {@code BackgroundLearner} thread does after every decision. The index is full before the first measured
 * operation: every endpoint holds {@code num_gpu_blocks} (27,264, as {@link BenchPool}'s endpoints report) hashes
 * from earlier prompts, each half a shared system prompt (one of 8, held by every endpoint) and half its own, so each
 * new block evicts one. Endpoints take turns.
 *
 * <p>{@link #knownBlocks}: how many leading blocks of each learnt prompt the endpoint already holds (a system
 * prompt it was sent before; they are touched, not inserted); the rest are new hashes never seen. 0 is the issue's
 * "new 16 KiB prompt", 128 a new conversation on a known system prompt. Drawing the new hashes (256 x
 * {@code SplittableRandom.nextLong}, about 0.5 µs) is inside the measured time.
 *
 * <p>Bytes per operation: {@code -prof gc}; CPU per operation: {@code -prof io.infergate.bench.jmh.CpuProfiler}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LearnBenchmark {

    static final long SEED = 20_261_208L;
    static final int SYSTEM_PROMPTS = 8;

    @Param({"64", "256"})
    public int endpoints;

    @Param({"0", "128"})
    public int knownBlocks;

    /** Each endpoint's capacity; tests lower it so the set-up stays quick. */
    int capacity = BenchPool.NUM_GPU_BLOCKS;

    private final int blocks = PrefixHasher.defaults().maxPrefixBlocks();
    private PrefixIndex index;
    private List<Endpoint> pool;
    private long[][] systemPrompts;
    private long[] hashes;
    private SplittableRandom random;
    private long ops;

    @Setup(Level.Trial)
    public void setUp() {
        if (knownBlocks < 0 || knownBlocks > blocks / 2) {
            throw new IllegalArgumentException("knownBlocks: " + knownBlocks + " (expected: 0.." + blocks / 2 + ")");
        }
        random = new SplittableRandom(SEED);
        index = new PrefixIndex();
        pool = new ArrayList<>(endpoints);
        for (int i = 0; i < endpoints; i++) {
            String pod = "vllm-" + i;
            Endpoint e = Endpoint.of(
                    new PoolEndpoint(pod + "-rank-0", pod, "10.42." + (i / 250) + "." + (i % 250 + 2), 8000, 0),
                    Map.of());
            pool.add(e);
            index.setCapacity(e, capacity);
        }
        systemPrompts = new long[SYSTEM_PROMPTS][blocks / 2];
        for (long[] p : systemPrompts) {
            fill(p, 0, p.length);
        }
        hashes = new long[blocks];
        // every endpoint past full, so that each new block evicts one
        int rounds = capacity / (blocks / 2) + 2;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < endpoints; i++) {
                long[] system = systemPrompts[(r + i) % SYSTEM_PROMPTS];
                System.arraycopy(system, 0, hashes, 0, system.length);
                fill(hashes, system.length, blocks);
                index.add(pool.get(i), hashes);
            }
        }
        ops = 0;
    }

    @Benchmark
    public long learn() {
        long k = ops++;
        Endpoint e = pool.get((int) (k % endpoints));
        long[] system = systemPrompts[(int) (k % SYSTEM_PROMPTS)];
        System.arraycopy(system, 0, hashes, 0, knownBlocks);
        fill(hashes, knownBlocks, blocks);
        index.add(e, hashes); // does not keep the array
        return hashes[blocks - 1];
    }

    private void fill(long[] into, int from, int to) {
        for (int i = from; i < to; i++) {
            into[i] = random.nextLong();
        }
    }

    /** The hashes of the last {@link #learn}; for tests. */
    long[] lastHashes() {
        return hashes.clone();
    }

    PrefixIndex index() {
        return index;
    }

    List<Endpoint> pool() {
        return pool;
    }
}
