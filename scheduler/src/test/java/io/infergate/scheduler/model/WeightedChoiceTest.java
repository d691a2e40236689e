package io.infergate.scheduler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class WeightedChoiceTest {

    /** Returns the given value for every bounded draw, so boundaries can be checked exactly. */
    private record Fixed(long value) implements RandomGenerator {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("unbounded draw");
        }

        @Override
        public long nextLong(long bound) {
            assertThat(value).isLessThan(bound);
            return value;
        }

        @Override
        public int nextInt(int bound) {
            assertThat(value).isLessThan(bound);
            return (int) value;
        }
    }

    @Test
    void firstCumulativeWeightAboveTheDrawWins() {
        WeightedChoice c = WeightedChoice.of(List.of("a", "b", "c"), new long[] {90, 10, 1});
        assertThat(c.draw(new Fixed(0))).isEqualTo("a");
        assertThat(c.draw(new Fixed(89))).isEqualTo("a");
        assertThat(c.draw(new Fixed(90))).isEqualTo("b");
        assertThat(c.draw(new Fixed(99))).isEqualTo("b");
        assertThat(c.draw(new Fixed(100))).isEqualTo("c");
    }

    @Test
    void zeroTotalIsUniform() {
        WeightedChoice c = WeightedChoice.uniform(List.of("a", "b", "c"));
        assertThat(c.draw(new Fixed(2))).isEqualTo("c");
        assertThat(WeightedChoice.of(List.of("a", "b"), new long[] {0, 0}).draw(new Fixed(1)))
                .isEqualTo("b");
    }

    @Test
    void singleNameDrawsNothing() {
        RandomGenerator noDraws = () -> {
            throw new AssertionError("drew from the generator");
        };
        assertThat(WeightedChoice.of(List.of("only"), new long[] {5}).draw(noDraws))
                .isEqualTo("only");
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> WeightedChoice.of(List.of(), new long[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected");
        assertThatThrownBy(() -> WeightedChoice.of(List.of("a"), new long[] {-1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight: -1");
    }
}
