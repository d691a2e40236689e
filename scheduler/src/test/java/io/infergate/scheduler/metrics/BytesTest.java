package io.infergate.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BytesTest {

    @Test
    void newlineSearchAgreesWithAPlainLoop() {
        SplittableRandom random = new SplittableRandom(0xB17E5L);
        for (int i = 0; i < 5_000; i++) {
            byte[] b = new byte[random.nextInt(0, 80)];
            for (int j = 0; j < b.length; j++) {
                // mostly bytes close to '\n' (0x09, 0x0B, 0x8A...) so the bit trick's borrows are exercised
                b[j] = switch (random.nextInt(6)) {
                    case 0 -> '\n';
                    case 1 -> 0x0B;
                    case 2 -> (byte) 0x8A;
                    case 3 -> 0x09;
                    default -> (byte) random.nextInt(256);
                };
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            assertThat(Bytes.indexOfNewline(b, from, to)).isEqualTo(naive(b, from, to));
        }
    }

    @Test
    void describesBytesAndQuotesSnippetsPrintably() {
        byte[] b = "ab\u0001c".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Bytes.describe((byte) 'x')).isEqualTo("'x'");
        assertThat(Bytes.describe((byte) 0xFF)).isEqualTo("byte 0xFF");
        assertThat(Bytes.snippet(b, 0, b.length)).isEqualTo("'ab?c'");
        byte[] longer = "y".repeat(50).getBytes(StandardCharsets.US_ASCII);
        assertThat(Bytes.snippet(longer, 0, longer.length)).isEqualTo("'" + "y".repeat(40) + "...'");
    }

    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
