package io.infergate.scheduler.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelNamesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a\u0000b",
                "a\nb",
                "a\rb",
                "a\u000bb",
                "a\u000cb",
                "a\u001fb",
                "a\u007fb",
                "a\tb",
                "\u0000",
                " leading",
                "trailing "
            })
    void controlCharactersAndSurroundingSpacesAreRefused(String model) {
        String problem = ModelNames.problem(model);
        assertThat(problem).isNotNull().doesNotContainPattern("[\\x00-\\x1f\\x7f]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "m", "meta-llama/Llama-3.1-8B-Instruct", "a b", "modèle-日本語", "x:y@z#1"})
    void ordinaryNamesPass(String model) {
        assertThat(ModelNames.problem(model)).isNull();
    }

    @Test
    void namesLongerThanAHeaderShouldCarryAreRefused() {
        assertThat(ModelNames.problem("m".repeat(ModelNames.MAX_LENGTH))).isNull();
        assertThat(ModelNames.problem("m".repeat(ModelNames.MAX_LENGTH + 1)))
                .isEqualTo("model name is 1025 characters long (expected: at most 1024)");
    }

    @Test
    void theMessageNamesTheCharacterNotItsRawForm() {
        assertThat(ModelNames.problem("ab\ncd")).contains("U+000A").contains("index 2");
    }
}
