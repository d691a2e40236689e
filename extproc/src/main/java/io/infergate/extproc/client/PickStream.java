package io.infergate.extproc.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.infergate.gateway.picker.ExternalDecision;
import io.infergate.gateway.picker.ExternalPickCall;
import io.infergate.gateway.picker.ExternalPickRequest;
import io.infergate.gateway.picker.ExternalPickerException;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.scheduler.pipeline.PickerProtocol;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's ext_proc stream to an external endpoint picker, in the message order of an Envoy data plane in
 * {@code FULL_DUPLEX_STREAMED} mode (GIE's endpoint picker protocol):
 * <ol>
 *   <li>gateway → picker: {@code request_headers} (pseudo-headers and headers as {@code raw_value} bytes;
 *       {@code end_of_stream} when there is no body), then the body as {@code request_body} chunks of at most
 *       {@value PickerProtocol#BODY_CHUNK_LIMIT} bytes, {@code end_of_stream} on the last;</li>
 *   <li>picker → gateway: a {@code request_headers} response whose {@code envoy.lb} dynamic metadata and/or
 *       {@code x-gateway-destination-endpoint} set-header carry the endpoint list (when both are present and differ,
 *       the metadata wins and a warning is logged), then, for a request with a body, {@code request_body}
 *       responses ({@code streamed_response} chunks until {@code end_of_stream}, or a whole replacement body, or no
 *       mutation) — or at any point an {@code immediate_response};</li>
 *   <li>gateway → picker, once the upstream answered: {@code response_headers} (with {@code :status}) and
 *       {@code metadata_context} {@code envoy.lb} / {@code x-gateway-destination-endpoint-served}; the picker's
 *       {@code response_headers} answer yields the headers to set on the client response; then the gateway
 *       half-closes. Response bodies are not sent to the picker.</li>
 * </ol>
 * The decision must come within the timeout; so must the answer to the response headers (without it the response
 * goes on unchanged). Any gRPC error before the decision fails it.
 *
 * <p>Threading: the gateway calls in from its event loops, gRPC calls back on its own threads, the timer on its
 * thread; every state change is under this object's lock, and no lock is held while a future's dependents run.
 */
final class PickStream implements ExternalPickCall, ClientResponseObserver<ProcessingRequest, ProcessingResponse> {

    private static final Logger log = LoggerFactory.getLogger(PickStream.class);

    private final String name;
    private final ExternalPickRequest request;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final CompletableFuture<ExternalDecision> decision = new CompletableFuture<>();
    private final CompletableFuture<List<HeaderEntry>> responsePhase = new CompletableFuture<>();

    // guarded by this
    private ClientCallStreamObserver<ProcessingRequest> out;
    private boolean ended;
    private boolean headersAnswered;
    private String destination;
    private List<HeaderEntry> setHeaders = List.of();
    private ByteArrayOutputStream newBody;
    private boolean responseAsked;
    private ScheduledFuture<?> deadline;

    PickStream(String name, ExternalPickRequest request, Duration timeout, ScheduledExecutorService timer) {
        this.name = name;
        this.request = request;
        this.timeout = timeout;
        this.timer = timer;
    }

    void start(Channel channel) {
        try {
            ExternalProcessorGrpc.newStub(channel).process(this);
            synchronized (this) {
                deadline = timer.schedule(
                        () -> {
                            if (!decision.isDone()) {
                                fail(name + " gave no decision within " + timeout, false);
                            }
                        },
                        timeout.toNanos(),
                        TimeUnit.NANOSECONDS);
                byte[] body = request.body();
                out.onNext(ProcessingRequest.newBuilder()
                        .setRequestHeaders(HttpHeaders.newBuilder()
                                .setHeaders(headerMap(request.headers()))
                                .setEndOfStream(body.length == 0))
                        .build());
                for (int off = 0; off < body.length; off += PickerProtocol.BODY_CHUNK_LIMIT) {
                    int len = Math.min(PickerProtocol.BODY_CHUNK_LIMIT, body.length - off);
                    out.onNext(ProcessingRequest.newBuilder()
                            .setRequestBody(HttpBody.newBuilder()
                                    .setBody(ByteString.copyFrom(body, off, len))
                                    .setEndOfStream(off + len == body.length))
                            .build());
                }
            }
        } catch (RuntimeException e) {
            fail(name + " cannot be called: " + e, false);
        }
    }

    private static HeaderMap headerMap(List<HeaderEntry> headers) {
        HeaderMap.Builder m = HeaderMap.newBuilder();
        for (HeaderEntry h : headers) {
            m.addHeaders(HeaderValue.newBuilder().setKey(h.name()).setRawValue(ByteString.copyFromUtf8(h.value())));
        }
        return m.build();
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ProcessingRequest> requestStream) {
        synchronized (this) {
            out = requestStream;
        }
    }

    @Override
    public CompletionStage<ExternalDecision> decision() {
        return decision;
    }

    // ---- picker → gateway ------------------------------------------------------------------------------------

    @Override
    public void onNext(ProcessingResponse r) {
        ExternalDecision decided = null;
        List<HeaderEntry> responseSet = null;
        String malformed = null;
        synchronized (this) {
            if (ended) {
                return;
            }
            switch (r.getResponseCase()) {
                case REQUEST_HEADERS -> {
                    if (decision.isDone() || headersAnswered) {
                        malformed = "a second request_headers response";
                        break;
                    }
                    headersAnswered = true;
                    CommonResponse c = r.getRequestHeaders().getResponse();
                    setHeaders = new ArrayList<>(c.getHeaderMutation().getSetHeadersCount());
                    String fromHeader = null;
                    for (HeaderValueOption o : c.getHeaderMutation().getSetHeadersList()) {
                        HeaderEntry h = entry(o.getHeader());
                        if (h.name().equals(PickerProtocol.DESTINATION_ENDPOINT)) {
                            fromHeader = h.value();
                        } else {
                            setHeaders.add(h);
                        }
                    }
                    String fromMetadata = metadataDestination(r.getDynamicMetadata());
                    if (fromMetadata != null && fromHeader != null && !fromMetadata.equals(fromHeader)) {
                        log.warn(
                                "request {}: {} set {} \"{}\" in envoy.lb metadata but \"{}\" as a header; using"
                                        + " the metadata",
                                request.requestId(),
                                name,
                                PickerProtocol.DESTINATION_ENDPOINT,
                                fromMetadata,
                                fromHeader);
                    }
                    destination = fromMetadata != null ? fromMetadata : fromHeader != null ? fromHeader : "";
                    if (c.hasBodyMutation()) {
                        newBody = new ByteArrayOutputStream();
                        malformed = applyBodyMutation(c.getBodyMutation());
                        if (malformed == null) {
                            decided = route();
                        }
                    } else if (request.body().length == 0) {
                        decided = route();
                    }
                }
                case REQUEST_BODY -> {
                    if (!headersAnswered || decision.isDone()) {
                        malformed = "a request_body response "
                                + (headersAnswered ? "after the body ended" : "before the request_headers response");
                        break;
                    }
                    CommonResponse c = r.getRequestBody().getResponse();
                    if (!c.hasBodyMutation()) {
                        decided = route(); // no mutation: the body goes on unchanged
                        break;
                    }
                    if (newBody == null) {
                        newBody = new ByteArrayOutputStream();
                    }
                    BodyMutation m = c.getBodyMutation();
                    if (m.hasStreamedResponse()) {
                        newBody.writeBytes(m.getStreamedResponse().getBody().toByteArray());
                        if (m.getStreamedResponse().getEndOfStream()) {
                            decided = route();
                        }
                    } else {
                        malformed = applyBodyMutation(m);
                        if (malformed == null) {
                            decided = route();
                        }
                    }
                }
                case IMMEDIATE_RESPONSE -> {
                    if (!decision.isDone()) {
                        ImmediateResponse im = r.getImmediateResponse();
                        String text = im.getBody().toStringUtf8();
                        if (text.isBlank()) {
                            text = im.getDetails();
                        }
                        int status = im.getStatus().getCodeValue();
                        decided = new ExternalDecision.Immediate(status <= 0 ? 500 : status, text);
                    } else {
                        responseSet = List.of();
                    }
                    endStream(false);
                }
                case RESPONSE_HEADERS -> {
                    if (!responseAsked) {
                        malformed = "a response_headers response before the response headers were sent";
                        break;
                    }
                    CommonResponse c = r.getResponseHeaders().getResponse();
                    responseSet = new ArrayList<>(c.getHeaderMutation().getSetHeadersCount());
                    for (HeaderValueOption o : c.getHeaderMutation().getSetHeadersList()) {
                        responseSet.add(entry(o.getHeader()));
                    }
                    endStream(true);
                }
                default -> {
                    // trailers and body responses of the response path are never asked for: ignore
                }
            }
        }
        if (malformed != null) {
            fail(name + " sent " + malformed, true);
            return;
        }
        if (decided != null) {
            cancelDeadline();
            decision.complete(decided);
        }
        if (responseSet != null) {
            cancelDeadline();
            responsePhase.complete(responseSet);
        }
    }

    /** A whole-body mutation; null when fine, else what is wrong. Called under the lock. */
    private String applyBodyMutation(BodyMutation m) {
        switch (m.getMutationCase()) {
            case BODY -> {
                newBody.reset();
                newBody.writeBytes(m.getBody().toByteArray());
                return null;
            }
            case CLEAR_BODY -> {
                newBody.reset();
                return null;
            }
            case STREAMED_RESPONSE -> {
                return "a streamed body in a request_headers response";
            }
            default -> {
                newBody = null;
                return null;
            }
        }
    }

    private ExternalDecision route() {
        return new ExternalDecision.Route(destination, setHeaders, newBody == null ? null : newBody.toByteArray());
    }

    private static HeaderEntry entry(HeaderValue h) {
        String value =
                h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toStringUtf8();
        return new HeaderEntry(h.getKey().toLowerCase(Locale.ROOT), value);
    }

    private static String metadataDestination(Struct metadata) {
        Value lb = metadata.getFieldsMap().get(PickerProtocol.LB_NAMESPACE);
        if (lb == null || !lb.hasStructValue()) {
            return null;
        }
        Value d = lb.getStructValue().getFieldsMap().get(PickerProtocol.DESTINATION_ENDPOINT);
        return d != null && d.hasStringValue() ? d.getStringValue() : null;
    }

    @Override
    public void onError(Throwable t) {
        if (alreadyEnded()) {
            return; // our own cancel coming back: whoever ended the stream has already chosen the outcome
        }
        Status s = Status.fromThrowable(t);
        fail(name + " failed: " + s.getCode() + (s.getDescription() == null ? "" : " " + s.getDescription()), false);
    }

    @Override
    public void onCompleted() {
        if (alreadyEnded()) {
            return;
        }
        fail(name + " closed the stream without a decision", true);
    }

    // ---- response phase ---------------------------------------------------------------------------------------

    @Override
    public CompletionStage<List<HeaderEntry>> responseHeaders(List<HeaderEntry> headers, String servedEndpoint) {
        synchronized (this) {
            if (ended || responseAsked || !(decision.getNow(null) instanceof ExternalDecision.Route)) {
                return CompletableFuture.completedFuture(List.of());
            }
            responseAsked = true;
            try {
                out.onNext(ProcessingRequest.newBuilder()
                        .setResponseHeaders(HttpHeaders.newBuilder()
                                .setHeaders(headerMap(headers))
                                .setEndOfStream(false))
                        .setMetadataContext(Metadata.newBuilder()
                                .putFilterMetadata(
                                        PickerProtocol.LB_NAMESPACE,
                                        Struct.newBuilder()
                                                .putFields(
                                                        PickerProtocol.DESTINATION_ENDPOINT_SERVED,
                                                        Value.newBuilder()
                                                                .setStringValue(servedEndpoint)
                                                                .build())
                                                .build()))
                        .build());
            } catch (RuntimeException e) {
                endStream(false);
                return CompletableFuture.completedFuture(List.of());
            }
            deadline = timer.schedule(
                    () -> {
                        log.debug(
                                "request {}: {} did not answer the response headers within {}",
                                request.requestId(),
                                name,
                                timeout);
                        cancel();
                    },
                    timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        return responsePhase;
    }

    // ---- ending -------------------------------------------------------------------------------------------------

    @Override
    public void cancel() {
        synchronized (this) {
            endStream(false);
        }
        cancelDeadline();
        decision.completeExceptionally(new CancellationException(name + ": call cancelled"));
        responsePhase.complete(List.of());
    }

    /** Fails whatever is pending: the decision with an {@link ExternalPickerException}, the response phase empty. */
    private void fail(String message, boolean malformed) {
        synchronized (this) {
            endStream(false);
        }
        cancelDeadline();
        if (decision.completeExceptionally(new ExternalPickerException(message, malformed))) {
            log.debug("request {}: {}", request.requestId(), message);
        }
        responsePhase.complete(List.of());
    }

    /**
     * Marks the stream ended; true when it had already ended. Every path that ends
     * the stream here ({@link #endStream}) completes the futures itself, so the {@code CANCELLED} that gRPC reports
     * for our own cancel must not race it to the decision: a timeout stays a timeout, whichever thread runs first.
     */
    private synchronized boolean alreadyEnded() {
        boolean before = ended;
        ended = true;
        return before;
    }

    /**
     * Half-closes (done) or cancels the stream, once. Called under the lock; the caller then completes the futures
     * (see {@link #alreadyEnded}).
     */
    private void endStream(boolean halfClose) {
        if (ended) {
            return;
        }
        ended = true;
        if (out == null) {
            return;
        }
        try {
            if (halfClose) {
                out.onCompleted();
            } else {
                out.cancel("request ended", null);
            }
        } catch (RuntimeException e) {
            log.debug("request {}: ending the stream to {} failed", request.requestId(), name, e);
        }
    }

    private void cancelDeadline() {
        ScheduledFuture<?> d;
        synchronized (this) {
            d = deadline;
            deadline = null;
        }
        if (d != null) {
            d.cancel(false);
        }
    }
}
