package io.infergate.extproc.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.scheduler.pipeline.PickerProtocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the ext_proc responses of the Endpoint Picker protocol (GIE
 * {@code docs/proposals/004-endpoint-picker-protocol/README.md}; {@code docs/epp.md}). Stateless.
 */
public final class Messages {

    private Messages() {}

    /**
     * The request-headers response sent once the body is complete: clear the route cache, set the destination
     * header, the new Content-Length (when the body is not empty) and the headers to copy back, and put the same
     * destination in {@code envoy.lb} dynamic metadata.
     */
    public static ProcessingResponse requestHeaders(
            String destination, int bodyLength, List<Map.Entry<String, String>> copy) {
        HeaderMutation.Builder mutation =
                HeaderMutation.newBuilder().addSetHeaders(header(PickerProtocol.DESTINATION_ENDPOINT, destination));
        if (bodyLength > 0) {
            mutation.addSetHeaders(header("Content-Length", Integer.toString(bodyLength)));
        }
        for (Map.Entry<String, String> h : copy) {
            mutation.addSetHeaders(header(h.getKey(), h.getValue()));
        }
        Struct lb = Struct.newBuilder()
                .putFields(
                        PickerProtocol.DESTINATION_ENDPOINT,
                        Value.newBuilder().setStringValue(destination).build())
                .build();
        return ProcessingResponse.newBuilder()
                .setRequestHeaders(HeadersResponse.newBuilder()
                        .setResponse(CommonResponse.newBuilder()
                                .setClearRouteCache(true)
                                .setHeaderMutation(mutation)))
                .setDynamicMetadata(Struct.newBuilder()
                        .putFields(
                                PickerProtocol.LB_NAMESPACE,
                                Value.newBuilder().setStructValue(lb).build()))
                .build();
    }

    /**
     * The body re-sent in chunks of at most {@value PickerProtocol#BODY_CHUNK_LIMIT} bytes, end of stream on the last. The chunks
     * share {@code body} without copying it: the caller must not change the array afterwards.
     */
    public static List<ProcessingResponse> requestBody(byte[] body, int length) {
        return chunks(body, length, true);
    }

    /** A buffered response body re-sent in chunks, end of stream on the last; shares {@code body} likewise. */
    public static List<ProcessingResponse> responseBody(byte[] body, int length) {
        return chunks(body, length, false);
    }

    /** One streamed response-body chunk. */
    public static ProcessingResponse responseChunk(ByteString bytes, boolean endOfStream) {
        return ProcessingResponse.newBuilder()
                .setResponseBody(bodyResponse(bytes, endOfStream))
                .build();
    }

    private static List<ProcessingResponse> chunks(byte[] body, int length, boolean request) {
        List<ProcessingResponse> out = new ArrayList<>(length / PickerProtocol.BODY_CHUNK_LIMIT + 1);
        // a body of hundreds of KiB is common (long prompts): wrap it once instead of copying every chunk
        ByteString whole = UnsafeByteOperations.unsafeWrap(body, 0, length);
        int offset = 0;
        do {
            int n = Math.min(PickerProtocol.BODY_CHUNK_LIMIT, length - offset);
            BodyResponse r = bodyResponse(whole.substring(offset, offset + n), offset + n == length);
            ProcessingResponse.Builder b = ProcessingResponse.newBuilder();
            out.add(request ? b.setRequestBody(r).build() : b.setResponseBody(r).build());
            offset += n;
        } while (offset < length);
        return out;
    }

    private static BodyResponse bodyResponse(ByteString bytes, boolean endOfStream) {
        return BodyResponse.newBuilder()
                .setResponse(CommonResponse.newBuilder()
                        .setBodyMutation(BodyMutation.newBuilder()
                                .setStreamedResponse(StreamedBodyResponse.newBuilder()
                                        .setBody(bytes)
                                        .setEndOfStream(endOfStream))))
                .build();
    }

    /** The response-headers answer: set these headers on the response (possibly none). */
    public static ProcessingResponse responseHeaders(List<Map.Entry<String, String>> set) {
        HeaderMutation.Builder mutation = HeaderMutation.newBuilder();
        for (Map.Entry<String, String> h : set) {
            mutation.addSetHeaders(header(h.getKey(), h.getValue()));
        }
        return ProcessingResponse.newBuilder()
                .setResponseHeaders(HeadersResponse.newBuilder()
                        .setResponse(CommonResponse.newBuilder().setHeaderMutation(mutation)))
                .build();
    }

    /** An empty trailers answer. */
    public static ProcessingResponse responseTrailers() {
        return ProcessingResponse.newBuilder()
                .setResponseTrailers(TrailersResponse.getDefaultInstance())
                .build();
    }

    /** An empty request-trailers answer. */
    public static ProcessingResponse requestTrailers() {
        return ProcessingResponse.newBuilder()
                .setRequestTrailers(TrailersResponse.getDefaultInstance())
                .build();
    }

    /** The answer to a refused request. */
    public static ProcessingResponse immediate(InferenceError error) {
        StatusCode code = StatusCode.forNumber(error.httpStatus());
        HttpStatus.Builder status = HttpStatus.newBuilder();
        if (code != null) {
            status.setCode(code);
        } else {
            status.setCodeValue(error.httpStatus());
        }
        ImmediateResponse.Builder response = ImmediateResponse.newBuilder()
                .setStatus(status)
                .setBody(ByteString.copyFrom(error.body(), StandardCharsets.UTF_8));
        if (error.code().asksToRetryLater(error.httpStatus())) {
            // the same promise serve makes: a shed request is told when to come back
            response.setHeaders(HeaderMutation.newBuilder()
                    .addSetHeaders(header("retry-after", Integer.toString(ErrorCode.RETRY_AFTER_SECONDS))));
        }
        return ProcessingResponse.newBuilder().setImmediateResponse(response).build();
    }

    static HeaderValueOption header(String name, String value) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder()
                        .setKey(name)
                        .setRawValue(ByteString.copyFrom(value, StandardCharsets.UTF_8)))
                .build();
    }
}
