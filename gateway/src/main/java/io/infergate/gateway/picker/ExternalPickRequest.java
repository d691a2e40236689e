package io.infergate.gateway.picker;

import java.util.List;
import java.util.Objects;

/**
 * What the gateway tells an external endpoint picker about one request: the headers an Envoy data plane would
 * send (pseudo-headers {@code :method}, {@code :path}, {@code :authority}, {@code :scheme} first, then the request
 * headers with lower-case names, {@code x-request-id} among them) and the complete request body. Immutable; the
 * body array is owned by the request and must not be modified.
 *
 * @param requestId the request id, for logs
 * @param headers   the headers to send, in order
 * @param body      the request body as the client sent it; empty for a request without a body (then the headers
 *                  carry {@code end_of_stream})
 */
public record ExternalPickRequest(String requestId, List<HeaderEntry> headers, byte[] body) {
    public ExternalPickRequest {
        Objects.requireNonNull(requestId, "requestId");
        headers = List.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }
}
