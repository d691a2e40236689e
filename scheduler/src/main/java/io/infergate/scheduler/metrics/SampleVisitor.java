package io.infergate.scheduler.metrics;

/**
 * Receives the samples of wanted families from {@link PrometheusTextParser#parse}, in text order.
 *
 * <p>Threading: called on the parsing thread, synchronously, once per sample. An exception thrown here stops
 * the parse and propagates to the caller of {@code parse}.
 */
@FunctionalInterface
public interface SampleVisitor {

    /** One sample. The view is reused for the next sample: copy out what you keep. */
    void sample(Sample sample);

    /**
     * Whether {@link #help} should be called. The parser decodes HELP text only if this returns true (asked
     * once per parse).
     */
    default boolean wantsHelp() {
        return false;
    }

    /**
     * The unescaped text of a {@code # HELP} line naming a wanted family exactly ({@code \\} and {@code \n} are
     * the escapes; any other backslash is kept). A Python counter's {@code # HELP foo_total} line is delivered
     * only if {@code foo_total} itself was asked for.
     */
    default void help(int family, String text) {}
}
