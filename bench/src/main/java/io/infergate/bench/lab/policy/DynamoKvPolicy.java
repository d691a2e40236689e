package io.infergate.bench.lab.policy;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.lab.Route;
import io.infergate.scheduler.pick.Endpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * {@code dynamo-kv}: NVIDIA Dynamo's KV router ({@code --router-mode kv}) in approximate mode
 * ({@code --no-router-kv-events}). Sources: {@code ai-dynamo/dynamo} {@code docs/components/router/router-concepts.md}
 * and {@code router-configuration.md}; {@code lib/kv-router/src/scheduling/selector/default.rs}
 * ({@code worker_logit}, {@code softmax_sample_index}, {@code minimum_cost_index}); {@code config.rs} (defaults);
 * the active-sequence tracker ({@code potential_blocks_and_tokens}, {@code mark_prefill_completed}).
 *
 * <p>The request's tokens ({@link LabRequest#tokens()}) are cut into blocks of {@link LabView#blockSize()} tokens and
 * named by chained hashes ({@link TokenBlockHasher}, full blocks only). For each worker {@code w}, with
 * {@code bs} the block size and {@code isl} the prompt length in tokens:
 * <pre>
 *   overlap_w           = leading request blocks the approximate index says w holds  (routed there, TTL 120 s)
 *   raw_prefill_blocks  = (active_prefill_tokens_w + isl) / bs
 *   adjusted_prefill    = max(raw_prefill_blocks − overlap_score_credit × overlap_w, 0)
 *   decode_blocks       = active_blocks_w + request blocks not already active on w
 *   cost_w              = prefill_load_scale × adjusted_prefill + decode_blocks
 * </pre>
 * The lowest cost wins, ties uniformly at random (Dynamo's reservoir tie-break); with {@code temperature > 0} the
 * worker is sampled with probability proportional to {@code exp(−(cost − min)/((max − min) × temperature))} (Dynamo
 * normalises costs to [0, 1] first; all-equal costs give a uniform draw). After the choice the request's blocks are
 * recorded for the worker in the approximate index, and the router's own active-sequence state is updated:
 * <ul>
 *   <li>active prefill tokens: the request's uncached tokens on the chosen worker,
 *       {@code max(isl − overlap × bs, 0)}, charged until its first token ({@link #onFirstToken}, Dynamo's
 *       {@code mark_prefill_completed}) or its end;</li>
 *   <li>active blocks: the request's blocks, counted once per worker however many active requests share them
 *       (Dynamo's default {@code router_assume_kv_reuse}), from routing until the request ends ({@link #onFinish},
 *       Dynamo's {@code free}). Output blocks are not tracked ({@code router_track_output_blocks} defaults to
 *       off).</li>
 * </ul>
 * Defaults: {@link DynamoKvConfig#defaults()} (prefill_load_scale 1.0, overlap_score_credit 1.0, temperature 0,
 * TTL 120 s, 2^20 entries pruned to 80%).
 *
 * <p><b>Where this differs.</b> The task brief described a request's blocks as counting towards decode only after its
 * first token; Dynamo's tracker counts a routed request's prompt blocks as active (decode load) from the moment it
 * is routed, on top of its prefill tokens, and so do we. Dynamo's older formulation,
 * {@code overlap_score_weight × prefill_blocks + decode_blocks}, is deprecated; the overlap-credit decay, the
 * host/disk/shared-cache tiers, busy thresholds, router queueing and the AIC prefill-decay model are not
 * modelled (all off by default). Block hashes are not Dynamo's XXH3 (only identity matters here). Dynamo's index
 * is a radix tree whose match counts a worker's blocks along the prefix; with chained hashes that equals the
 * leading-run count we compute.
 *
 * <p><b>Threading.</b> Called on the lab's single thread only; keeps its index and per-request state. Ties and
 * sampling draw from a {@link SplittableRandom} seeded at construction: same seed, same decisions.
 */
public final class DynamoKvPolicy implements LabPolicy {

    public static final String NAME = "dynamo-kv";

    private final DynamoKvConfig config;
    private final SplittableRandom random;
    private final ApproxKvIndex index;
    private final Map<String, Integer> workerIds = new HashMap<>();
    private final List<ActiveSequences> active = new ArrayList<>();
    private final Map<String, Sequence> sequences = new HashMap<>();

    /** Dynamo's defaults ({@link DynamoKvConfig#defaults()}). */
    public DynamoKvPolicy(long seed) {
        this(seed, DynamoKvConfig.defaults());
    }

    public DynamoKvPolicy(long seed, DynamoKvConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = new SplittableRandom(seed);
        this.index = new ApproxKvIndex(config.ttl().toNanos(), config.maxTreeSize(), config.pruneTargetRatio());
    }

    @Override
    public String name() {
        return NAME;
    }

    public DynamoKvConfig config() {
        return config;
    }

    @Override
    public Route route(LabRequest request, LabView view) {
        List<Endpoint> endpoints = view.endpoints();
        int n = endpoints.size();
        if (n == 0) {
            return Route.refused(503, "no endpoints");
        }
        Costs c = costs(request, view);
        int chosen = pick(c.cost);
        int w = worker(endpoints.get(chosen));
        index.record(w, c.hashes, view.nowNanos());
        long prefillTokens = Math.max(request.tokens().length - (long) c.overlap[chosen] * view.blockSize(), 0);
        Sequence previous = sequences.put(request.id(), new Sequence(w, c.hashes, prefillTokens));
        if (previous != null) {
            release(previous); // a retried id: the lab ends the first attempt before retrying, but be safe
        }
        active.get(w).add(c.hashes, prefillTokens);
        return Route.to(chosen);
    }

    /** The request's blocks, and each endpoint's overlap and cost (Dynamo's linear {@code worker_logit}). */
    Costs costs(LabRequest request, LabView view) {
        List<Endpoint> endpoints = view.endpoints();
        int n = endpoints.size();
        long now = view.nowNanos();
        int blockSize = view.blockSize();
        index.expire(now);
        long[] hashes = TokenBlockHasher.hash(request.model(), request.tokens(), blockSize);
        int isl = request.tokens().length;
        double[] cost = new double[n];
        int[] overlap = new int[n];
        for (int i = 0; i < n; i++) {
            int w = worker(endpoints.get(i));
            ActiveSequences load = active.get(w);
            overlap[i] = index.overlap(w, hashes, now);
            double rawPrefillBlocks = (double) (load.prefillTokens + isl) / blockSize;
            double adjustedPrefill = Math.max(rawPrefillBlocks - config.overlapScoreCredit() * overlap[i], 0);
            double decodeBlocks = load.blocks.size() + load.newBlocks(hashes);
            cost[i] = config.prefillLoadScale() * adjustedPrefill + decodeBlocks;
        }
        return new Costs(hashes, overlap, cost);
    }

    /** Argmin with a uniform tie-break at temperature 0, softmax sampling above. */
    int pick(double[] cost) {
        return config.temperature() == 0 ? Ties.argMin(cost, random) : softmaxSample(cost);
    }

    /** One decision's inputs: the request's block hashes, and per endpoint its overlap (blocks) and cost. */
    record Costs(long[] hashes, int[] overlap, double[] cost) {}

    @Override
    public void onFirstToken(LabRequest request, int endpoint, LabView view) {
        Sequence s = sequences.get(request.id());
        if (s != null && s.prefilling) {
            active.get(s.worker).prefillTokens -= s.prefillTokens;
            s.prefilling = false;
        }
    }

    @Override
    public void onFinish(LabRequest request, int endpoint, LabView view) {
        Sequence s = sequences.remove(request.id());
        if (s != null) {
            release(s);
        }
    }

    /** Active prefill tokens of the endpoint as this router counts them, for tests. */
    long activePrefillTokens(Endpoint endpoint) {
        Integer w = workerIds.get(endpoint.hostPort());
        return w == null ? 0 : active.get(w).prefillTokens;
    }

    /** Distinct active blocks of the endpoint as this router counts them, for tests. */
    int activeBlocks(Endpoint endpoint) {
        Integer w = workerIds.get(endpoint.hostPort());
        return w == null ? 0 : active.get(w).blocks.size();
    }

    private void release(Sequence s) {
        ActiveSequences load = active.get(s.worker);
        if (s.prefilling) {
            load.prefillTokens -= s.prefillTokens;
            s.prefilling = false;
        }
        load.remove(s.hashes);
    }

    /**
     * Dynamo's {@code softmax_sample_index}: costs min-max normalised, probabilities proportional to
     * {@code exp(−normalised / temperature)}, one uniform draw walked along the cumulative sum.
     */
    private int softmaxSample(double[] cost) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double c : cost) {
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        double[] p = new double[cost.length];
        if (min == max) {
            Arrays.fill(p, 1.0 / cost.length);
        } else {
            double scale = -1.0 / ((max - min) * config.temperature());
            for (int i = 0; i < cost.length; i++) {
                p[i] = Math.exp((cost[i] - min) * scale);
            }
        }
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        double sample = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < p.length; i++) {
            cumulative += p[i] / sum;
            if (sample <= cumulative) {
                return i;
            }
        }
        return p.length - 1;
    }

    /** The worker id of an endpoint, keyed by address (a KV cache belongs to a server process). */
    private int worker(Endpoint endpoint) {
        Integer w = workerIds.get(endpoint.hostPort());
        if (w == null) {
            w = active.size();
            workerIds.put(endpoint.hostPort(), w);
            active.add(new ActiveSequences());
        }
        return w;
    }

    /** One routed request: where it went, its blocks, and its uncached prompt tokens while it prefills. */
    private static final class Sequence {
        final int worker;
        final long[] hashes;
        final long prefillTokens;
        boolean prefilling = true;

        Sequence(int worker, long[] hashes, long prefillTokens) {
            this.worker = worker;
            this.hashes = hashes;
            this.prefillTokens = prefillTokens;
        }
    }

    /** A worker's active load as the router tracks it: prefill tokens, and distinct blocks with reference counts. */
    private static final class ActiveSequences {
        final Map<Long, Integer> blocks = new HashMap<>();
        long prefillTokens;

        int newBlocks(long[] hashes) {
            int fresh = 0;
            for (long h : hashes) {
                if (!blocks.containsKey(h)) {
                    fresh++;
                }
            }
            return fresh;
        }

        void add(long[] hashes, long tokens) {
            prefillTokens += tokens;
            for (long h : hashes) {
                blocks.merge(h, 1, Integer::sum);
            }
        }

        void remove(long[] hashes) {
            for (long h : hashes) {
                blocks.computeIfPresent(h, (k, c) -> c == 1 ? null : c - 1);
            }
        }
    }
}
