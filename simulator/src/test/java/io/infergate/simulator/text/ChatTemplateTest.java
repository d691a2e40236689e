package io.infergate.simulator.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    @Test
    void rendersLikeLlama3() {
        String s = ChatTemplate.render(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi")));
        assertThat(s)
                .isEqualTo("<|begin_of_text|>"
                        + "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                        + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void aGrowingConversationKeepsItsEarlierRenderingAsPrefix() {
        List<ChatMessage> turn1 = List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"));
        List<ChatMessage> turn2 = List.of(
                turn1.get(0),
                turn1.get(1),
                new ChatMessage("assistant", "Hello!"),
                new ChatMessage("user", "How are you?"));
        String first = ChatTemplate.render(turn1);
        String second = ChatTemplate.render(turn2);
        assertThat(second).startsWith(first);
        int[] a = ApproxTokenizer.encode(first, false);
        int[] b = ApproxTokenizer.encode(second, false);
        int full = first.length() / ApproxTokenizer.CHARS_PER_TOKEN;
        assertThat(Arrays.copyOf(b, full)).containsExactly(Arrays.copyOf(a, full));
    }

    @Test
    void emptyConversationIsJustTheGenerationPrompt() {
        assertThat(ChatTemplate.render(List.of()))
                .isEqualTo("<|begin_of_text|><|start_header_id|>assistant<|end_header_id|>\n\n");
    }
}
