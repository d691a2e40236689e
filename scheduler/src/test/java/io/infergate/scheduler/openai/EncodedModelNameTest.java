package io.infergate.scheduler.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodedModelNameTest {
    @Test
    void escapesLikeTheModelServerWrites() {
        assertThat(EncodedModelName.of("meta-llama/Llama-3.1-8B").toString()).isEqualTo("\"meta-llama/Llama-3.1-8B\"");
        assertThat(EncodedModelName.of("a\"b\\c").toString()).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(EncodedModelName.of("\b\f\n\r\t\u0000\u001f\u007f").toString())
                .isEqualTo("\"\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\"");
        assertThat(EncodedModelName.of("模型-β😀").token()).isEqualTo("\"模型-β😀\"".getBytes(StandardCharsets.UTF_8));
        assertThat(EncodedModelName.of("").tokenLength()).isEqualTo(2);
    }

    @Test
    void rejectsUnpairedSurrogates() {
        assertThatThrownBy(() -> EncodedModelName.of("a\ud83d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model name has an unpaired surrogate at index 1");
        assertThatThrownBy(() -> EncodedModelName.of("\ude00b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesBackThroughTheScanner() {
        String name = "q\"\\/\u0001\u2028é😀";
        EncodedModelName m = EncodedModelName.of(name);
        byte[] body = ("{\"model\":" + m + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(new OpenAiRequestScanner().scan(body).model()).isEqualTo(name);
        assertThat(m.name()).isEqualTo(name);
        assertThat(m).isEqualTo(EncodedModelName.of(name)).hasSameHashCodeAs(EncodedModelName.of(name));
    }
}
