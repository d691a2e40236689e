package io.infergate.bench.jmh;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.datastore.EndpointSlot;
import io.infergate.scheduler.datastore.PoolState;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.EngineMapping;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A pool of vLLM endpoints (Llama 3.1 8B on one H100 each) published to a {@link Datastore}, with scraped metrics as
 * a busy fleet shows them: every endpoint carries its own load from other clients, so queues, KV usage and running
 * batches differ, and most have LoRA adapters loaded. On top of that comes the load of our own in-flight requests:
 * {@link #rescrape} stores, as the scraper does meanwhile in production, metrics precomputed for the endpoint's
 * current in-flight count (more running, then queueing, more KV used), one of {@value #VARIANTS} jittered variants.
 * So an endpoint the decisions favour looks busier at its next scrape, as a real one does; without that, a profile
 * without an in-flight scorer would send everything to one endpoint. A rescrape is a map lookup and a volatile
 * write; nothing is allocated.
 *
 * <p>Built from a seed. Confined to one thread, apart from what {@link Datastore} itself allows.
 */
final class BenchPool {

    static final PoolId POOL = new PoolId("inference.networking.k8s.io", "bench", "llama-3-1-8b");
    /** vLLM's {@code num_gpu_blocks} for Llama 3.1 8B on an 80 GB GPU at 0.9 memory utilisation. */
    static final int NUM_GPU_BLOCKS = 27_264;

    static final int MAX_LORAS = 4;
    static final int VARIANTS = 4;
    /** Our own in-flight requests on one endpoint beyond which its metrics stop growing. */
    static final int MAX_OURS = 32;

    private final PoolSnapshot snapshot;
    private final Datastore datastore;
    private final List<EndpointSlot> slots;
    private final ScrapedMetrics[][][] scrapes;

    /**
     * @param readAtNanos when the metrics were read, on the scheduler's clock (only sheddable requests look at it)
     */
    BenchPool(int size, long seed, long readAtNanos) {
        if (size < 1 || size > 4096) {
            throw new IllegalArgumentException("size: " + size + " (expected: 1..4096)");
        }
        List<Endpoint> endpoints = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String pod = "vllm-llama-3-1-8b-7f9c6d5b8-" + Integer.toString(46_656 + i * 7919, 36);
            PoolEndpoint e =
                    new PoolEndpoint(pod + "-rank-0", pod, "10.42." + (i / 250) + "." + (i % 250 + 2), 8000, 0);
            endpoints.add(Endpoint.of(
                    e,
                    Map.of(
                            "app",
                            "vllm-llama-3-1-8b",
                            EngineMapping.ENGINE_TYPE_LABEL,
                            "vllm",
                            "pod-template-hash",
                            "7f9c6d5b8")));
        }
        snapshot = new PoolSnapshot(POOL, endpoints);
        datastore = new Datastore(e -> EngineMapping.VLLM);
        PoolState state = datastore.publish(snapshot);
        slots = state.slots();
        SplittableRandom r = new SplittableRandom(seed);
        scrapes = new ScrapedMetrics[size][MAX_OURS + 1][VARIANTS];
        for (int i = 0; i < size; i++) {
            double level = r.nextDouble(); // the load other clients (other gateway replicas) put on this endpoint
            Set<String> loaded = new LinkedHashSet<>();
            if (i % 4 != 0) { // a quarter of the fleet runs no adapter right now
                int n = 1 + r.nextInt(3);
                while (loaded.size() < n) {
                    loaded.add(ChatPrompts.ADAPTERS.get(r.nextInt(ChatPrompts.ADAPTERS.size())));
                }
            }
            for (int ours = 0; ours <= MAX_OURS; ours++) {
                for (int v = 0; v < VARIANTS; v++) {
                    double l = Math.clamp(level + (r.nextDouble() - 0.5) * 0.2, 0, 1);
                    // ours run in the batch; beyond a few they queue, as the batch is at its KV limit
                    int waiting = Math.max(0, (int) Math.round(l * l * 14) + r.nextInt(3) - 1 + Math.max(0, ours - 8));
                    int running = Math.min(256, 12 + (int) Math.round(l * 84) + r.nextInt(8) + ours);
                    double kv = Math.clamp(0.12 + l * 0.8 + ours * 0.015 + (r.nextDouble() - 0.5) * 0.06, 0, 0.99);
                    Set<String> waitingAdapters = waiting > 2 && !loaded.isEmpty() && r.nextInt(3) == 0
                            ? Set.of(ChatPrompts.ADAPTERS.get(r.nextInt(ChatPrompts.ADAPTERS.size())))
                            : Set.of();
                    ModelServerMetrics m = new ModelServerMetrics(
                            EngineMapping.VLLM,
                            waiting,
                            running,
                            kv,
                            loaded,
                            waitingAdapters,
                            MAX_LORAS,
                            16,
                            NUM_GPU_BLOCKS,
                            List.of());
                    scrapes[i][ours][v] = new ScrapedMetrics(m, readAtNanos, null);
                }
            }
            slots.get(i).metrics(scrapes[i][0][0]);
        }
    }

    PoolSnapshot snapshot() {
        return snapshot;
    }

    Datastore datastore() {
        return datastore;
    }

    int size() {
        return slots.size();
    }

    /**
     * The {@code k}-th scrape of the fleet: endpoint {@code k mod size} gets the precomputed metrics for the requests
     * {@code inFlight} counts on it (up to {@value #MAX_OURS}), so the pool's metrics follow the load the decisions put
     * on it, with one scrape's lag.
     */
    void rescrape(long k, InFlightTracker inFlight) {
        int i = (int) (k % slots.size());
        EndpointSlot slot = slots.get(i);
        int ours = Math.min(MAX_OURS, inFlight.inFlight(slot.endpoint()));
        slot.metrics(scrapes[i][ours][(int) (k / slots.size() % VARIANTS)]);
    }

    /** The metrics currently stored for endpoint {@code i}. */
    ModelServerMetrics metrics(int i) {
        return slots.get(i).metrics().metrics();
    }
}
