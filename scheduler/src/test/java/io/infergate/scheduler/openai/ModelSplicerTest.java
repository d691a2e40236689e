package io.infergate.scheduler.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModelSplicerTest {
    private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();

    private String splice(String body, String model) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ScannedRequest r = scanner.scan(b);
        EncodedModelName m = EncodedModelName.of(model);
        byte[] out = ModelSplicer.splice(b, 0, r, m);
        assertThat(out).hasSize(ModelSplicer.splicedLength(r, m));
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void replacesOnlyTheModelToken() {
        assertThat(splice("{ \"model\" : \"a\", \"temperature\": 1.0000e0, \"z\":1,\"a\":2}", "llama-3"))
                .isEqualTo("{ \"model\" : \"llama-3\", \"temperature\": 1.0000e0, \"z\":1,\"a\":2}");
    }

    @Test
    void escapesTheNewName() {
        String out = splice("{\"model\":\"a\"}", "we\"ird\\name\n\u0001é😀/");
        assertThat(out).isEqualTo("{\"model\":\"we\\\"ird\\\\name\\n\\u0001é😀/\"}");
        assertThat(scanner.scan(out.getBytes(StandardCharsets.UTF_8)).model()).isEqualTo("we\"ird\\name\n\u0001é😀/");
    }

    @Test
    void insertsTheModelWhenAbsent() {
        assertThat(splice("{}", "m")).isEqualTo("{\"model\":\"m\"}");
        assertThat(splice("  { \n }  ", "m")).isEqualTo("  {\"model\":\"m\" \n }  ");
        assertThat(splice("{\"prompt\":\"x\"}", "m")).isEqualTo("{\"model\":\"m\",\"prompt\":\"x\"}");
        assertThat(splice("{ \"prompt\":\"x\"}", "m")).isEqualTo("{\"model\":\"m\", \"prompt\":\"x\"}");
    }

    @Test
    void replacesTheLastDuplicateWhichIsTheOneTheServerReads() {
        assertThat(splice("{\"model\":\"a\",\"model\":\"b\"}", "c")).isEqualTo("{\"model\":\"a\",\"model\":\"c\"}");
        assertThat(splice("{\"model\":1,\"mod\\u0065l\":\"b\"}", "c")).isEqualTo("{\"model\":1,\"mod\\u0065l\":\"c\"}");
    }

    @Test
    void leavesNestedModelKeysAlone() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"model\":\"inner\"}],\"model\":\"outer\"}";
        assertThat(splice(body, "new"))
                .isEqualTo(
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"model\":\"inner\"}],\"model\":\"new\"}");
    }

    @Test
    void writesIntoACallerBufferAtAnOffset() {
        byte[] src = "..{\"model\":\"abc\",\"x\":1}".getBytes(StandardCharsets.UTF_8);
        ScannedRequest r = scanner.scan(src, 2, src.length - 2);
        EncodedModelName m = EncodedModelName.of("zz");
        byte[] dst = new byte[40];
        Arrays.fill(dst, (byte) '#');
        int n = ModelSplicer.spliceInto(src, 2, r, m, dst, 5);
        assertThat(n).isEqualTo(ModelSplicer.splicedLength(r, m)).isEqualTo(src.length - 2 - 1);
        assertThat(new String(dst, StandardCharsets.UTF_8)).isEqualTo("#####{\"model\":\"zz\",\"x\":1}###############");
        assertThatThrownBy(() -> ModelSplicer.spliceInto(src, 2, r, m, new byte[10], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** scan, splice, scan again: the new model is read, every other byte is where it was (shifted). */
    @Test
    void roundTripsOverTheGeneratedCorpus() {
        JsonCorpus corpus = new JsonCorpus(77, 5);
        for (int i = 0; i < 2_000; i++) {
            JsonCorpus.Generated g = corpus.request();
            byte[] body = g.body();
            ScannedRequest before = scanner.scan(body);
            String newName = corpus.modelName();
            EncodedModelName m = EncodedModelName.of(newName);
            byte[] out = ModelSplicer.splice(body, 0, before, m);
            ScannedRequest after = scanner.scan(out);
            assertThat(after.model()).isEqualTo(newName);
            byte[] token = m.token();
            assertThat(Arrays.copyOfRange(out, after.modelOffset(), after.modelOffset() + after.modelLength()))
                    .isEqualTo(token);
            if (before.hasModel()) {
                int at = before.modelOffset();
                int rest = at + before.modelLength();
                assertThat(after.modelOffset()).isEqualTo(at);
                assertThat(Arrays.copyOfRange(out, 0, at)).isEqualTo(Arrays.copyOfRange(body, 0, at));
                assertThat(Arrays.copyOfRange(out, at + token.length, out.length))
                        .isEqualTo(Arrays.copyOfRange(body, rest, body.length));
            } else {
                int afterBrace = before.objectOffset() + 1;
                byte[] inserted =
                        ("\"model\":" + m + (before.emptyObject() ? "" : ",")).getBytes(StandardCharsets.UTF_8);
                assertThat(out)
                        .isEqualTo(OpenAiRequestScannerTest.concat(
                                Arrays.copyOfRange(body, 0, afterBrace),
                                inserted,
                                Arrays.copyOfRange(body, afterBrace, body.length)));
            }
            // every other field reads the same
            assertThat(after.stream()).isEqualTo(before.stream());
            assertThat(after.includeUsage()).isEqualTo(before.includeUsage());
            assertThat(after.maxTokens()).isEqualTo(before.maxTokens());
            assertThat(after.maxCompletionTokens()).isEqualTo(before.maxCompletionTokens());
            assertThat(after.promptLength()).isEqualTo(before.promptLength());
            assertThat(after.messagesLength()).isEqualTo(before.messagesLength());
        }
    }

    @Test
    void hugeBodySplices() {
        String big = "x".repeat(200 * 1024);
        String out = splice("{\"prompt\":\"" + big + "\",\"model\":\"a\"}", "bb");
        assertThat(out).isEqualTo("{\"prompt\":\"" + big + "\",\"model\":\"bb\"}");
    }
}
