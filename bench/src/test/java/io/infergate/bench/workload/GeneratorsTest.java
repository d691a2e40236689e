package io.infergate.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorsTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    private static List<WorkloadRequest> take(Iterator<WorkloadRequest> it, int n) {
        List<WorkloadRequest> out = new ArrayList<>();
        while (out.size() < n && it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void sameSeedSameRequests() {
        assertThat(take(new ShareGptLike(MODEL, 42), 200)).isEqualTo(take(new ShareGptLike(MODEL, 42), 200));
        assertThat(take(new ShareGptLike(MODEL, 42), 20)).isNotEqualTo(take(new ShareGptLike(MODEL, 43), 20));
        assertThat(take(new SharedPrefix(SharedPrefix.Config.SMALL, MODEL, 1), 200))
                .isEqualTo(take(new SharedPrefix(SharedPrefix.Config.SMALL, MODEL, 1), 200));
        assertThat(take(new MultiTurn(MultiTurn.Config.LLMD_MULTI_TURN_CHAT, MODEL, 1), 100))
                .isEqualTo(take(new MultiTurn(MultiTurn.Config.LLMD_MULTI_TURN_CHAT, MODEL, 1), 100));
        Iterator<WorkloadRequest> a =
                PriorityMix.DEFAULT.apply(MultiLora.gieTiers().apply(new ShareGptLike(MODEL, 1), 2), 3);
        Iterator<WorkloadRequest> b =
                PriorityMix.DEFAULT.apply(MultiLora.gieTiers().apply(new ShareGptLike(MODEL, 1), 2), 3);
        assertThat(Schedule.of(a, Arrivals.gamma(10, 2), 4, 300))
                .isEqualTo(Schedule.of(b, Arrivals.gamma(10, 2), 4, 300));
    }

    @Test
    void shareGptRequestsCarryTheirEstimate() {
        List<WorkloadRequest> rs = take(new ShareGptLike(MODEL, 9), 2_000);
        double mean =
                rs.stream().mapToInt(WorkloadRequest::inputTokens).average().orElseThrow();
        assertThat(mean).isCloseTo(202, within(20.2));
        double out =
                rs.stream().mapToInt(WorkloadRequest::maxOutputTokens).average().orElseThrow();
        assertThat(out).isCloseTo(179, within(17.9));
        for (WorkloadRequest r : rs) {
            assertThat(r.inputTokens()).isEqualTo(r.prompt().length() / 4);
        }
    }

    @Test
    void sharedPrefixGroupsShareExactlyTheSystemPrompt() {
        SharedPrefix.Config c = SharedPrefix.Config.SMALL;
        SharedPrefix gen = new SharedPrefix(c, MODEL, 11);
        int sys = c.systemPromptTokens() * 4;
        Map<String, List<String>> byGroup = new HashMap<>();
        for (WorkloadRequest r : take(gen, 500)) {
            assertThat(r.inputTokens()).isEqualTo(c.systemPromptTokens() + c.questionTokens());
            assertThat(r.maxOutputTokens()).isEqualTo(c.outputTokens());
            byGroup.computeIfAbsent(r.fairnessId(), k -> new ArrayList<>()).add(r.prompt());
        }
        assertThat(byGroup).hasSize(c.groups());
        String first = null;
        for (List<String> prompts : byGroup.values()) {
            String p0 = prompts.get(0);
            if (first != null) {
                assertThat(commonPrefix(first, p0)).isLessThan(sys / 4); // other groups diverge early
            }
            first = p0;
            long distinct = prompts.stream().distinct().count();
            assertThat(distinct).isBetween(2L, (long) c.promptsPerGroup());
            for (String p : prompts) {
                assertThat(p.substring(0, sys)).isEqualTo(p0.substring(0, sys));
                if (!p.equals(p0)) {
                    assertThat(commonPrefix(p, p0)).isBetween(sys, sys + 40); // differ right after
                }
            }
        }
    }

    @Test
    void giePresetMatchesSimMd() {
        SharedPrefix.Config c = SharedPrefix.Config.GIE_SHORT_QUESTIONS_MANY_SYSTEM_PROMPTS;
        assertThat(List.of(
                        c.groups(), c.promptsPerGroup(), c.systemPromptTokens(), c.questionTokens(), c.outputTokens()))
                .containsExactly(150, 5, 6000, 1200, 1000);
        WorkloadRequest r = new SharedPrefix(c, MODEL, 1).next();
        assertThat(r.inputTokens()).isEqualTo(7200);
    }

    @Test
    void multiTurnPromptsArePrefixesOfTheNextTurn() {
        MultiTurn.Config c = new MultiTurn.Config(
                2, 3, 4, 50, LengthDistribution.normal(30, 9, 1, 120), LengthDistribution.fixed(40), 4);
        List<WorkloadRequest> rs = take(new MultiTurn(c, MODEL, 5), 1_000);
        assertThat(rs).hasSize((int) c.requests());
        Map<String, List<WorkloadRequest>> bySession = new HashMap<>();
        for (WorkloadRequest r : rs) {
            bySession.computeIfAbsent(r.sessionId(), k -> new ArrayList<>()).add(r);
        }
        assertThat(bySession).hasSize(6);
        for (List<WorkloadRequest> turns : bySession.values()) {
            assertThat(turns).hasSize(4);
            for (int i = 1; i < turns.size(); i++) {
                String prev = turns.get(i - 1).prompt();
                String cur = turns.get(i).prompt();
                assertThat(cur).startsWith(prev);
                // the previous answer (40 tokens) plus a new question lie between
                assertThat(cur.length() - prev.length()).isGreaterThan(40 * 4);
            }
        }
        // sessions of one group share the system prompt
        assertThat(bySession.get("session-0").get(0).prompt().substring(0, 200))
                .isEqualTo(bySession.get("session-2").get(0).prompt().substring(0, 200));
    }

    @Test
    void loraTierSharesHold() {
        int n = 60_000;
        Map<String, Integer> counts = new HashMap<>();
        for (WorkloadRequest r : take(
                MultiLora.gieTiers()
                        .apply(new ShareGptLike(MODEL, LengthDistribution.fixed(4), LengthDistribution.fixed(1), 1), 8),
                n)) {
            counts.merge(r.model(), 1, Integer::sum);
        }
        assertThat(counts).hasSize(15).doesNotContainKey(MODEL);
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            double expected =
                    e.getKey().startsWith("lora-tier1") ? 0.12 : e.getKey().startsWith("lora-tier2") ? 0.06 : 0.02;
            assertThat(e.getValue() / (double) n).as(e.getKey()).isCloseTo(expected, within(expected * 0.1));
        }
        assertThat(MultiLora.GIE_SERVER_MAX_LORAS).isEqualTo(3);
    }

    @Test
    void prioritySharesHold() {
        int n = 50_000;
        int[] counts = new int[3];
        for (WorkloadRequest r : take(
                new PriorityMix(0.1, 0.6, 0.3)
                        .apply(new ShareGptLike(MODEL, LengthDistribution.fixed(4), LengthDistribution.fixed(1), 1), 2),
                n)) {
            counts[1 - r.priority()]++;
        }
        assertThat(counts[0] / (double) n).isCloseTo(0.1, within(0.01));
        assertThat(counts[1] / (double) n).isCloseTo(0.6, within(0.01));
        assertThat(counts[2] / (double) n).isCloseTo(0.3, within(0.01));
    }

    private static int commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
