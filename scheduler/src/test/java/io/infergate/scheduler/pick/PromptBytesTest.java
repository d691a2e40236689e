package io.infergate.scheduler.pick;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one rule that decides which bytes of a body are its prompt, for the gateway and the hasher alike. */
class PromptBytesTest {

    private static String slice(String json, int framing) {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[raw.length + framing];
        System.arraycopy(raw, 0, framed, framing, raw.length);
        ScannedRequest scanned = new OpenAiRequestScanner().scan(framed, framing, raw.length);
        PromptBytes p = PromptBytes.of(scanned, framed, framing);
        return new String(p.array(), p.offset(), p.length(), StandardCharsets.UTF_8);
    }

    @Test
    void chatTakesTheRawMessagesArray() {
        assertThat(slice("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 5))
                .isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
    }

    @Test
    void aStringPromptIsTakenBetweenItsQuotesWithEscapesAsSent() {
        assertThat(slice("{\"model\":\"m\",\"prompt\":\"say \\\"hi\\\"\"}", 3)).isEqualTo("say \\\"hi\\\"");
    }

    @Test
    void anArrayPromptIsTakenAsRawJson() {
        assertThat(slice("{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}", 0)).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void anEmptyPromptOrNoneIsNone() {
        byte[] empty = "{\"model\":\"m\",\"prompt\":\"\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(PromptBytes.of(new OpenAiRequestScanner().scan(empty), empty, 0))
                .isSameAs(PromptBytes.NONE);
        byte[] none = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(PromptBytes.of(new OpenAiRequestScanner().scan(none), none, 0))
                .isSameAs(PromptBytes.NONE);
    }
}
