package io.infergate.simulator.text;

import java.util.Objects;

/**
 * One chat message reduced to what a text-only chat template reads: its role and its text.
 *
 * @param role    {@code system}, {@code user}, {@code assistant}, {@code tool}, ... (any non-null string)
 * @param content the message's text; content-part arrays are joined by the caller, absent content is ""
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
