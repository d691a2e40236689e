package io.infergate.bench.fidelity;

import io.infergate.simulator.text.ApproxTokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The 100 prompts of inference-perf's {@code shared_prefix} data generator as the published runs configured it
 * ({@code inference_perf/datagen/shared_prefix_datagen.py}: per group one random system prompt, per user one random
 * question appended to it; the list shuffled once and sent in turn), written as text the simulator's
 * {@link ApproxTokenizer} turns into exactly {@link PublishedRun#promptTokens()} tokens, the first
 * {@link PublishedRun#SYSTEM_PROMPT_TOKENS} of them (BOS included) shared within a group.
 *
 * <p>Immutable once built; any thread. Same seed, same prompts.
 */
public final class Prompts {

    private final List<String> texts;

    private Prompts(List<String> texts) {
        this.texts = List.copyOf(texts);
    }

    /** The prompts of {@code run}, random letters drawn from {@code seed}. */
    public static Prompts of(PublishedRun run, long seed) {
        Random random = new Random(seed);
        int chars = ApproxTokenizer.CHARS_PER_TOKEN;
        List<String> texts = new ArrayList<>();
        for (int g = 0; g < PublishedRun.GROUPS; g++) {
            String system = letters(random, (PublishedRun.SYSTEM_PROMPT_TOKENS - 1) * chars);
            for (int u = 0; u < PublishedRun.USERS_PER_GROUP; u++) {
                texts.add(system + letters(random, (run.promptTokens() - PublishedRun.SYSTEM_PROMPT_TOKENS) * chars));
            }
        }
        Collections.shuffle(texts, random);
        return new Prompts(texts);
    }

    /** The prompt of the {@code n}-th request (0-based): the list in turn. */
    public String text(long n) {
        return texts.get((int) (n % texts.size()));
    }

    /** The tokens the simulator's completions endpoint makes of {@link #text}: BOS, then the text. */
    public int[] tokens(long n) {
        return ApproxTokenizer.encode(text(n), true);
    }

    private static String letters(Random random, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }
}
