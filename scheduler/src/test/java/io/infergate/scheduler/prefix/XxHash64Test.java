package io.infergate.scheduler.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XxHash64Test {

    /** The reference implementation's sanity-check seed (PRIME32_1 as an unsigned 32-bit value). */
    private static final long PRIME = 2654435761L;

    /**
     * The reference implementation's 101-byte sanity buffer (xxhsum's {@code BMK_sanityCheck}): byte i is the top
     * byte of a 32-bit generator that starts at PRIME32_1 and is squared (mod 2^32) after each byte.
     */
    private static byte[] sanityBuffer() {
        byte[] b = new byte[101];
        int gen = (int) PRIME;
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (gen >>> 24);
            gen *= gen;
        }
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // Published values: cespare/xxhash xxhash_test.go (TestSum) and other ports' test suites for "abc" and
    // "Nobody inspects the spammish repetition".
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                                  | ef46db3751d8e999
            a                                                                   | d24ec4f1a98c6e5b
            as                                                                  | 1c330fb2d66be179
            asd                                                                 | 631c37ce72a97393
            asdf                                                                | 415872f599cea71e
            abc                                                                 | 44bc2cf5ad770999
            Nobody inspects the spammish repetition                             | fbcea83c8a378bf1
            Call me Ishmael. Some years ago--never mind how long precisely-     | 02a2e85470d6fd96
            """)
    void publishedVectorsWithSeedZero(String input, String expectedHex) {
        long expected = Long.parseUnsignedLong(expectedHex, 16);
        byte[] bytes = ascii(input);
        assertThat(XxHash64.hash(bytes, 0)).as("one-shot %s", input).isEqualTo(expected);
        assertThat(XxHash64.streaming(0).update(bytes, 0, bytes.length).digest())
                .as("streaming")
                .isEqualTo(expected);
    }

    @Test
    void theIshmaelVectorIsSixtyThreeBytes() {
        // one full stripe plus 31 bytes: three 8-byte lanes, one 4-byte lane and three single bytes
        assertThat(ascii("Call me Ishmael. Some years ago--never mind how long precisely-"))
                .hasSize(63);
    }

    // xxhsum's BMK_sanityCheck, 64-bit part: lengths 0, 1, 14 and 101 of the sanity buffer, seeds 0 and PRIME.
    @ParameterizedTest
    @CsvSource({
        "0,   0, ef46db3751d8e999",
        "0,   1, ac75fda2929b17ef",
        "1,   0, 4fce394cc88952d8",
        "1,   1, 739840cb819fa723",
        "14,  0, cffa8db881bc3a3d",
        "14,  1, 5b9611585efcc9cb",
        "101, 0, 0eab543384f878ad",
        "101, 1, caa65939306f1e21"
    })
    void referenceSanityVectors(int length, int primeSeed, String expectedHex) {
        long seed = primeSeed == 1 ? PRIME : 0;
        long expected = Long.parseUnsignedLong(expectedHex, 16);
        byte[] buffer = sanityBuffer();
        assertThat(XxHash64.hash(buffer, 0, length, seed)).isEqualTo(expected);
        XxHash64.Streaming s = XxHash64.streaming(seed);
        for (int i = 0; i < length; i++) {
            s.update(buffer, i, 1);
        }
        assertThat(s.digest()).as("byte by byte").isEqualTo(expected);
    }

    @Test
    void rangesInsideALargerArrayHashLikeACopy() {
        byte[] data = randomBytes(7, 300);
        for (int offset : new int[] {0, 1, 5, 31, 33}) {
            for (int length : new int[] {0, 3, 8, 31, 32, 33, 64, 100, 250}) {
                byte[] copy = Arrays.copyOfRange(data, offset, offset + length);
                assertThat(XxHash64.hash(data, offset, length, 42)).isEqualTo(XxHash64.hash(copy, 42));
            }
        }
    }

    @Test
    void streamingEqualsOneShotForEverySplit() {
        byte[] data = randomBytes(11, 200);
        SplittableRandom random = new SplittableRandom(12);
        for (int length = 0; length <= data.length; length += 7) {
            long expected = XxHash64.hash(data, 0, length, -3);
            for (int chunk = 1; chunk <= 40; chunk++) {
                XxHash64.Streaming s = XxHash64.streaming(-3);
                for (int p = 0; p < length; p += chunk) {
                    s.update(data, p, Math.min(chunk, length - p));
                }
                assertThat(s.digest())
                        .as("length %d in chunks of %d", length, chunk)
                        .isEqualTo(expected);
            }
            XxHash64.Streaming s = XxHash64.streaming(-3);
            for (int p = 0; p < length; ) {
                int n = Math.min(random.nextInt(0, 70), length - p);
                s.update(data, p, n);
                p += n;
            }
            assertThat(s.digest()).as("length %d in random chunks", length).isEqualTo(expected);
        }
    }

    @Test
    void updateLongLEAppendsTheLittleEndianBytesAtAnyBufferPosition() {
        byte[] data = randomBytes(13, 100);
        long value = 0x0123_4567_89AB_CDEFL;
        byte[] le = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value)
                .array();
        for (int prefix = 0; prefix <= 70; prefix++) {
            byte[] concatenated = new byte[prefix + 8];
            System.arraycopy(data, 0, concatenated, 0, prefix);
            System.arraycopy(le, 0, concatenated, prefix, 8);
            long streamed = XxHash64.streaming(5)
                    .update(data, 0, prefix)
                    .updateLongLE(value)
                    .digest();
            assertThat(streamed).as("after %d bytes", prefix).isEqualTo(XxHash64.hash(concatenated, 5));
        }
    }

    @Test
    void digestDoesNotChangeTheStateAndResetStartsOver() {
        byte[] data = randomBytes(17, 90);
        XxHash64.Streaming s = XxHash64.streaming(0).update(data, 0, 40);
        assertThat(s.digest()).isEqualTo(s.digest()).isEqualTo(XxHash64.hash(data, 0, 40, 0));
        s.update(data, 40, 50);
        assertThat(s.digest()).isEqualTo(XxHash64.hash(data, 0));
        assertThat(s.reset(9).update(data, 0, 10).digest()).isEqualTo(XxHash64.hash(data, 0, 10, 9));
    }

    @Test
    void hashWithLongSuffixEqualsTheHashOfTheConcatenationAtEveryLength() {
        Random random = new Random(7);
        byte[] data = new byte[140];
        random.nextBytes(data);
        for (int length = 0; length <= 130; length++) {
            for (long seed : new long[] {0, 1, -7}) {
                long suffix = random.nextLong();
                byte[] joined = new byte[length + 8];
                System.arraycopy(data, 3, joined, 0, length);
                for (int i = 0; i < 8; i++) {
                    joined[length + i] = (byte) (suffix >>> (8 * i));
                }
                assertThat(XxHash64.hashWithLongSuffix(data, 3, length, suffix, seed))
                        .as("length %d seed %d", length, seed)
                        .isEqualTo(XxHash64.hash(joined, seed));
            }
        }
        assertThatThrownBy(() -> XxHash64.hashWithLongSuffix(data, 100, 41, 0, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void seedChangesTheHash() {
        byte[] abc = ascii("abc");
        assertThat(XxHash64.hash(abc, 1)).isNotEqualTo(XxHash64.hash(abc, 0));
    }

    @Test
    void badRangesAreRejected() {
        byte[] data = new byte[10];
        assertThatThrownBy(() -> XxHash64.hash(data, 5, 6, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> XxHash64.hash(data, -1, 2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> XxHash64.streaming(0).update(data, 0, 11))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> XxHash64.hash(null, 0)).isInstanceOf(NullPointerException.class);
    }

    static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }
}
