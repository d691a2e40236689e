package io.infergate.gateway.picker;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One request's conversation with an external endpoint picker (one ext_proc stream): the decision, then, for a
 * routed request, the response phase in which the gateway reports the endpoint that served it.
 *
 * <p>Threading: the methods may be called from any thread and never block. The futures complete on the
 * implementation's threads (never an event loop of the gateway), so callers hop back to their own event loop
 * before touching request state.
 */
public interface ExternalPickCall {

    /**
     * The picker's decision. Completes exceptionally when there is none: an {@link ExternalPickerException} for a
     * known cause (unreachable, stream error, timeout, malformed answer), a
     * {@link java.util.concurrent.CancellationException} after {@link #cancel()}.
     */
    CompletionStage<ExternalDecision> decision();

    /**
     * Sends the response headers and the served endpoint ({@code envoy.lb} /
     * {@code x-gateway-destination-endpoint-served}) and returns the headers the picker sets on the response. Only
     * after a {@link ExternalDecision.Route}; at most once. Never fails: a picker that does not answer in time, or
     * fails, yields no headers, and the response goes on unchanged. The stream is half-closed afterwards: response
     * bodies are not sent to the picker.
     *
     * @param headers        the upstream response's headers, {@code :status} first
     * @param servedEndpoint {@code ip:port} of the endpoint that answered
     */
    CompletionStage<List<HeaderEntry>> responseHeaders(List<HeaderEntry> headers, String servedEndpoint);

    /** Ends the stream now (the client went away, or the decision is no longer needed). Idempotent. */
    void cancel();
}
