package io.infergate.bench.workload;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Spreads a workload's requests over LoRA adapters by fixed shares: each request's model becomes adapter {@code i}
 * with probability {@code share(i)}, or stays what the content generator chose with the remaining probability.
 *
 * <p>{@link #gieTiers()} is GIE's multi-LoRA benchmark ({@code benchmarking/multilora-workload/
 * multilora-values.yaml} in {@code kubernetes-sigs/gateway-api-inference-extension}): 15 adapters in three tiers,
 * <em>each</em> adapter of a tier taking that tier's share: 5 x 12 % (60 %), 5 x 6 % (30 %), 5 x 2 % (10 %), 100 % in
 * all, so no request goes to the base model. The benchmark's servers run {@code --max-loras} {@value
 * #GIE_SERVER_MAX_LORAS}: at most three adapters resident per server, so with 15 in play adapter affinity matters; that
 * is fleet configuration, not part of the request stream.
 *
 * <p>Immutable and thread-safe; the iterators {@link #apply} returns are not.
 *
 * @param adapters the adapters and their shares (each in {@code (0, 1]}, summing to at most 1)
 */
public record MultiLora(List<Adapter> adapters) {

    /** The {@code --max-loras} of the GIE multi-LoRA benchmark's vLLM servers. */
    public static final int GIE_SERVER_MAX_LORAS = 3;

    /**
     * @param name  the adapter name sent as {@code model}; not blank
     * @param share the probability a request goes to it, in {@code (0, 1]}
     */
    public record Adapter(String name, double share) {
        public Adapter {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name: blank (expected: an adapter name)");
            }
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("share of " + name + ": " + share + " (expected: (0, 1])");
            }
        }
    }

    public MultiLora {
        adapters = List.copyOf(adapters);
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("adapters: empty (expected: at least one)");
        }
        double sum = 0;
        for (Adapter a : adapters) {
            sum += a.share();
        }
        if (sum > 1 + 1e-9) {
            throw new IllegalArgumentException("adapter shares: sum " + sum + " (expected: <= 1)");
        }
    }

    /** GIE's 15 adapters, {@code lora-tier1-1 .. lora-tier3-5}, at 12 / 6 / 2 % each (see the class comment). */
    public static MultiLora gieTiers() {
        double[] tierShare = {0.12, 0.06, 0.02};
        List<Adapter> list = new ArrayList<>();
        for (int t = 0; t < tierShare.length; t++) {
            for (int i = 1; i <= 5; i++) {
                list.add(new Adapter("lora-tier" + (t + 1) + "-" + i, tierShare[t]));
            }
        }
        return new MultiLora(list);
    }

    /** {@code content} with each request's model drawn as above; ends when {@code content} does. */
    public Iterator<WorkloadRequest> apply(Iterator<WorkloadRequest> content, long seed) {
        Objects.requireNonNull(content, "content");
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] cumulative = new double[adapters.size()];
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += adapters.get(i).share();
            cumulative[i] = sum;
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return content.hasNext();
            }

            @Override
            public WorkloadRequest next() {
                WorkloadRequest r = content.next();
                double u = rnd.nextDouble();
                for (int i = 0; i < cumulative.length; i++) {
                    if (u < cumulative[i]) {
                        return r.withModel(adapters.get(i).name());
                    }
                }
                return r;
            }
        };
    }
}
