package io.infergate.simulator.text;

/**
 * A stand-in tokenizer: every 4 characters become one token whose id is a hash of those characters, so
 * token counts are about what a BPE tokenizer gives for English text (~4 characters per token) and, more
 * importantly, <em>equal text prefixes give equal token prefixes</em> (every complete 4-character chunk
 * of a shared prefix hashes to the same id). That is what prefix caching and prefix-aware routing need; the
 * ids mean nothing else.
 *
 * <p>Ids fall in {@code [FIRST_TEXT_ID, VOCAB_SIZE)}; ids below {@link #FIRST_TEXT_ID} are reserved for
 * special tokens such as {@link #BOS}. Encoding allocates only the result array.
 *
 * <p>Threading: stateless; safe from any thread. Bad input: {@code null} text throws
 * {@link NullPointerException}; any other text, including unpaired surrogates, encodes.
 */
public final class ApproxTokenizer {

    /** Size of the simulated vocabulary (Llama-2-sized, so ids look plausible). */
    public static final int VOCAB_SIZE = 32_000;
    /** The beginning-of-sequence token a completion prompt starts with. */
    public static final int BOS = 1;
    /** The first id a text chunk can map to. */
    public static final int FIRST_TEXT_ID = 256;
    /** Characters per token. */
    public static final int CHARS_PER_TOKEN = 4;

    private ApproxTokenizer() {}

    /** Tokens {@link #encode(CharSequence, boolean)} would return, without encoding. */
    public static int countTokens(CharSequence text, boolean addBos) {
        int n = (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
        return addBos ? n + 1 : n;
    }

    /**
     * Encodes {@code text}: {@link #BOS} first when {@code addBos}, then one id per 4-character chunk (the
     * last chunk may be shorter).
     */
    public static int[] encode(CharSequence text, boolean addBos) {
        int len = text.length();
        int[] out = new int[countTokens(text, addBos)];
        int t = 0;
        if (addBos) {
            out[t++] = BOS;
        }
        for (int start = 0; start < len; start += CHARS_PER_TOKEN) {
            int end = Math.min(len, start + CHARS_PER_TOKEN);
            long h = end - start; // the chunk length takes part so "ab" and "ab\0\0" differ
            for (int i = start; i < end; i++) {
                h = (h << 16) | text.charAt(i);
            }
            out[t++] = idOf(h);
        }
        return out;
    }

    /** Maps a 64-bit chunk key to a text-token id. */
    static int idOf(long key) {
        return FIRST_TEXT_ID + (int) Long.remainderUnsigned(mix(key), VOCAB_SIZE - FIRST_TEXT_ID);
    }

    /** SplitMix64's finalizer: spreads neighbouring keys over the whole range. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
