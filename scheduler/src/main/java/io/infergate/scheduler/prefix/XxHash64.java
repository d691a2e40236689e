package io.infergate.scheduler.prefix;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * XXH64, the 64-bit xxHash of Yann Collet (the function behind Go's {@code github.com/cespare/xxhash/v2}, which
 * GIE's prefix-cache plugin uses), written from the published algorithm. Input is read little-endian whatever
 * the platform, so results equal the reference implementation's {@code XXH64(input, len, seed)} everywhere.
 *
 * <p>Two forms: {@link #hash(byte[], int, int, long)} hashes one byte range at once; {@link Streaming} hashes a
 * sequence of ranges and longs as if they were concatenated, so {@code block ‖ LE64(previous hash)} needs no copy.
 *
 * <p>The static methods are pure and thread-safe. A {@link Streaming} instance is mutable and belongs to one
 * thread at a time. Neither allocates beyond the {@code Streaming} object itself. Bad ranges throw
 * {@link IndexOutOfBoundsException}; a {@code null} array throws {@link NullPointerException}.
 */
public final class XxHash64 {

    static final long PRIME64_1 = 0x9E3779B185EBCA87L;
    static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
    static final long PRIME64_3 = 0x165667B19E3779F9L;
    static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;
    static final long PRIME64_5 = 0x27D4EB2F165667C5L;

    private static final int STRIPE = 32;

    // byte-array views read unaligned little-endian words in one instruction on x86 and aarch64
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private XxHash64() {}

    /** XXH64 of all of {@code input}. */
    public static long hash(byte[] input, long seed) {
        return hash(input, 0, input.length, seed);
    }

    /** XXH64 of {@code input[offset, offset + length)}. */
    public static long hash(byte[] input, int offset, int length, long seed) {
        Objects.checkFromIndexSize(offset, length, input.length);
        long h = stripes(input, offset, length, seed) + length;
        int p = offset + (length & -STRIPE);
        return finish(h, input, p, offset + length - p);
    }

    /**
     * XXH64 of {@code input[offset, offset + length)} followed by the 8 little-endian bytes of {@code suffix}: the
     * same value as streaming both, without the streaming buffer. This is the prefix chain's step (a block, then the
     * previous hash), so it is worth a path of its own: when {@code length % 32} is 0, 8 or 16 (any block of a
     * multiple of 8 bytes up to 16 past a stripe, including the default 64) the suffix is consumed as one more
     * 8-byte lane; other lengths take the streaming path.
     */
    public static long hashWithLongSuffix(byte[] input, int offset, int length, long suffix, long seed) {
        Objects.checkFromIndexSize(offset, length, input.length);
        int rest = length & (STRIPE - 1);
        if (rest != 0 && rest != 8 && rest != 16) {
            return new Streaming(seed)
                    .update(input, offset, length)
                    .updateLongLE(suffix)
                    .digest();
        }
        // below one stripe, length is 0, 8 or 16 here: with the suffix, still under one stripe
        long h = stripes(input, offset, length, seed) + length + 8L;
        int end = offset + length;
        for (int p = offset + (length & -STRIPE); p < end; p += 8) {
            h = lane(h, readLong(input, p));
        }
        return avalanche(lane(h, suffix));
    }

    /**
     * The accumulator after every full 32-byte stripe of {@code input[offset, offset + length)}, converged, or
     * {@code seed + PRIME64_5} when there is none; the caller adds the length and finishes the
     * {@code length % 32} bytes left at {@code offset + (length & -32)}.
     */
    private static long stripes(byte[] input, int offset, int length, long seed) {
        if (length < STRIPE) {
            return seed + PRIME64_5;
        }
        long v1 = seed + PRIME64_1 + PRIME64_2;
        long v2 = seed + PRIME64_2;
        long v3 = seed;
        long v4 = seed - PRIME64_1;
        for (int p = offset, limit = offset + length - STRIPE; p <= limit; p += STRIPE) {
            v1 = round(v1, readLong(input, p));
            v2 = round(v2, readLong(input, p + 8));
            v3 = round(v3, readLong(input, p + 16));
            v4 = round(v4, readLong(input, p + 24));
        }
        return converge(v1, v2, v3, v4);
    }

    /** A new streaming hasher with {@code seed}. */
    public static Streaming streaming(long seed) {
        return new Streaming(seed);
    }

    static long round(long acc, long input) {
        acc += input * PRIME64_2;
        acc = Long.rotateLeft(acc, 31);
        return acc * PRIME64_1;
    }

    private static long mergeRound(long acc, long v) {
        acc ^= round(0, v);
        return acc * PRIME64_1 + PRIME64_4;
    }

    private static long converge(long v1, long v2, long v3, long v4) {
        long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
        h = mergeRound(h, v1);
        h = mergeRound(h, v2);
        h = mergeRound(h, v3);
        return mergeRound(h, v4);
    }

    /** Consumes the last {@code length} (< 32) bytes and avalanches. */
    private static long finish(long h, byte[] b, int p, int length) {
        int end = p + length;
        while (p + 8 <= end) {
            h = lane(h, readLong(b, p));
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= (readInt(b, p) & 0xFFFF_FFFFL) * PRIME64_1;
            h = Long.rotateLeft(h, 23) * PRIME64_2 + PRIME64_3;
            p += 4;
        }
        while (p < end) {
            h ^= (b[p] & 0xFFL) * PRIME64_5;
            h = Long.rotateLeft(h, 11) * PRIME64_1;
            p++;
        }
        return avalanche(h);
    }

    /** Consumes one 8-byte word of the tail. */
    private static long lane(long h, long word) {
        h ^= round(0, word);
        return Long.rotateLeft(h, 27) * PRIME64_1 + PRIME64_4;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= PRIME64_2;
        h ^= h >>> 29;
        h *= PRIME64_3;
        h ^= h >>> 32;
        return h;
    }

    private static long readLong(byte[] b, int i) {
        return (long) LONG_LE.get(b, i);
    }

    private static int readInt(byte[] b, int i) {
        return (int) INT_LE.get(b, i);
    }

    /**
     * XXH64 over a sequence of appended pieces: the digest equals {@link XxHash64#hash} of their concatenation.
     * Mutable and not thread-safe; {@link #reset} makes it reusable without allocating.
     */
    public static final class Streaming {
        private final byte[] buffer = new byte[STRIPE];
        private int buffered;
        private long totalLength;
        private long seed;
        private long v1;
        private long v2;
        private long v3;
        private long v4;

        private Streaming(long seed) {
            reset(seed);
        }

        /** Forgets everything appended and starts over with {@code seed}. Returns this. */
        public Streaming reset(long seed) {
            this.seed = seed;
            v1 = seed + PRIME64_1 + PRIME64_2;
            v2 = seed + PRIME64_2;
            v3 = seed;
            v4 = seed - PRIME64_1;
            buffered = 0;
            totalLength = 0;
            return this;
        }

        /** Appends {@code input[offset, offset + length)}. Returns this. */
        public Streaming update(byte[] input, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, input.length);
            totalLength += length;
            if (buffered + length < STRIPE) {
                System.arraycopy(input, offset, buffer, buffered, length);
                buffered += length;
                return this;
            }
            int p = offset;
            int end = offset + length;
            if (buffered > 0) {
                int fill = STRIPE - buffered;
                System.arraycopy(input, p, buffer, buffered, fill);
                stripe(buffer, 0);
                p += fill;
                buffered = 0;
            }
            for (int limit = end - STRIPE; p <= limit; p += STRIPE) {
                stripe(input, p);
            }
            buffered = end - p;
            System.arraycopy(input, p, buffer, 0, buffered);
            return this;
        }

        /** Appends the 8 bytes of {@code value}, least significant first (Go's {@code binary.LittleEndian}). */
        public Streaming updateLongLE(long value) {
            totalLength += 8;
            if (buffered + 8 <= STRIPE) {
                LONG_LE.set(buffer, buffered, value);
                buffered += 8;
                if (buffered == STRIPE) {
                    stripe(buffer, 0);
                    buffered = 0;
                }
                return this;
            }
            // the long straddles the stripe boundary: fill the stripe, keep the rest
            int head = STRIPE - buffered;
            for (int i = 0; i < head; i++) {
                buffer[buffered + i] = (byte) (value >>> (8 * i));
            }
            stripe(buffer, 0);
            buffered = 8 - head;
            for (int i = 0; i < buffered; i++) {
                buffer[i] = (byte) (value >>> (8 * (head + i)));
            }
            return this;
        }

        /** The hash of everything appended since the last reset. Does not change the state. */
        public long digest() {
            long h = totalLength >= STRIPE ? converge(v1, v2, v3, v4) : seed + PRIME64_5;
            h += totalLength;
            return finish(h, buffer, 0, buffered);
        }

        private void stripe(byte[] b, int p) {
            v1 = round(v1, readLong(b, p));
            v2 = round(v2, readLong(b, p + 8));
            v3 = round(v3, readLong(b, p + 16));
            v4 = round(v4, readLong(b, p + 24));
        }
    }
}
