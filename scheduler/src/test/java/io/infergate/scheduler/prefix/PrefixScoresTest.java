package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixScoresTest {

    @Test
    void scoreIsMatchedOverTotalBlocks() {
        double[] scores = new double[3];
        PrefixScores.score(new int[] {0, 5, 10}, 10, scores);
        assertThat(scores).containsExactly(0.0, 0.5, 1.0);
    }

    @Test
    void noBlocksScoresZeroForEveryone() {
        double[] scores = {0.7, 0.7};
        PrefixScores.score(new int[] {0, 0}, 0, scores);
        assertThat(scores).containsExactly(0.0, 0.0);
    }

    @Test
    void endToEndWithHasherAndIndex() {
        PrefixHasher hasher = PrefixHasher.defaults();
        PrefixIndex index = new PrefixIndex();
        byte[] conversation = XxHash64Test.randomBytes(1, 10 * 64);
        long[] first = hasher.hash("m", null, conversation, 0, 6 * 64);
        index.add(PrefixIndexTest.endpoint(1), first);

        long[] next = hasher.hash("m", null, conversation, 0, conversation.length);
        int[] matches = index.matchLengths(next, List.of(PrefixIndexTest.endpoint(1), PrefixIndexTest.endpoint(2)));
        double[] scores = new double[2];
        PrefixScores.score(matches, next.length, scores);
        assertThat(scores).containsExactly(0.6, 0.0);
    }

    @Test
    void callerBugsAreRejected() {
        assertThatThrownBy(() -> PrefixScores.score(new int[2], 1, new double[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scores: length 3 (expected: 2");
        assertThatThrownBy(() -> PrefixScores.score(new int[] {3}, 2, new double[1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matchBlocks[0]: 3 (expected: 0..2)");
        assertThatThrownBy(() -> PrefixScores.score(new int[0], -1, new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
