/**
 * The OpenAI request and response bytes as the data plane sees them, without building JSON trees:
 * {@link io.infergate.scheduler.openai.OpenAiRequestScanner} validates a request body in one pass and
 * extracts the fields routing needs ({@link io.infergate.scheduler.openai.ScannedRequest});
 * {@link io.infergate.scheduler.openai.ModelSplicer} writes the target model name into the body by
 * replacing one token; {@link io.infergate.scheduler.openai.ModelNameRestorer} puts the client's model
 * name back into the response stream, chunk by chunk. Names travel as
 * {@link io.infergate.scheduler.openai.EncodedModelName}, escaped once.
 *
 * <p>Everything here works on {@code byte[]} / {@link java.nio.ByteBuffer}; the gateway adapts its
 * buffers. All offsets in results and errors count bytes from the start of the request body.
 */
package io.infergate.scheduler.openai;
