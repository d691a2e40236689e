package io.infergate.bench.workload;

import java.util.Iterator;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The prefix-cache benchmark of inference-perf's {@code shared_prefix} data type
 * ({@code kubernetes-sigs/inference-perf} {@code inference_perf/datagen/synthetic/shared_prefix_datagen.py}):
 * {@code groups} system prompts of {@code systemPromptTokens}, each with {@code promptsPerGroup} distinct questions
 * of {@code questionTokens}; every request is one (group, question) pair, its prompt the system prompt followed by
 * the question, its {@code max_tokens} {@code outputTokens}. All prompts of a group share exactly the system
 * prompt's bytes ({@code 4 * systemPromptTokens} characters) and differ right after.
 *
 * <p>Order: each request picks a group and a question uniformly at random, so a question recurs once all
 * {@code groups * promptsPerGroup} have had their turn on average (with 150 x 5 = 750 prompts, every few seconds at
 * tens of requests a second), which is what lets a repeated prompt hit the cache. inference-perf's exact order is
 * not reproduced. Requests carry {@link WorkloadRequest#STANDARD} priority, fairness id {@code group-<g>}, no
 * session, and arrival 0 (see {@link Schedule}).
 *
 * <p>The texts are built once in the constructor (150 x 6,000-token system prompts are 3.6 MB of chars). Never ends.
 * Not thread-safe.
 */
public final class SharedPrefix implements Iterator<WorkloadRequest> {

    /**
     * A shared-prefix configuration.
     *
     * @param groups             distinct system prompts, {@code >= 1}
     * @param promptsPerGroup    distinct questions per system prompt, {@code >= 1}
     * @param systemPromptTokens {@code >= 1}
     * @param questionTokens     {@code >= 1}
     * @param outputTokens       {@code max_tokens}, {@code >= 1}
     */
    public record Config(
            int groups, int promptsPerGroup, int systemPromptTokens, int questionTokens, int outputTokens) {

        /** GIE {@code short-questions__many-system-prompts} and llm-d optimized-baseline: high overlap. */
        public static final Config GIE_SHORT_QUESTIONS_MANY_SYSTEM_PROMPTS = new Config(150, 5, 6000, 1200, 1000);
        /** GIE {@code long-questions__many-system-prompts}: low overlap. */
        public static final Config GIE_LONG_QUESTIONS_MANY_SYSTEM_PROMPTS = new Config(150, 5, 1000, 6200, 1000);
        /** llm-d {@code guide_precise-prefix-cache-routing_2}. */
        public static final Config LLMD_PRECISE_PREFIX_2 = new Config(150, 5, 2000, 500, 500);
        /** llm-d {@code shared_prefix_synthetic}. */
        public static final Config LLMD_SYNTHETIC = new Config(32, 32, 2048, 256, 256);
        /** The inference-perf KubeCon demo: small enough for a laptop and unit tests. */
        public static final Config SMALL = new Config(10, 10, 128, 64, 64);

        public Config {
            positive("groups", groups);
            positive("promptsPerGroup", promptsPerGroup);
            positive("systemPromptTokens", systemPromptTokens);
            positive("questionTokens", questionTokens);
            positive("outputTokens", outputTokens);
        }
    }

    private final Config config;
    private final String model;
    private final String[] systemPrompts;
    private final String[][] questions;
    private final SplittableRandom rnd;

    public SharedPrefix(Config config, String model, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = Objects.requireNonNull(model, "model");
        this.rnd = new SplittableRandom(seed);
        SplittableRandom text = rnd.split();
        systemPrompts = new String[config.groups()];
        questions = new String[config.groups()][config.promptsPerGroup()];
        for (int g = 0; g < config.groups(); g++) {
            systemPrompts[g] = Text.of(text, config.systemPromptTokens());
            for (int q = 0; q < config.promptsPerGroup(); q++) {
                questions[g][q] = Text.of(text, config.questionTokens());
            }
        }
    }

    public Config config() {
        return config;
    }

    /** The system prompt of group {@code g}. */
    public String systemPrompt(int g) {
        return systemPrompts[g];
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public WorkloadRequest next() {
        int g = rnd.nextInt(config.groups());
        int q = rnd.nextInt(config.promptsPerGroup());
        return WorkloadRequest.of(
                model,
                WorkloadRequest.STANDARD,
                systemPrompts[g] + questions[g][q],
                config.outputTokens(),
                "",
                "group-" + g);
    }

    static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
    }
}
