package io.infergate.api;

import java.util.Locale;

/**
 * How bad a {@link Problem} is. An {@link #ERROR} makes a manifest set unusable (the gateway refuses it,
 * {@code infergate validate} exits 1); a {@link #WARNING} describes something the gateway tolerates, such as
 * an InferenceModel that loses a model-name clash to an older one.
 */
public enum Severity {
    ERROR,
    WARNING;

    /** The lower-case word used in compiler-style output ({@code error}, {@code warning}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
