package io.infergate.scheduler.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Properties over a generated corpus: every generated body is accepted with exactly the expected
 * fields, and every mutation that makes it invalid is rejected at the exact byte of the mutation.
 */
class OpenAiRequestScannerPropertyTest {
    private static final long SEED = 0x1F6A7E;
    private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();

    @Test
    void acceptsEveryGeneratedBodyWithTheExpectedFields() {
        JsonCorpus corpus = new JsonCorpus(SEED, 5);
        for (int i = 0; i < 3_000; i++) {
            JsonCorpus.Generated g = corpus.request();
            assertThat(scanner.scan(g.body()))
                    .as("case %d: %s", i, show(g.body()))
                    .isEqualTo(g.expected());
        }
    }

    @Test
    void acceptsBodiesAtAnyOffsetInALargerArray() {
        JsonCorpus corpus = new JsonCorpus(SEED + 1, 4);
        for (int i = 0; i < 300; i++) {
            JsonCorpus.Generated g = corpus.request();
            byte[] padded = new byte[g.body().length + 10];
            Arrays.fill(padded, (byte) '}');
            System.arraycopy(g.body(), 0, padded, 3, g.body().length);
            assertThat(scanner.scan(padded, 3, g.body().length)).isEqualTo(g.expected());
        }
    }

    /**
     * A byte 0x01 is invalid everywhere in JSON (not whitespace, not a token start, not allowed raw in a
     * string, not an escape or hex digit, not a UTF-8 continuation), and so is 0xFF and 0xC0 (never
     * valid in UTF-8). Inserting or overwriting one at position p leaves a valid prefix before p, so
     * the scanner must reject the body at exactly p.
     */
    @Test
    void rejectsAnInvalidByteInsertedOrOverwrittenAnywhereAtThatOffset() {
        JsonCorpus corpus = new JsonCorpus(SEED + 2, 3);
        byte[][] poison = {{0x01}, {(byte) 0xFF}, {(byte) 0xC0}};
        for (int i = 0; i < 150; i++) {
            byte[] body = corpus.request().body();
            for (int p = 0; p <= body.length; p++) {
                for (byte[] bad : poison) {
                    byte[] inserted =
                            OpenAiRequestScannerTest.concat(slice(body, 0, p), bad, slice(body, p, body.length));
                    assertRejectedAt(inserted, p);
                    if (p < body.length) {
                        byte[] overwritten = body.clone();
                        overwritten[p] = bad[0];
                        assertRejectedAt(overwritten, p);
                    }
                }
            }
        }
    }

    /** Cutting a body anywhere before its closing brace leaves a valid prefix that just ends too early. */
    @Test
    void rejectsEveryTruncationAsEndOfInputAtTheCut() {
        JsonCorpus corpus = new JsonCorpus(SEED + 3, 3);
        for (int i = 0; i < 150; i++) {
            byte[] body = corpus.request().body();
            int lastBrace = lastIndexOf(body, (byte) '}');
            for (int p = 0; p <= lastBrace; p++) {
                BadRequestBodyException e = assertRejectedAt(slice(body, 0, p), p);
                assertThat(e.reason()).isIn("unexpected end of input", "request body is empty");
            }
        }
    }

    private BadRequestBodyException assertRejectedAt(byte[] body, int offset) {
        try {
            scanner.scan(body);
        } catch (BadRequestBodyException e) {
            assertThat(e.offset()).as("%s for %s", e.getMessage(), show(body)).isEqualTo(offset);
            return e;
        }
        throw new AssertionError("accepted: " + show(body));
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    private static int lastIndexOf(byte[] b, byte c) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    static String show(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
