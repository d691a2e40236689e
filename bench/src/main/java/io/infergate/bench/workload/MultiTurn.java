package io.infergate.bench.workload;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Multi-turn chat sessions whose context grows, after inference-perf's {@code shared_prefix} with
 * {@code enable_multi_turn_chat} ({@code inference_perf/datagen/synthetic/shared_prefix_datagen.py}): {@code groups}
 * system prompts; each of the {@code groups * sessionsPerGroup} sessions uses one of them and runs {@code turns} turns.
 * Turn {@code n}'s prompt is turn {@code n-1}'s prompt, then that turn's answer, then a new question; so every prompt
 * is a byte prefix of the session's next one, and sessions of a group share the system prompt.
 *
 * <p>The answer is synthesized here ({@link Text} of the turn's sampled output length), not taken from the server:
 * a replayed workload must not depend on what a run returned. The server sees the same context growth a real
 * client would create, but the answer bytes it generated itself will differ from the ones sent back, as if the
 * user had edited them; the prefix up to the answer still hits.
 *
 * <p>Order: {@code concurrentSessions} sessions are open at a time and take turns round-robin; a session that has
 * finished its turns hands its slot to the next unstarted one (session {@code i} uses group {@code i % groups}). So
 * a session's consecutive turns are {@code concurrentSessions} requests apart: at rate {@code r} that is
 * {@code concurrentSessions / r} seconds, which should exceed the response time for the turns to be realistic.
 * Requests carry {@link WorkloadRequest#STANDARD} priority, session id {@code session-<i>}, fairness id
 * {@code group-<g>}, and arrival 0 (see {@link Schedule}). Ends after {@code groups * sessionsPerGroup * turns}
 * requests. Not thread-safe.
 */
public final class MultiTurn implements Iterator<WorkloadRequest> {

    /**
     * A multi-turn configuration.
     *
     * @param groups             distinct system prompts, {@code >= 1}
     * @param sessionsPerGroup   sessions per system prompt, {@code >= 1}
     * @param turns              requests per session, {@code >= 1}
     * @param systemPromptTokens {@code >= 1}
     * @param question           each turn's new question length
     * @param output             each turn's {@code max_tokens} and synthesized answer length
     * @param concurrentSessions sessions open at a time, {@code >= 1}
     */
    public record Config(
            int groups,
            int sessionsPerGroup,
            int turns,
            int systemPromptTokens,
            LengthDistribution question,
            LengthDistribution output,
            int concurrentSessions) {

        /**
         * GIE {@code short-questions__few-system-prompts__multi-chat}: 6 x 1000, system 1000, q~N(30, 9),
         * o~N(1000, 300). Turns per session and concurrency are not in the source: 5 and 60 are my choice.
         */
        public static final Config GIE_SHORT_QUESTIONS_FEW_SYSTEM_PROMPTS = new Config(
                6,
                1000,
                5,
                1000,
                LengthDistribution.normal(30, 9, 1, 120),
                LengthDistribution.normal(1000, 300, 1, 3000),
                60);
        /** GIE {@code long-questions__few-system-prompts__multi-chat}: q~N(3000, 900); otherwise as above. */
        public static final Config GIE_LONG_QUESTIONS_FEW_SYSTEM_PROMPTS = new Config(
                6,
                1000,
                5,
                1000,
                LengthDistribution.normal(3000, 900, 1, 9000),
                LengthDistribution.normal(1000, 300, 1, 3000),
                60);
        /** llm-d {@code shared_prefix_multi_turn_chat}: 1 x 20, 1000 / 200 / 200; 5 turns (my choice), all open. */
        public static final Config LLMD_MULTI_TURN_CHAT =
                new Config(1, 20, 5, 1000, LengthDistribution.fixed(200), LengthDistribution.fixed(200), 20);

        public Config {
            SharedPrefix.positive("groups", groups);
            SharedPrefix.positive("sessionsPerGroup", sessionsPerGroup);
            SharedPrefix.positive("turns", turns);
            SharedPrefix.positive("systemPromptTokens", systemPromptTokens);
            Objects.requireNonNull(question, "question");
            Objects.requireNonNull(output, "output");
            SharedPrefix.positive("concurrentSessions", concurrentSessions);
        }

        /** Requests the workload yields. */
        public long requests() {
            return (long) groups * sessionsPerGroup * turns;
        }
    }

    private static final class Session {
        final int id;
        final int group;
        final StringBuilder context;
        int turn;

        Session(int id, int group, String systemPrompt) {
            this.id = id;
            this.group = group;
            this.context = new StringBuilder(systemPrompt);
        }
    }

    private final Config config;
    private final String model;
    private final String[] systemPrompts;
    private final SplittableRandom rnd;
    private final List<Session> open = new ArrayList<>();
    private final int sessions;
    private int started;
    private int cursor;

    public MultiTurn(Config config, String model, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = Objects.requireNonNull(model, "model");
        this.rnd = new SplittableRandom(seed);
        systemPrompts = new String[config.groups()];
        for (int g = 0; g < config.groups(); g++) {
            systemPrompts[g] = Text.of(rnd, config.systemPromptTokens());
        }
        sessions = Math.multiplyExact(config.groups(), config.sessionsPerGroup());
        while (open.size() < config.concurrentSessions() && started < sessions) {
            open.add(start());
        }
    }

    private Session start() {
        int id = started++;
        int group = id % config.groups();
        return new Session(id, group, systemPrompts[group]);
    }

    @Override
    public boolean hasNext() {
        return !open.isEmpty();
    }

    @Override
    public WorkloadRequest next() {
        if (open.isEmpty()) {
            throw new NoSuchElementException("all " + sessions + " sessions have finished");
        }
        if (cursor >= open.size()) {
            cursor = 0;
        }
        Session s = open.get(cursor);
        s.context.append(Text.of(rnd, config.question().sample(rnd)));
        int out = config.output().sample(rnd);
        WorkloadRequest r = WorkloadRequest.of(
                model, WorkloadRequest.STANDARD, s.context.toString(), out, "session-" + s.id, "group-" + s.group);
        s.context.append(Text.of(rnd, out));
        if (++s.turn == config.turns()) {
            if (started < sessions) {
                open.set(cursor++, start());
            } else {
                open.remove(cursor); // the next session slid into this slot
            }
        } else {
            cursor++;
        }
        return r;
    }
}
