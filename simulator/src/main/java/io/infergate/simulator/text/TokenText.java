package io.infergate.simulator.text;

/**
 * Turns a generated token id into a piece of text for the response: a deterministic, word-like piece with
 * a leading space (occasionally punctuation), so streamed outputs look like prose, the same id always reads
 * the same, and a client's character counts scale with the token count.
 *
 * <p>Pieces are interned constants; {@link #piece(int)} allocates nothing.
 *
 * <p>Threading: stateless; safe from any thread. Bad input: any int is accepted (negative ids too).
 */
public final class TokenText {

    private static final String[] WORDS = {
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "was", "on", "be", "at", "by", "this",
        "had", "not", "are", "but", "from", "or", "have", "an", "they", "which", "one", "you", "were", "her", "all",
        "she", "there", "would", "their", "we", "him", "been", "has", "when", "who", "will", "more", "no", "if", "out",
        "so", "said", "what", "up", "its", "about", "into", "than", "them", "can", "only", "other", "new", "some",
        "could", "time", "these", "two", "may", "then", "do", "first", "any", "my", "now", "such", "like", "our",
        "over", "man", "me", "even", "most", "made", "after", "also", "did", "many", "before", "must", "through",
        "back", "years", "where", "much", "your", "way", "well", "down", "should", "because", "each", "just", "those",
        "people", "how", "too", "little", "state", "good", "very", "make", "world", "still", "own", "see", "men",
        "work", "long", "get", "here", "between", "both", "life", "being", "under", "never", "day", "same", "another",
        "know", "while", "last", "might", "us", "great", "old", "year", "off", "come", "since", "against", "go", "came",
        "right", "used", "take", "three", "model", "server", "token", "cache", "request", "answer", "data", "system",
        "value", "result", "example", "simple", "large", "small", "fast", "memory", "batch", "queue", "route",
        "gateway", "latency", "prompt",
    };

    private static final String[] PIECES;

    static {
        // ~1 in 12 pieces is punctuation so text has sentences; the rest are words with a leading space
        PIECES = new String[WORDS.length + 12];
        for (int i = 0; i < WORDS.length; i++) {
            PIECES[i] = " " + WORDS[i];
        }
        String[] punct = {".", ",", ".", ",", ";", ".", ",", ":", ".", ",", "!", "?"};
        System.arraycopy(punct, 0, PIECES, WORDS.length, punct.length);
    }

    private TokenText() {}

    /** The text of token {@code tokenId}. */
    public static String piece(int tokenId) {
        return PIECES[(int) Long.remainderUnsigned(ApproxTokenizer.mix(tokenId), PIECES.length)];
    }
}
