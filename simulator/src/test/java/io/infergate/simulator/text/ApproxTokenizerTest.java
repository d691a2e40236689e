package io.infergate.simulator.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ApproxTokenizerTest {

    @Test
    void aboutFourCharactersPerToken() {
        assertThat(ApproxTokenizer.encode("", false)).isEmpty();
        assertThat(ApproxTokenizer.encode("abcd", false)).hasSize(1);
        assertThat(ApproxTokenizer.encode("abcde", false)).hasSize(2);
        assertThat(ApproxTokenizer.encode("x".repeat(400), false)).hasSize(100);
        assertThat(ApproxTokenizer.countTokens("abcdefghi", true)).isEqualTo(4);
    }

    @Test
    void bosComesFirstWhenAsked() {
        int[] ids = ApproxTokenizer.encode("hello", true);
        assertThat(ids[0]).isEqualTo(ApproxTokenizer.BOS);
        assertThat(ApproxTokenizer.encode("", true)).containsExactly(ApproxTokenizer.BOS);
    }

    @Test
    void equalTextPrefixesGiveEqualTokenPrefixes() {
        String system = "You are a helpful assistant. Answer briefly and cite your sources.";
        int[] a = ApproxTokenizer.encode(system + " What is the capital of France?", true);
        int[] b = ApproxTokenizer.encode(system + " How tall is Mount Everest?", true);
        int shared = 1 + system.length() / ApproxTokenizer.CHARS_PER_TOKEN;
        assertThat(Arrays.copyOf(a, shared)).containsExactly(Arrays.copyOf(b, shared));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void deterministicAndInRange() {
        int[] first = ApproxTokenizer.encode("The quick brown fox jumps over the lazy dog", false);
        int[] second = ApproxTokenizer.encode("The quick brown fox jumps over the lazy dog", false);
        assertThat(first).containsExactly(second);
        for (int id : ApproxTokenizer.encode("some \uD83D\uDE00 emoji and \uD800 lone surrogate text", false)) {
            assertThat(id).isBetween(ApproxTokenizer.FIRST_TEXT_ID, ApproxTokenizer.VOCAB_SIZE - 1);
        }
    }

    @Test
    void differentChunksMostlyGetDifferentIds() {
        long distinct = IntStream.range(0, 1000)
                .map(i -> ApproxTokenizer.encode(String.format("%04d", i), false)[0])
                .distinct()
                .count();
        assertThat(distinct).isGreaterThan(970);
        // a short last chunk differs from the same characters padded with NULs
        assertThat(ApproxTokenizer.encode("ab", false)).isNotEqualTo(ApproxTokenizer.encode("ab\0\0", false));
    }
}
