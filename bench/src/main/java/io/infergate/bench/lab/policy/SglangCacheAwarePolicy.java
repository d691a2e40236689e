package io.infergate.bench.lab.policy;

import io.infergate.bench.lab.LabPolicy;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.lab.Route;
import io.infergate.scheduler.pick.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code sglang-cache-aware}: the {@code cache_aware} policy of SGLang's model gateway
 * ({@code sgl-project/sglang}, {@code sgl-model-gateway/src/policies/cache_aware.rs} and {@code tree.rs}; docs
 * {@code docs/advanced_features/sgl_model_gateway.md}). Per request:
 * <ol>
 *   <li>Load of a worker = requests this router has in flight to it ({@link LabView#inFlight}, SGLang's
 *       {@code worker.load()}). The system is <b>imbalanced</b> iff
 *       {@code max - min > balance_abs_threshold} <b>and</b> {@code max > balance_rel_threshold × min}; then the
 *       request goes to the least-loaded worker (the first one, as Rust's {@code min_by_key}), and its text is still
 *       inserted into the tree for that worker.</li>
 *   <li>Otherwise the text is matched in the approximate radix tree ({@link TextRadixTree}); with
 *       {@code match_rate = matched_chars / text_chars}, if {@code match_rate > cache_threshold} the request goes to
 *       the tenant of the deepest matched node (the longest match), else to the least-loaded worker. (The docs and
 *       the file header still say "smallest tree" for the miss case; the code has routed misses to the least-loaded
 *       worker since the tree-size lookup was removed, and we follow the code.) The text is inserted for the chosen
 *       worker.</li>
 *   <li>Every {@code eviction_interval} the tree is trimmed: least recently used leaves go until each worker holds at
 *       most {@code max_tree_size} characters.</li>
 * </ol>
 * Defaults ({@link SglangCacheAwareConfig#defaults()}): cache_threshold 0.3, balance_abs_threshold 64,
 * balance_rel_threshold 1.5, eviction_interval 120 s, max_tree_size 2^26 characters per worker.
 *
 * <p><b>Approximations.</b> SGLang evicts on a background thread every interval of wall time from start-up; we evict
 * in virtual time, at the first call at or after each multiple of the interval (before routing that request), so a
 * decision never sees a half-evicted tree. The access-time counter is ours alone (SGLang's is process-global and
 * atomic), so the one-in-eight refresh of matched nodes lands on the same requests only when this is the only
 * tree. There is one tree: the lab's endpoints serve one base model (SGLang keeps one tree per worker model).
 * Workers are registered in endpoint order (as the gateway's {@code init_workers} inserts the empty string for each).
 * A matched tenant that is no longer an endpoint sends the request to endpoint 0 (SGLang: "first healthy worker")
 * without inserting. Match rates count UTF-16 units where SGLang counts characters (same for BMP text).
 *
 * <p><b>Threading.</b> Called on the lab's single thread only; holds the tree. No randomness, so no seed: the same
 * calls give the same decisions.
 */
public final class SglangCacheAwarePolicy implements LabPolicy {

    public static final String NAME = "sglang-cache-aware";

    private final SglangCacheAwareConfig config;
    private final TextRadixTree tree = new TextRadixTree();
    private final Map<String, Integer> tenants = new HashMap<>();
    private final long evictionIntervalNanos;
    private long nextEvictionNanos;

    /** The documented defaults ({@link SglangCacheAwareConfig#defaults()}). */
    public SglangCacheAwarePolicy() {
        this(SglangCacheAwareConfig.defaults());
    }

    public SglangCacheAwarePolicy(SglangCacheAwareConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.evictionIntervalNanos = config.evictionInterval().toNanos();
        this.nextEvictionNanos = evictionIntervalNanos;
    }

    @Override
    public String name() {
        return NAME;
    }

    public SglangCacheAwareConfig config() {
        return config;
    }

    @Override
    public Route route(LabRequest request, LabView view) {
        evictIfDue(view.nowNanos());
        List<Endpoint> endpoints = view.endpoints();
        int n = endpoints.size();
        if (n == 0) {
            return Route.refused(503, "no endpoints");
        }
        for (Endpoint e : endpoints) {
            tenant(e); // registers new workers in endpoint order, as the gateway's init_workers does
        }
        int minIndex = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < n; i++) {
            int load = view.inFlight(i);
            if (load < min) {
                min = load;
                minIndex = i;
            }
            max = Math.max(max, load);
        }
        String text = request.text();
        // SGLang compares in f32; so do we, so that borderline ratios fall the same way
        boolean imbalanced = max - min > config.balanceAbsThreshold()
                && (float) max > (float) min * (float) config.balanceRelThreshold();
        if (imbalanced) {
            tree.insert(text, tenant(endpoints.get(minIndex)));
            return Route.to(minIndex);
        }
        TextRadixTree.Match match = tree.match(text);
        double matchRate = text.isEmpty() ? 0 : (double) match.matchedChars() / match.inputChars();
        int chosen = minIndex;
        if (matchRate > config.cacheThreshold()) {
            chosen = indexOf(endpoints, match.tenant());
            if (chosen < 0) {
                return Route.to(0);
            }
        }
        tree.insert(text, tenant(endpoints.get(chosen)));
        return Route.to(chosen);
    }

    /** Characters the tree holds for the endpoint, for tests and reports. */
    long treeSize(Endpoint endpoint) {
        Integer t = tenants.get(endpoint.hostPort());
        return t == null ? 0 : tree.size(t);
    }

    TextRadixTree tree() {
        return tree;
    }

    private void evictIfDue(long nowNanos) {
        if (evictionIntervalNanos <= 0) {
            return;
        }
        if (nowNanos >= nextEvictionNanos) {
            tree.evictBySize(config.maxTreeSize());
            // one eviction catches up on any intervals with no requests: a second pass would find nothing to do
            long missed = (nowNanos - nextEvictionNanos) / evictionIntervalNanos;
            nextEvictionNanos += (missed + 1) * evictionIntervalNanos;
        }
    }

    /** The tenant id of an endpoint (keyed by address, as SGLang keys by worker URL), registered on first sight. */
    private int tenant(Endpoint endpoint) {
        Integer t = tenants.get(endpoint.hostPort());
        if (t == null) {
            t = tenants.size();
            tenants.put(endpoint.hostPort(), t);
            tree.insert("", t);
        }
        return t;
    }

    private int indexOf(List<Endpoint> endpoints, int tenant) {
        if (tenant < 0) {
            return -1;
        }
        for (int i = 0; i < endpoints.size(); i++) {
            Integer t = tenants.get(endpoints.get(i).hostPort());
            if (t != null && t == tenant) {
                return i;
            }
        }
        return -1;
    }
}
