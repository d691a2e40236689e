package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withPrefilling;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Candidates;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GIE's {@code prefix-cache-scorer}: the share of the request's prompt blocks the index believes each endpoint
 * holds, learnt from earlier picks (a synchronous learner, so the table is deterministic).
 */
class PrefixCacheScorerTest {

    private static final PrefixHasher HASHER = new PrefixHasher(4, 256); // 16-byte blocks

    /**
     * pod0 served a prompt of blocks {@code learnt} (letters name distinct blocks); the request's prompt has blocks
     * {@code asked}.
     */
    @ParameterizedTest(name = "learnt [{0}] on pod0, asked [{1}]: [{2}]")
    @CsvSource({
        "A B C D,  A B C D,  1.0 0.0",
        "A B C D,  A B X Y,  0.5 0.0",
        "A B,      A B C D,  0.5 0.0",
        "A B C D,  X B C D,  0.0 0.0",
        "A B C D,  '',       0.0 0.0",
    })
    void scoresTheShareOfThePromptsBlocksAnEndpointHolds(String learnt, String asked, String expected) {
        PrefixCacheScorer s = new PrefixCacheScorer(
                new PrefixIndex(100, PrefixIndex.AddOrder.PROMPT_ORDER, Runnable::run), HASHER, false);
        Candidates c = withQueues("0 0");
        s.picked(ctx("m", "", prompt(learnt), HASHER, 1), c.endpoint(0));

        assertThat(score(s, ctx("m", "", prompt(asked), HASHER, 1), c)).containsExactly(doubles(expected));
    }

    /**
     * Every endpoint holds the prompt; with a prefill lead limit of 2, an endpoint more than 2 waiting prompts ahead
     * of the least loaded candidate loses its credit (the herding a shared prefix would cause), and without a limit
     * (GIE) nobody does.
     */
    @ParameterizedTest(name = "prefilling [{0}], limit {1}: [{2}]")
    @CsvSource({
        "0 0 0,   2, 1.0 1.0 1.0",
        "2 0 0,   2, 1.0 1.0 1.0",
        "3 0 0,   2, 0.0 1.0 1.0",
        "9 4 3,   2, 0.0 1.0 1.0",
        "9 0 1,  -1, 1.0 1.0 1.0",
    })
    void anEndpointFarAheadInPrefillLosesItsPrefixCredit(String prefilling, int limit, String expected) {
        PrefixCacheScorer s = new PrefixCacheScorer(
                PrefixCacheScorer.TYPE,
                new PrefixIndex(100, PrefixIndex.AddOrder.PROMPT_ORDER, Runnable::run),
                HASHER,
                false,
                limit);
        Candidates c = withPrefilling(prefilling);
        for (int i = 0; i < c.size(); i++) {
            s.picked(ctx("m", "", prompt("A B"), HASHER, 1), c.endpoint(i));
        }

        assertThat(score(s, ctx("m", "", prompt("A B"), HASHER, 1), c)).containsExactly(doubles(expected));
    }

    /** One 16-byte block per letter, each letter's block distinct. */
    private static byte[] prompt(String blocks) {
        String[] names = blocks.isBlank() ? new String[0] : blocks.trim().split("\\s+");
        byte[] out = new byte[names.length * HASHER.blockBytes()];
        for (int b = 0; b < names.length; b++) {
            Arrays.fill(out, b * HASHER.blockBytes(), (b + 1) * HASHER.blockBytes(), (byte) names[b].charAt(0));
        }
        return out;
    }
}
