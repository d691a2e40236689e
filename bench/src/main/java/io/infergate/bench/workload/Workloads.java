package io.infergate.bench.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The named workloads of {@code infergate bench lab} and {@code infergate bench load} (issue 5): the same name
 * gives the same requests in the lab and against a live gateway.
 * <ul>
 *   <li>{@code sharegpt}: ShareGPT-like chat, log-normal lengths with means 202 in / 179 out;</li>
 *   <li>{@code shared-prefix}: GIE's short-questions / many-system-prompts (150 x 5, 6,000-token system prompts,
 *       1,200-token questions, 1,000 tokens out);</li>
 *   <li>{@code shared-prefix-small}: llm-d's precise-prefix guide (150 x 5, 2,000 / 500 / 500);</li>
 *   <li>{@code multi-turn}: GIE's short-questions / few-system-prompts multi-chat (context grows per turn);</li>
 *   <li>{@code multi-lora}: ShareGPT-like over 15 adapters in 5 x 12, 5 x 6 and 5 x 2 % tiers (every request names
 *       an adapter), servers with max-loras 3;</li>
 *   <li>{@code priority}: ShareGPT-like with 20 % Critical, 50 % Standard, 30 % Sheddable.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class Workloads {

    /** The model the workloads ask for (the simulator's default preset serves it). */
    public static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    private static final Map<String, Supplier<Workload>> ALL = Map.of(
            "sharegpt",
                    () -> new Workload(
                            "sharegpt",
                            "ShareGPT-like chat (202/179 tokens mean, heavy tails)",
                            MODEL,
                            List.of(),
                            0,
                            seed -> new ShareGptLike(MODEL, seed)),
            "shared-prefix",
                    () -> shared(
                            "shared-prefix",
                            SharedPrefix.Config.GIE_SHORT_QUESTIONS_MANY_SYSTEM_PROMPTS,
                            "GIE shared prefix: 150 x 5 prompts, 6,000-token system prompts, 1,200-token questions, 1,000 out"),
            "shared-prefix-small",
                    () -> shared(
                            "shared-prefix-small",
                            SharedPrefix.Config.LLMD_PRECISE_PREFIX_2,
                            "llm-d shared prefix: 150 x 5 prompts, 2,000-token system prompts, 500-token questions, 500 out"),
            "multi-turn",
                    () -> new Workload(
                            "multi-turn",
                            "GIE multi-turn chat: 6 system prompts x 1,000 sessions x 5 turns, context grows per turn",
                            MODEL,
                            List.of(),
                            0,
                            seed -> new MultiTurn(
                                    MultiTurn.Config.GIE_SHORT_QUESTIONS_FEW_SYSTEM_PROMPTS, MODEL, seed)),
            "multi-lora", Workloads::multiLora,
            "priority",
                    () -> new Workload(
                            "priority",
                            "ShareGPT-like chat, 20 % Critical / 50 % Standard / 30 % Sheddable",
                            MODEL,
                            List.of(),
                            0,
                            seed -> PriorityMix.DEFAULT.apply(new ShareGptLike(MODEL, seed), seed ^ 0x5DEECE66DL)));

    /** Every name, sorted. */
    public static final List<String> NAMES = ALL.keySet().stream().sorted().toList();

    private Workloads() {}

    /**
     * The workload called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Workload named(String name) {
        Supplier<Workload> w = ALL.get(name);
        if (w == null) {
            throw new IllegalArgumentException(
                    "workload \"" + name + "\" (expected one of: " + String.join(", ", NAMES) + ")");
        }
        return w.get();
    }

    private static Workload shared(String name, SharedPrefix.Config config, String description) {
        return new Workload(name, description, MODEL, List.of(), 0, seed -> new SharedPrefix(config, MODEL, seed));
    }

    private static Workload multiLora() {
        MultiLora lora = MultiLora.gieTiers();
        List<String> names = new ArrayList<>();
        lora.adapters().forEach(a -> names.add(a.name()));
        return new Workload(
                "multi-lora",
                "ShareGPT-like chat over 15 LoRA adapters (5 x 12, 5 x 6, 5 x 2 % of requests)," + " max-loras "
                        + MultiLora.GIE_SERVER_MAX_LORAS,
                MODEL,
                names,
                MultiLora.GIE_SERVER_MAX_LORAS,
                seed -> lora.apply(new ShareGptLike(MODEL, seed), seed ^ 0x2545F4914F6CDD1DL));
    }
}
