package io.infergate.simulator.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TokenTextTest {

    @Test
    void sameIdSameText() {
        assertThat(TokenText.piece(12345)).isSameAs(TokenText.piece(12345));
    }

    @Test
    void piecesAreWordsWithLeadingSpacesOrPunctuation() {
        IntStream.range(0, 5000)
                .mapToObj(TokenText::piece)
                .forEach(p -> assertThat(p).matches(" [a-z]+|[.,;:!?]"));
        assertThat(TokenText.piece(-7)).isNotEmpty();
    }

    @Test
    void mostlyWords() {
        long words = IntStream.range(0, 10_000)
                .mapToObj(TokenText::piece)
                .filter(p -> p.startsWith(" "))
                .count();
        assertThat(words).isBetween(8_500L, 9_900L);
        assertThat(IntStream.range(0, 10_000)
                        .mapToObj(TokenText::piece)
                        .distinct()
                        .count())
                .isGreaterThan(150);
    }
}
