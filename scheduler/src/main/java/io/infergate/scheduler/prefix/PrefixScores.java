package io.infergate.scheduler.prefix;

/**
 * The score of GIE's {@code prefix-cache-scorer} (v1.5.0 {@code scorer/prefix/plugin.go}): per candidate,
 * {@code matchBlocks / totalBlocks}, and 0 for everyone when the request has no blocks. Scores land in the
 * caller's {@code double[]}, one slot per candidate, as every scorer's do.
 *
 * <p>Pure and thread-safe; allocates nothing. Mismatched lengths or match counts outside
 * {@code [0, totalBlocks]} are caller bugs and throw {@link IllegalArgumentException}.
 */
public final class PrefixScores {

    private PrefixScores() {}

    /**
     * Writes {@code matchBlocks[i] / totalBlocks} into {@code scores[i]} for every candidate.
     *
     * @param matchBlocks per candidate, the matched leading blocks ({@link PrefixIndex#matchLengths})
     * @param totalBlocks the request's block count (length of its {@link PrefixHasher} hashes), >= 0
     * @param scores      receives one score in [0, 1] per candidate; same length as {@code matchBlocks}
     */
    public static void score(int[] matchBlocks, int totalBlocks, double[] scores) {
        if (matchBlocks.length != scores.length) {
            throw new IllegalArgumentException(
                    "scores: length " + scores.length + " (expected: " + matchBlocks.length + ", one per candidate)");
        }
        if (totalBlocks < 0) {
            throw new IllegalArgumentException("totalBlocks: " + totalBlocks + " (expected: >= 0)");
        }
        for (int i = 0; i < matchBlocks.length; i++) {
            int m = matchBlocks[i];
            if (m < 0 || m > totalBlocks) {
                throw new IllegalArgumentException(
                        "matchBlocks[" + i + "]: " + m + " (expected: 0.." + totalBlocks + ")");
            }
            scores[i] = totalBlocks == 0 ? 0.0 : (double) m / totalBlocks;
        }
    }
}
