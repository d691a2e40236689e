package io.infergate.simulator.fault;

import java.util.random.RandomGenerator;

/**
 * Breaks Prometheus exposition text the way a buggy or truncated exporter does: the text is cut in the middle
 * of a sample line and continued with lines no parser accepts (an unterminated label set, a non-numeric
 * value, a {@code # TYPE} line with an unknown type). Whatever the cut point, the result is syntactically
 * invalid.
 *
 * <p>Threading: stateless; the caller owns the generator.
 */
public final class MetricsGarbler {

    static final String GARBAGE = "{model_name=\"unterminated 1\n"
            + "vllm:num_requests_running{model_name=\"x\"} not-a-number\n"
            + "# TYPE vllm:kv_cache_usage_perc histogrammish\n"
            + "}}}{{{ 1e\n";

    private MetricsGarbler() {}

    /** A broken copy of {@code text}: a random-length prefix of it, then {@link #GARBAGE}. */
    public static String garble(String text, RandomGenerator random) {
        int cut = text.isEmpty() ? 0 : random.nextInt(text.length());
        // never cut right after a newline: the garbage must land inside a line to break it
        while (cut > 0 && text.charAt(cut - 1) == '\n') {
            cut--;
        }
        return text.substring(0, cut) + GARBAGE;
    }
}
