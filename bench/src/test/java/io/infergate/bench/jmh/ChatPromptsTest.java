package io.infergate.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ChatPromptsTest {

    private static final JsonMapper JSON = JsonMapper.shared();

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 200})
    void everyMessagesArrayHasTheRequestedSizeAndIsAValidChat(int kib) throws Exception {
        List<ChatPrompts.Prompt> prompts = ChatPrompts.build(kib * 1024, kib == 200 ? 8 : ChatPrompts.COUNT, 1);

        for (ChatPrompts.Prompt p : prompts) {
            assertThat(p.length()).isEqualTo(kib * 1024);
            assertThat(p.request().promptBytes()).isEqualTo(kib * 1024);
            assertThat(p.request().prompt().array()).isSameAs(p.body());
            assertThat(p.request().prompt().offset()).isEqualTo(p.offset());
            JsonNode body = JSON.readTree(p.body());
            assertThat(body.get("model").asString())
                    .isEqualTo(p.model())
                    .isEqualTo(p.request().targetModel());
            JsonNode messages = body.get("messages");
            assertThat(JSON.writeValueAsString(messages)).isEqualTo(p.messages()); // compact, as built
            assertThat(messages.get(0).get("role").asString()).isEqualTo("system");
            JsonNode last = messages.get(messages.size() - 1);
            assertThat(last.get("role").asString()).isEqualTo("user");
            assertThat(last.get("content").asString()).startsWith("Ticket 0000000000000000: ");
        }
    }

    @Test
    void stampingMakesTheLastMessageNewAndKeepsTheSize() throws Exception {
        ChatPrompts.Prompt p = ChatPrompts.build(16 * 1024, 4, 1).get(0);
        byte[] before = p.body().clone();

        p.stamp(0xabc123L);

        int changed = 0;
        for (int i = 0; i < before.length; i++) {
            if (before[i] != p.body()[i]) {
                changed++;
                assertThat(i).isBetween(p.nonceOffset(), p.nonceOffset() + ChatPrompts.NONCE_DIGITS - 1);
            }
        }
        assertThat(changed).isEqualTo(6);
        JsonNode messages = JSON.readTree(p.body()).get("messages");
        assertThat(messages.get(messages.size() - 1).get("content").asString()).startsWith("Ticket 0000000000abc123: ");
        assertThat(p.messages()).hasSize(16 * 1024);
    }

    @Test
    void laterStagesOfAConversationExtendTheEarlierOnesAndSystemPromptsAreShared() {
        int size = 16 * 1024;
        List<ChatPrompts.Prompt> prompts = ChatPrompts.build(size, ChatPrompts.COUNT, 1);
        // the rotation order is shuffled; request ids keep the build order (conversation i % 64, stage i / 64)
        ChatPrompts.Prompt[] byStage = new ChatPrompts.Prompt[ChatPrompts.STAGES];
        for (ChatPrompts.Prompt p : prompts) {
            if (p.request().requestId().equals("bench-3")) {
                byStage[0] = p;
            } else if (p.request().requestId().equals("bench-" + (3 + ChatPrompts.CONVERSATIONS))) {
                byStage[1] = p;
            } else if (p.request().requestId().equals("bench-" + (3 + 2 * ChatPrompts.CONVERSATIONS))) {
                byStage[2] = p;
            }
        }
        assertThat(commonPrefix(byStage[1], byStage[2]))
                .as("stage 2 repeats the system prompt and first exchange")
                .isGreaterThanOrEqualTo(size / 2 + size / 8);
        assertThat(commonPrefix(byStage[0], byStage[1])).isGreaterThanOrEqualTo(size / 2);
        // conversations 0..7 share system prompt 0; conversation 8 has another one
        ChatPrompts.Prompt c0 = find(prompts, "bench-0");
        ChatPrompts.Prompt c6 = find(prompts, "bench-6");
        ChatPrompts.Prompt c8 = find(prompts, "bench-8");
        assertThat(commonPrefix(c0, c6)).isGreaterThanOrEqualTo(size / 2);
        assertThat(commonPrefix(c0, c8)).isLessThan(64);
    }

    @Test
    void oneConversationInEightUsesAnAdapter() {
        List<ChatPrompts.Prompt> prompts = ChatPrompts.build(1024, ChatPrompts.COUNT, 1);

        long adapters = prompts.stream()
                .filter(p -> ChatPrompts.ADAPTERS.contains(p.model()))
                .count();

        assertThat(adapters).isEqualTo(ChatPrompts.COUNT / 8);
        assertThat(prompts).extracting(ChatPrompts.Prompt::model).contains(ChatPrompts.BASE_MODEL);
    }

    @Test
    void textIsExactlyAsLongAsAskedAndNeverEndsInsideAnEscape() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        for (int length = 20; length < 400; length++) {
            String text = ChatPrompts.text(r, "", length);
            assertThat(text).hasSize(length);
            assertThat(JSON.readTree("\"" + text + "\"").isString()).isTrue();
        }
    }

    @Test
    void theSameSeedBuildsTheSameBytes() {
        List<ChatPrompts.Prompt> a = ChatPrompts.build(2048, 16, 9);
        List<ChatPrompts.Prompt> b = ChatPrompts.build(2048, 16, 9);
        for (int i = 0; i < a.size(); i++) {
            assertThat(new String(a.get(i).body(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(b.get(i).body(), StandardCharsets.UTF_8));
        }
    }

    private static ChatPrompts.Prompt find(List<ChatPrompts.Prompt> prompts, String id) {
        return prompts.stream()
                .filter(p -> p.request().requestId().equals(id))
                .findFirst()
                .orElseThrow();
    }

    private static int commonPrefix(ChatPrompts.Prompt a, ChatPrompts.Prompt b) {
        int n = Arrays.mismatch(
                a.body(), a.offset(), a.offset() + a.length(), b.body(), b.offset(), b.offset() + b.length());
        return n < 0 ? a.length() : n;
    }
}
