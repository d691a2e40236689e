package io.infergate.extproc.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.infergate.scheduler.pipeline.PickerProtocol;
import io.infergate.testing.Patience;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Envoy's side of the Endpoint Picker protocol, message by message, for tests: opens {@code Process} streams and
 * collects what the picker answers.
 */
final class EnvoySide {

    private final ExternalProcessorGrpc.ExternalProcessorStub stub;

    EnvoySide(Channel channel) {
        this.stub = ExternalProcessorGrpc.newStub(channel);
    }

    Stream open() {
        Stream s = new Stream();
        s.requests = stub.process(s);
        return s;
    }

    /** One stream: what we send and, in order, what came back. */
    static final class Stream implements StreamObserver<ProcessingResponse> {
        private StreamObserver<ProcessingRequest> requests;
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private static final Object COMPLETED = new Object();

        Stream send(ProcessingRequest r) {
            requests.onNext(r);
            return this;
        }

        void halfClose() {
            requests.onCompleted();
        }

        void cancel() {
            requests.onError(
                    Status.CANCELLED.withDescription("client went away").asRuntimeException());
        }

        /** The next response; fails when the stream ended, or when nothing came at all (a hung picker). */
        ProcessingResponse next() {
            Object e = poll();
            if (e instanceof ProcessingResponse r) {
                return r;
            }
            throw new AssertionError("expected a response, got " + describe(e));
        }

        /** Responses (or endings) received and not read yet. */
        int pending() {
            return events.size();
        }

        /** How the stream ended: null when completed normally; fails when a response came instead. */
        Status end() {
            Object e = poll();
            if (e == COMPLETED) {
                return null;
            }
            if (e instanceof Throwable t) {
                return Status.fromThrowable(t);
            }
            throw new AssertionError("expected the end of the stream, got " + describe(e));
        }

        /** Body chunks up to and including the one with end of stream, concatenated. */
        String requestBody(List<ProcessingResponse> chunks) {
            StringBuilder sb = new StringBuilder();
            while (true) {
                ProcessingResponse r = next();
                chunks.add(r);
                var s = r.getRequestBody().getResponse().getBodyMutation().getStreamedResponse();
                sb.append(s.getBody().toStringUtf8());
                if (s.getEndOfStream()) {
                    return sb.toString();
                }
            }
        }

        String responseBody() {
            StringBuilder sb = new StringBuilder();
            while (true) {
                var s = next().getResponseBody().getResponse().getBodyMutation().getStreamedResponse();
                sb.append(s.getBody().toStringUtf8());
                if (s.getEndOfStream()) {
                    return sb.toString();
                }
            }
        }

        private Object poll() {
            try {
                Object e = events.poll(Patience.SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError("nothing from the picker within " + Patience.EVENTUALLY);
                }
                return e;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }

        private static String describe(Object e) {
            return e == COMPLETED ? "completion" : String.valueOf(e);
        }

        @Override
        public void onNext(ProcessingResponse value) {
            events.add(value);
        }

        @Override
        public void onError(Throwable t) {
            events.add(t);
        }

        @Override
        public void onCompleted() {
            events.add(COMPLETED);
        }
    }

    // ---- message builders

    static Map<String, String> post(String path) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(":method", "POST");
        h.put(":path", path);
        h.put(":authority", "gateway");
        h.put("content-type", "application/json");
        return h;
    }

    static ProcessingRequest requestHeaders(Map<String, String> headers, boolean endOfStream, Metadata metadata) {
        ProcessingRequest.Builder b = ProcessingRequest.newBuilder()
                .setRequestHeaders(
                        HttpHeaders.newBuilder().setHeaders(map(headers)).setEndOfStream(endOfStream));
        if (metadata != null) {
            b.setMetadataContext(metadata);
        }
        return b.build();
    }

    static ProcessingRequest requestBody(String text, boolean endOfStream) {
        return requestBody(text.getBytes(StandardCharsets.UTF_8), endOfStream);
    }

    static ProcessingRequest requestBody(byte[] bytes, boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setRequestBody(HttpBody.newBuilder()
                        .setBody(ByteString.copyFrom(bytes))
                        .setEndOfStream(endOfStream))
                .build();
    }

    static ProcessingRequest responseHeaders(Map<String, String> headers, String servedEndpoint) {
        ProcessingRequest.Builder b = ProcessingRequest.newBuilder()
                .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(map(headers)));
        if (servedEndpoint != null) {
            b.setMetadataContext(Metadata.newBuilder()
                    .putFilterMetadata(
                            PickerProtocol.LB_NAMESPACE,
                            Struct.newBuilder()
                                    .putFields(
                                            PickerProtocol.DESTINATION_ENDPOINT_SERVED,
                                            Value.newBuilder()
                                                    .setStringValue(servedEndpoint)
                                                    .build())
                                    .build()));
        }
        return b.build();
    }

    static ProcessingRequest responseBody(String text, boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setResponseBody(HttpBody.newBuilder()
                        .setBody(ByteString.copyFrom(text, StandardCharsets.UTF_8))
                        .setEndOfStream(endOfStream))
                .build();
    }

    static Metadata subset(String... endpoints) {
        ListValue.Builder list = ListValue.newBuilder();
        for (String e : endpoints) {
            list.addValues(Value.newBuilder().setStringValue(e));
        }
        return Metadata.newBuilder()
                .putFilterMetadata(
                        PickerProtocol.SUBSET_HINT_NAMESPACE,
                        Struct.newBuilder()
                                .putFields(
                                        PickerProtocol.DESTINATION_ENDPOINT_SUBSET,
                                        Value.newBuilder().setListValue(list).build())
                                .build())
                .build();
    }

    private static HeaderMap map(Map<String, String> headers) {
        HeaderMap.Builder m = HeaderMap.newBuilder();
        headers.forEach((k, v) -> m.addHeaders(
                HeaderValue.newBuilder().setKey(k).setRawValue(ByteString.copyFrom(v, StandardCharsets.UTF_8))));
        return m.build();
    }

    /** The set headers of a request-headers response, in order, as name → value. */
    static Map<String, String> setHeaders(ProcessingResponse r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HeaderValueOption o :
                r.getRequestHeaders().getResponse().getHeaderMutation().getSetHeadersList()) {
            out.put(o.getHeader().getKey(), o.getHeader().getRawValue().toStringUtf8());
        }
        return out;
    }

    static List<String> setHeaderNames(ProcessingResponse r) {
        return new ArrayList<>(setHeaders(r).keySet());
    }

    /** The {@code envoy.lb} destination of a request-headers response. */
    static String lbDestination(ProcessingResponse r) {
        return r.getDynamicMetadata()
                .getFieldsOrThrow(PickerProtocol.LB_NAMESPACE)
                .getStructValue()
                .getFieldsOrThrow(PickerProtocol.DESTINATION_ENDPOINT)
                .getStringValue();
    }
}
