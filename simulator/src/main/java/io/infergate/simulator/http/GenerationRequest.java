package io.infergate.simulator.http;

/**
 * A parsed {@code /v1/chat/completions} or {@code /v1/completions} request, reduced to what the simulation
 * needs. Sampling parameters (temperature, top_p, stop, ...) are accepted and ignored: the simulated output
 * does not depend on them.
 *
 * @param kind         which endpoint
 * @param model        the requested model, or null when absent (vLLM then serves the base model)
 * @param promptTokens the prompt's token ids (chat: the rendered template; completions: text with BOS, or
 *                     the ids as given)
 * @param maxTokens    {@code max_completion_tokens}/{@code max_tokens}, or -1 when absent
 * @param minTokens    {@code min_tokens} (vLLM extension), 0 when absent
 * @param stream       {@code stream}
 * @param includeUsage {@code stream_options.include_usage}
 * @param ignoreEos    {@code ignore_eos} (vLLM extension): generate exactly {@code maxTokens}
 */
public record GenerationRequest(
        Kind kind,
        String model,
        int[] promptTokens,
        int maxTokens,
        int minTokens,
        boolean stream,
        boolean includeUsage,
        boolean ignoreEos) {

    /** The two generation endpoints. */
    public enum Kind {
        CHAT("chatcmpl-", "chat.completion", "chat.completion.chunk"),
        COMPLETION("cmpl-", "text_completion", "text_completion");

        private final String idPrefix;
        private final String object;
        private final String chunkObject;

        Kind(String idPrefix, String object, String chunkObject) {
            this.idPrefix = idPrefix;
            this.object = object;
            this.chunkObject = chunkObject;
        }

        /** Prefix of response ids, as vLLM: {@code chatcmpl-} / {@code cmpl-}. */
        public String idPrefix() {
            return idPrefix;
        }

        /** The {@code object} of a complete response. */
        public String object() {
            return object;
        }

        /** The {@code object} of a streamed chunk. */
        public String chunkObject() {
            return chunkObject;
        }
    }
}
