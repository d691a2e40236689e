package io.infergate.scheduler.openai;

import java.util.Locale;

/**
 * Which {@code model} strings the data planes accept. The name becomes the value of {@code X-Gateway-Model-Name}
 * (as GIE's Body-Based Routing sets it), so it must be a valid HTTP field value (RFC 9110 section 5.5: visible
 * characters, spaces and tabs inside, no control characters, no leading or trailing whitespace); a tab is refused
 * too, since no model server names a model with one; and it must be short enough to travel as a header
 * ({@link #MAX_LENGTH}). Characters above U+007F are allowed (obs-text, and real model
 * names are not all ASCII).
 *
 * <p>Stateless; any thread; never blocks.
 */
public final class ModelNames {

    /**
     * The longest accepted name, in characters. The name travels as a header (twice, with the base model's), and
     * model servers commonly refuse requests whose headers exceed 8 KiB (Netty's and Go's defaults; nginx's buffer),
     * which a client could otherwise turn into a failed upstream attempt; real names are far shorter (GIE's
     * InferenceModel {@code modelName} allows 256).
     */
    public static final int MAX_LENGTH = 1024;

    private ModelNames() {}

    /**
     * Why {@code model} is refused, or null when it is acceptable. The message names the offending position and the
     * character as {@code U+XXXX}, never the raw character, so it can be logged and echoed safely.
     */
    public static String problem(String model) {
        int n = model.length();
        if (n > MAX_LENGTH) {
            return "model name is " + n + " characters long (expected: at most " + MAX_LENGTH + ")";
        }
        for (int i = 0; i < n; i++) {
            char c = model.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return String.format(
                        Locale.ROOT,
                        "model name contains the control character U+%04X at index %d (expected: no control"
                                + " characters)",
                        (int) c,
                        i);
            }
        }
        if (n > 0 && (model.charAt(0) == ' ' || model.charAt(n - 1) == ' ')) {
            return "model name begins or ends with a space (expected: no surrounding whitespace)";
        }
        return null;
    }
}
