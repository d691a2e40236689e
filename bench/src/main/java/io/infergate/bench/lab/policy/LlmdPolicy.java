package io.infergate.bench.lab.policy;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.lab.Route;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.prefix.PrefixIndex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * {@code llm-d}: the llm-d router's "sticky until saturated" profile, as its optimized-baseline guide ships it
 * ({@code llm-d/llm-d} {@code guides/optimized-baseline/router/optimized-baseline.values.yaml}; blog post
 * "Sticky Until Saturated: token-aware routing"): {@code approx-prefix-cache-producer} +
 * {@code inflight-load-producer} → {@code prefix-cache-affinity-filter} → {@code token-load-scorer} (weight 1) →
 * {@code max-score-picker}. The guide's profile has <b>no</b> {@code prefix-cache-scorer}, and the filter's README
 * says scorers after it must not include a separately weighted prefix scorer (it would make the TTFT gate inert), so
 * neither do we. Per request:
 * <ol>
 *   <li><b>Prefix state</b> (GIE's approximate index, {@link PrefixIndex}, exactly as Infergate's
 *       {@code PrefixCacheScorer} uses it): the prompt bytes ({@link LabRequest#pick()}) are hashed in 64-byte blocks
 *       ({@code PrefixHasher}); an endpoint's prefix score is {@code matchedBlocks / totalBlocks} by GIE's greedy
 *       walk; after the pick the blocks are learnt for the chosen endpoint only. With autoTune an endpoint's LRU
 *       capacity follows its scraped {@code num_gpu_blocks}.</li>
 *   <li><b>In-flight load</b> ({@code inflight-load-producer}, defaults): per endpoint the <em>uncached</em> prompt
 *       tokens of the requests this router sent there, {@code max(promptTokens − matchedBlocks × 16, 0)} at routing
 *       time, released at the first token (streaming) or at the end.</li>
 *   <li><b>prefix-cache-affinity-filter</b>: with probability {@code explorationProbability} keep everyone;
 *       otherwise the sticky endpoints are those with prefix score {@code >= affinityThreshold}; none sticky → keep
 *       everyone; if some are not sticky and
 *       {@code min_sticky(TTFT) − min_nonSticky(TTFT) > maxTTFTPenaltyMs}, with
 *       {@code TTFT = inFlightTokens / peakPrefillThroughput × 1000} ms, keep everyone (stickiness broken);
 *       else keep only the sticky ones.</li>
 *   <li><b>token-load-scorer</b>: {@code 1 − min(1, (inFlightTokens + uncachedTokensOfThisRequest) /
 *       queueThresholdTokens)} (1 when the sum is 0).</li>
 *   <li><b>max-score-picker</b>: the highest score, ties uniformly at random (the picker shuffles before a stable
 *       sort).</li>
 * </ol>
 * Defaults: {@link LlmdConfig#defaults()}: 0.80 / exploration 0 / 18,000 ms / 15,928 tok/s / 4 Mi tokens, GIE's
 * hasher and index. {@code explorationProbability} is 0 in the plugin's {@code DefaultConfig} and the guide leaves
 * it there (the README's 0.01 is only a configuration example).
 *
 * <p><b>Approximations.</b> llm-d runs without a tokenizer by default, estimating tokens from characters; we estimate
 * a prompt's tokens as {@code ceil(promptBytes / 4)} (GIE's 4 characters per token), in the same units as the
 * matched blocks (16 estimated tokens each), rather than reading the engine's exact count. Older guide revisions gate
 * on {@code maxTokensInFlightPenalty: 286720} tokens with the TTFT gate off; that is the same gate, as
 * 18,000 ms × 15.928 tok/ms = 286,704 tokens. Newer filter revisions add the current request's uncached tokens to
 * the projected TTFT; the revision followed here ({@code plugin.go} with {@code TTFTSource}) does not. The filter
 * reads no scraped metrics, so none of this depends on scrape staleness.
 *
 * <p><b>Threading.</b> Called on the lab's single thread only; the prefix index learns inline (deterministic). The
 * exploration draw and tie-breaks come from a {@link SplittableRandom} seeded at construction: same seed, same
 * decisions.
 */
public final class LlmdPolicy implements LabPolicy {

    public static final String NAME = "llm-d";

    /** GIE's {@code averageCharactersPerToken}: the tokenizer-free token estimate. */
    private static final int CHARACTERS_PER_TOKEN = 4;

    private final LlmdConfig config;
    private final SplittableRandom random;
    private final PrefixIndex index;
    private final Map<String, long[]> inFlightTokens = new HashMap<>();
    private final Map<String, Charge> charges = new HashMap<>();

    /** The plugins' defaults ({@link LlmdConfig#defaults()}). */
    public LlmdPolicy(long seed) {
        this(seed, LlmdConfig.defaults());
    }

    public LlmdPolicy(long seed, LlmdConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = new SplittableRandom(seed);
        // learns on the calling thread, so decisions do not depend on a background learner's timing
        this.index = new PrefixIndex(config.indexCapacity(), PrefixIndex.AddOrder.PROMPT_ORDER);
    }

    @Override
    public String name() {
        return NAME;
    }

    public LlmdConfig config() {
        return config;
    }

    @Override
    public Route route(LabRequest request, LabView view) {
        List<Endpoint> endpoints = view.endpoints();
        int n = endpoints.size();
        if (n == 0) {
            return Route.refused(503, "no endpoints");
        }
        PromptBytes prompt = request.pick().prompt();
        long[] hashes = prompt.isEmpty()
                ? new long[0]
                : config.hasher()
                        .hash(request.pick().targetModel(), "", prompt.array(), prompt.offset(), prompt.length());
        int[] matched = hashes.length == 0 ? new int[n] : index.matchLengths(hashes, endpoints);
        autoTune(view, endpoints);
        long promptTokens = estimateTokens(request.pick().promptBytes());
        double[] prefixScore = new double[n];
        long[] load = new long[n];
        long[] uncached = new long[n];
        for (int i = 0; i < n; i++) {
            prefixScore[i] = hashes.length == 0 ? 0 : (double) matched[i] / hashes.length;
            load[i] = inFlight(endpoints.get(i).hostPort())[0];
            uncached[i] =
                    Math.max(promptTokens - (long) matched[i] * config.hasher().blockSizeTokens(), 0);
        }
        int[] kept = new int[n];
        int count = filter(prefixScore, load, kept);
        double[] score = new double[n];
        for (int k = 0; k < count; k++) {
            int i = kept[k];
            score[i] = tokenLoadScore(load[i] + uncached[i]);
        }
        int chosen = Ties.argMax(score, kept, count, random);
        Endpoint e = endpoints.get(chosen);
        if (hashes.length > 0) {
            index.learn(e, hashes);
        }
        Charge previous = charges.put(request.id(), new Charge(e.hostPort(), uncached[chosen]));
        if (previous != null) {
            release(previous); // a retried id: the first attempt's charge must not leak
        }
        inFlight(e.hostPort())[0] += uncached[chosen];
        return Route.to(chosen);
    }

    @Override
    public void onFirstToken(LabRequest request, int endpoint, LabView view) {
        Charge c = charges.get(request.id());
        if (c != null) {
            release(c); // prefill is done: the producer stops charging the prompt at the first chunk
        }
    }

    @Override
    public void onFinish(LabRequest request, int endpoint, LabView view) {
        Charge c = charges.remove(request.id());
        if (c != null) {
            release(c);
        }
    }

    /** The uncached in-flight tokens this router charges the endpoint with, for tests. */
    long inFlightTokens(Endpoint endpoint) {
        long[] t = inFlightTokens.get(endpoint.hostPort());
        return t == null ? 0 : t[0];
    }

    PrefixIndex index() {
        return index;
    }

    /** Adds {@code tokens} to the endpoint's in-flight charge as if a request were prefilling there, for tests. */
    void charge(Endpoint endpoint, long tokens) {
        inFlight(endpoint.hostPort())[0] += tokens;
    }

    /**
     * prefix-cache-affinity-filter: fills {@code kept} with the surviving endpoint indexes and returns how many.
     * The exploration draw happens only where the plugin draws it (more than one endpoint, threshold above 0).
     */
    private int filter(double[] prefixScore, long[] load, int[] kept) {
        int n = prefixScore.length;
        if (n <= 1 || config.affinityThreshold() <= 0 || random.nextDouble() < config.explorationProbability()) {
            return keepAll(kept);
        }
        int sticky = 0;
        double bestStickyTtft = Double.MAX_VALUE;
        double bestOtherTtft = Double.MAX_VALUE;
        boolean anyOther = false;
        for (int i = 0; i < n; i++) {
            double ttft = load[i] / config.peakPrefillThroughput() * 1000;
            if (prefixScore[i] >= config.affinityThreshold()) {
                kept[sticky++] = i;
                bestStickyTtft = Math.min(bestStickyTtft, ttft);
            } else {
                anyOther = true;
                bestOtherTtft = Math.min(bestOtherTtft, ttft);
            }
        }
        if (sticky == 0) {
            return keepAll(kept);
        }
        if (config.maxTtftPenaltyMs() > 0 && anyOther && bestStickyTtft - bestOtherTtft > config.maxTtftPenaltyMs()) {
            return keepAll(kept); // the sticky endpoints are saturated: let the load scorer choose among everyone
        }
        return sticky;
    }

    private static int keepAll(int[] kept) {
        for (int i = 0; i < kept.length; i++) {
            kept[i] = i;
        }
        return kept.length;
    }

    private double tokenLoadScore(long tokens) {
        if (tokens <= 0) {
            return 1.0;
        }
        double threshold = config.queueThresholdTokens();
        return 1.0 - Math.min(tokens, threshold) / threshold;
    }

    private void autoTune(LabView view, List<Endpoint> endpoints) {
        if (!config.autoTune()) {
            return;
        }
        for (int i = 0; i < endpoints.size(); i++) {
            ScrapedMetrics m = view.metrics(i);
            if (m.everRead() && m.metrics().hasNumGpuBlocks()) {
                Endpoint e = endpoints.get(i);
                if (index.capacity(e.hostPort()) != m.metrics().numGpuBlocks()) {
                    index.setCapacity(e, m.metrics().numGpuBlocks());
                }
            }
        }
    }

    private void release(Charge c) {
        if (!c.released) {
            inFlight(c.hostPort)[0] -= c.tokens;
            c.released = true;
        }
    }

    private long[] inFlight(String hostPort) {
        return inFlightTokens.computeIfAbsent(hostPort, k -> new long[1]);
    }

    private static long estimateTokens(int promptBytes) {
        return (promptBytes + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
    }

    /** A request's uncached prompt tokens charged to the endpoint it was sent to, until its first token. */
    private static final class Charge {
        final String hostPort;
        final long tokens;
        boolean released;

        Charge(String hostPort, long tokens) {
            this.hostPort = hostPort;
            this.tokens = tokens;
        }
    }
}
