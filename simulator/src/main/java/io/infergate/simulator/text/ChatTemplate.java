package io.infergate.simulator.text;

import java.util.List;

/**
 * Renders chat messages into one prompt string the way Llama 3's chat template does:
 *
 * <pre>
 * &lt;|begin_of_text|&gt;&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content}&lt;|eot_id|&gt;   (per message)
 * &lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n                              (generation prompt)
 * </pre>
 *
 * Each message renders independently of the ones after it and the generation prompt is exactly the text an
 * assistant message starts with, so when a conversation grows (the assistant's answer and a new user turn
 * are appended) the earlier rendering is a prefix of the new one, which is what makes multi-turn chats hit
 * the prefix cache. Unlike the real Llama 3.1 template there is no default system message with dates,
 * because it would make the rendering depend on the day.
 *
 * <p>Threading: stateless; safe from any thread. Bad input: a null list or element throws
 * {@link NullPointerException}; an empty list renders just the preamble and the generation prompt.
 */
public final class ChatTemplate {

    static final String BEGIN = "<|begin_of_text|>";
    static final String START_HEADER = "<|start_header_id|>";
    static final String END_HEADER = "<|end_header_id|>\n\n";
    static final String EOT = "<|eot_id|>";

    private ChatTemplate() {}

    /** Renders {@code messages} followed by the assistant generation prompt. */
    public static String render(List<ChatMessage> messages) {
        int size = BEGIN.length() + START_HEADER.length() + 9 + END_HEADER.length();
        for (ChatMessage m : messages) {
            size += START_HEADER.length()
                    + m.role().length()
                    + END_HEADER.length()
                    + m.content().length()
                    + EOT.length();
        }
        StringBuilder sb = new StringBuilder(size);
        sb.append(BEGIN);
        for (ChatMessage m : messages) {
            sb.append(START_HEADER)
                    .append(m.role())
                    .append(END_HEADER)
                    .append(m.content())
                    .append(EOT);
        }
        return sb.append(START_HEADER).append("assistant").append(END_HEADER).toString();
    }
}
