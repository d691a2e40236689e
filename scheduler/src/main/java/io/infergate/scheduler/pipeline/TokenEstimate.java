package io.infergate.scheduler.pipeline;

import io.infergate.scheduler.openai.ScannedRequest;

/**
 * How many tokens a request is charged with in the in-flight token load, before any engine has counted them: the
 * one estimate the gateway ({@code serve}), the endpoint picker ({@code epp}) and the policy lab all use, so that
 * the lab measures the same load accounting the data plane runs.
 *
 * <p>Stateless; any thread; never blocks.
 */
public final class TokenEstimate {

    /** GIE's assumption: about 4 characters (bytes) of prompt per token. */
    public static final int BYTES_PER_TOKEN = 4;
    /** Output tokens assumed for a request that sets no limit (about ShareGPT's mean output length). */
    public static final long DEFAULT_OUTPUT_ESTIMATE = 200;
    /** A large {@code max_tokens} is a ceiling, not a forecast: the estimate never assumes more than this. */
    public static final long MAX_OUTPUT_ESTIMATE = 2048;

    private TokenEstimate() {}

    /**
     * The bytes of the body the prompt is made of: the raw {@code messages} value (chat) or else the raw
     * {@code prompt} value (completions); 0 without a scanned body.
     */
    public static int promptBytes(ScannedRequest scanned) {
        if (scanned == null) {
            return 0;
        }
        return scanned.hasMessages() ? scanned.messagesLength() : Math.max(0, scanned.promptLength());
    }

    /** Prompt tokens for {@code promptBytes} prompt bytes ({@value #BYTES_PER_TOKEN} bytes a token, rounded down). */
    public static long promptTokens(long promptBytes) {
        return promptBytes / BYTES_PER_TOKEN;
    }

    /**
     * The output tokens a request's in-flight lease is charged with: its {@code max_completion_tokens} or
     * {@code max_tokens} capped at {@value #MAX_OUTPUT_ESTIMATE}, else {@value #DEFAULT_OUTPUT_ESTIMATE}; 0 without a
     * scanned body.
     */
    public static long outputTokens(ScannedRequest scanned) {
        if (scanned == null) {
            return 0;
        }
        long limit = scanned.maxCompletionTokens() > 0 ? scanned.maxCompletionTokens() : scanned.maxTokens();
        return limit > 0 ? Math.min(limit, MAX_OUTPUT_ESTIMATE) : DEFAULT_OUTPUT_ESTIMATE;
    }
}
