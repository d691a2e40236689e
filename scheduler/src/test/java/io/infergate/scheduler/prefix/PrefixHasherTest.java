package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PrefixHasherTest {

    private static final PrefixHasher HASHER = PrefixHasher.defaults();
    private static final int BLOCK = 64;

    private static byte[] input(int length) {
        return XxHash64Test.randomBytes(length, length);
    }

    private static long[] hash(String model, byte[] input) {
        return HASHER.hash(model, null, input, 0, input.length);
    }

    /** GIE's chain computed independently: each block copied next to LE64(previous) and hashed in one shot. */
    private static long[] referenceChain(String modelAndSalt, byte[] input, int blocks) {
        long previous = XxHash64.hash(modelAndSalt.getBytes(StandardCharsets.UTF_8), 0);
        long[] out = new long[blocks];
        for (int i = 0; i < blocks; i++) {
            ByteBuffer buf = ByteBuffer.allocate(BLOCK + 8).order(ByteOrder.LITTLE_ENDIAN);
            buf.put(input, i * BLOCK, BLOCK).putLong(previous);
            previous = XxHash64.hash(buf.array(), 0);
            out[i] = previous;
        }
        return out;
    }

    @Test
    void defaultsAreGies() {
        assertThat(HASHER.blockSizeTokens()).isEqualTo(16);
        assertThat(HASHER.blockBytes()).isEqualTo(64);
        assertThat(HASHER.maxPrefixBlocks()).isEqualTo(256);
    }

    @Test
    void chainsEachFullBlockOnThePreviousHashSeededByTheModel() {
        byte[] in = input(5 * BLOCK);
        assertThat(hash("llama", in)).containsExactly(referenceChain("llama", in, 5));
    }

    @Test
    void theSaltExtendsTheModelSeedAndAnEmptySaltIsNone() {
        byte[] in = input(3 * BLOCK);
        assertThat(HASHER.hash("llama", "tenant-a", in, 0, in.length))
                .containsExactly(referenceChain("llamatenant-a", in, 3));
        assertThat(HASHER.hash("llama", "", in, 0, in.length)).containsExactly(hash("llama", in));
    }

    @Test
    void inputShorterThanOneBlockHasNoHashes() {
        assertThat(hash("m", new byte[0])).isEmpty();
        assertThat(hash("m", input(BLOCK - 1))).isEmpty();
        assertThat(hash("m", input(BLOCK))).hasSize(1);
    }

    @Test
    void theTrailingPartialBlockIsIgnored() {
        byte[] in = input(4 * BLOCK);
        long[] full = hash("m", in);
        assertThat(HASHER.hash("m", null, in, 0, 3 * BLOCK + BLOCK / 2)).containsExactly(Arrays.copyOf(full, 3));
        assertThat(HASHER.hash("m", null, in, 0, 4 * BLOCK - 1)).containsExactly(Arrays.copyOf(full, 3));
    }

    @Test
    void inputIsTruncatedToMaxPrefixBlocks() {
        byte[] in = input(300 * BLOCK + 10);
        long[] hashes = hash("m", in);
        assertThat(hashes).hasSize(256);
        assertThat(hashes).containsExactly(HASHER.hash("m", null, in, 0, 256 * BLOCK));
        assertThat(new PrefixHasher(16, 3).hash("m", null, in, 0, in.length)).containsExactly(Arrays.copyOf(hashes, 3));
    }

    @Test
    void samePrefixGivesSameLeadingHashes() {
        byte[] a = input(8 * BLOCK);
        byte[] b = a.clone();
        Arrays.fill(b, 5 * BLOCK, b.length, (byte) 'x');
        long[] ha = hash("m", a);
        long[] hb = hash("m", b);
        assertThat(Arrays.copyOf(hb, 5)).containsExactly(Arrays.copyOf(ha, 5));
        for (int i = 5; i < 8; i++) {
            assertThat(hb[i]).isNotEqualTo(ha[i]);
        }
    }

    @Test
    void oneChangedByteInBlockKChangesEveryHashFromK() {
        byte[] a = input(10 * BLOCK);
        long[] ha = hash("m", a);
        for (int k = 0; k < 10; k++) {
            byte[] b = a.clone();
            b[k * BLOCK + 17] ^= 1;
            long[] hb = hash("m", b);
            for (int i = 0; i < 10; i++) {
                if (i < k) {
                    assertThat(hb[i]).as("block %d after a change in %d", i, k).isEqualTo(ha[i]);
                } else {
                    assertThat(hb[i]).as("block %d after a change in %d", i, k).isNotEqualTo(ha[i]);
                }
            }
        }
    }

    @Test
    void differentModelChangesEveryHash() {
        byte[] in = input(6 * BLOCK);
        long[] a = hash("llama-3-8b", in);
        long[] b = hash("llama-3-70b", in);
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isNotEqualTo(a[i]);
        }
        long[] salted = HASHER.hash("llama-3-8b", "s", in, 0, in.length);
        for (int i = 0; i < a.length; i++) {
            assertThat(salted[i]).isNotEqualTo(a[i]);
        }
    }

    @Test
    void aRangeInsideALargerArrayHashesLikeACopy() {
        byte[] in = input(3 * BLOCK + 100);
        byte[] copy = Arrays.copyOfRange(in, 37, 37 + 3 * BLOCK);
        assertThat(HASHER.hash("m", null, in, 37, 3 * BLOCK)).containsExactly(hash("m", copy));
    }

    @Test
    void blockSizeIsFourBytesPerToken() {
        PrefixHasher tiny = new PrefixHasher(1, 256);
        assertThat(tiny.blockBytes()).isEqualTo(4);
        assertThat(tiny.hash("m", null, input(10), 0, 10)).hasSize(2);
        assertThat(tiny.blockCount(1_000_000)).isEqualTo(256);
        assertThat(HASHER.blockCount(BLOCK * 3 - 1)).isEqualTo(2);
    }

    @Test
    void chatHashesTheRawMessagesArray() {
        String messages = "[{\"role\":\"system\",\"content\":\"" + "You are a helpful assistant. ".repeat(6)
                + "\"},{\"role\":\"user\",\"content\":\"hi\"}]";
        byte[] body =
                ("  {\"model\":\"m\",\"messages\":" + messages + ",\"stream\":true}").getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[body.length + 9];
        System.arraycopy(body, 0, framed, 9, body.length);
        ScannedRequest scanned = new OpenAiRequestScanner().scan(framed, 9, body.length);

        byte[] raw = messages.getBytes(StandardCharsets.UTF_8);
        assertThat(HASHER.hash("target", null, scanned, framed, 9))
                .hasSize(raw.length / BLOCK)
                .containsExactly(HASHER.hash("target", null, raw, 0, raw.length));
    }

    @Test
    void completionsHashTheRawStringBetweenTheQuotes() {
        String text = "Once upon a time, \\\"quoted\\\" ".repeat(10);
        byte[] body = ("{\"model\":\"m\",\"prompt\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
        ScannedRequest scanned = new OpenAiRequestScanner().scan(body);
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        assertThat(HASHER.hash("m", null, scanned, body, 0))
                .isNotEmpty()
                .containsExactly(HASHER.hash("m", null, raw, 0, raw.length));
    }

    @Test
    void aNonStringPromptIsHashedAsItsRawJson() {
        String tokens = "[" + "1234, ".repeat(40) + "5]";
        byte[] body = ("{\"model\":\"m\",\"prompt\":" + tokens + "}").getBytes(StandardCharsets.UTF_8);
        ScannedRequest scanned = new OpenAiRequestScanner().scan(body);
        byte[] raw = tokens.getBytes(StandardCharsets.UTF_8);
        assertThat(HASHER.hash("m", null, scanned, body, 0))
                .containsExactly(HASHER.hash("m", null, raw, 0, raw.length));
    }

    @Test
    void aBodyWithoutMessagesOrPromptHasNoHashes() {
        byte[] body = "{\"model\":\"m\",\"input\":\"embedding text that is long enough to fill a block or two ...\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(HASHER.hash("m", null, new OpenAiRequestScanner().scan(body), body, 0))
                .isEmpty();
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> new PrefixHasher(0, 256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blockSizeTokens: 0 (expected: 1..");
        assertThatThrownBy(() -> new PrefixHasher(16, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPrefixBlocks: 0 (expected: 1..");
        assertThatThrownBy(() -> HASHER.hash(null, null, new byte[100], 0, 100))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> HASHER.hash("m", null, new byte[100], 50, 51))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> HASHER.blockCount(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
