package io.infergate.extproc.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.infergate.gateway.RequestRecord;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.admission.Outcome;
import io.infergate.scheduler.admission.Ticket;
import io.infergate.scheduler.model.ModelHeaders;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.openai.BadRequestBodyException;
import io.infergate.scheduler.openai.ModelNameRestorer;
import io.infergate.scheduler.openai.ModelNames;
import io.infergate.scheduler.openai.ModelSplicer;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.Lease;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pipeline.Decision;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.scheduler.pipeline.ParsedRequest;
import io.infergate.scheduler.pipeline.PickerProtocol;
import io.infergate.scheduler.pipeline.PoolState;
import io.infergate.scheduler.pipeline.RequestPipeline;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ext_proc stream, that is one HTTP request passing through the gateway, as the Endpoint Picker protocol runs
 * it (GIE {@code docs/proposals/004-endpoint-picker-protocol/README.md}; the reference picker's
 * {@code pkg/epp/handlers/{server,request,response}.go} at v1.5.0; summarized in {@code docs/epp.md}):
 * <ol>
 *   <li><b>Request headers</b> are stored (lower-case names; {@code raw_value} before {@code value}; an
 *       {@code x-request-id} is generated when missing). With {@code end_of_stream} (no body) a uniformly random
 *       ready endpoint is answered at once; otherwise nothing is sent yet.</li>
 *   <li><b>Request body</b> chunks are buffered to end of stream, then the pipeline runs: scan the OpenAI body,
 *       resolve the model (rewrite, objective), splice the new name in, narrow the candidates by the subset hint,
 *       pick. The answer is one request-headers response ({@code clear_route_cache}, the destination header, the
 *       new {@code Content-Length}, the original headers minus the control headers; the destination again in
 *       {@code envoy.lb} dynamic metadata) followed by the body in chunks of at most 62,000 bytes.</li>
 *   <li><b>Response headers</b> tell which endpoint served ({@code envoy.lb} /
 *       {@code x-gateway-destination-endpoint-served}; the in-flight lease moves there when it differs) and
 *       whether the response streams ({@code text/event-stream}).</li>
 *   <li><b>Response body</b>: streamed chunks are answered one by one with the model name restored; a buffered
 *       body is collected to end of stream, restored and re-sent in chunks. Usage is read either way.</li>
 * </ol>
 * A refusal is an {@code ImmediateResponse} with the reference picker's status and {@code "inference error: ..."}
 * body ({@link InferenceError}), after which the stream is finished. A peer that breaks the protocol (messages out
 * of order, a second request body after end of stream) gets the stream ended with {@code INVALID_ARGUMENT}; an
 * unexpected failure ends it with {@code INTERNAL}. Either way only that stream ends, and its in-flight lease is
 * released whatever way the stream ends.
 *
 * <p>Threading: gRPC calls the observer methods of one stream one at a time, never concurrently, so the state
 * needs no locks; the pick itself never blocks.
 */
final class EppStream implements StreamObserver<ProcessingRequest> {

    private static final Logger log = LoggerFactory.getLogger(EppStream.class);

    /** Request headers never copied back to the model server (the reference picker's system-owned headers). */
    static final Set<String> NOT_COPIED = Set.of(
            ModelHeaders.FAIRNESS_ID,
            ModelHeaders.INFERENCE_OBJECTIVE,
            ModelHeaders.MODEL_NAME_REWRITE,
            PickerProtocol.DESTINATION_ENDPOINT_SUBSET,
            PickerProtocol.DESTINATION_ENDPOINT,
            PickerProtocol.DESTINATION_ENDPOINT_SERVED,
            "content-length");

    private enum Phase {
        REQUEST_HEADERS,
        REQUEST_BODY,
        QUEUED,
        RESPONSE_HEADERS,
        RESPONSE_BODY,
        FINISHED
    }

    private final EppState state;
    private final StreamSettings settings;
    private final StreamObserver<ProcessingResponse> out;
    private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();
    private final RequestPipeline pipeline;
    private final long startNanos;

    private Phase phase = Phase.REQUEST_HEADERS;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Optional<SubsetHint> subset = Optional.empty();
    private Bytes body;
    private RandomGenerator random;

    private EppState.Served served;
    private Lease lease;
    private String incomingModel;
    private String targetModel;
    private int priority;
    private boolean objectiveRefused;
    private ModelNameRestorer restorer;
    private boolean streaming;
    private Bytes responseBody;
    private boolean passThrough;
    private final UsageScanner usage = new UsageScanner();
    private int status = 200;
    private String errorType;
    private boolean closed;
    private Ticket<Object> ticket;

    EppStream(EppState state, StreamSettings settings, StreamObserver<ProcessingResponse> out) {
        this.state = state;
        this.settings = settings;
        this.out = out;
        this.startNanos = settings.nanoTime().getAsLong();
        this.pipeline = new RequestPipeline(settings.nanoTime(), state.schedulerLatency()::record);
    }

    @Override
    public synchronized void onNext(ProcessingRequest request) {
        if (closed) {
            return; // a refusal already finished this stream; Envoy may still be sending what it had in flight
        }
        try {
            switch (request.getRequestCase()) {
                case REQUEST_HEADERS -> requestHeaders(request);
                case REQUEST_BODY -> requestBody(request.getRequestBody());
                case REQUEST_TRAILERS -> requestTrailers();
                case RESPONSE_HEADERS -> responseHeaders(request);
                case RESPONSE_BODY -> responseBody(request.getResponseBody());
                case RESPONSE_TRAILERS -> responseTrailers();
                default -> throw new ProtocolViolation("a ProcessingRequest without a request phase");
            }
        } catch (InferenceError e) {
            refuse(e);
        } catch (ProtocolViolation e) {
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("ext_proc stream {} failed", headers.get(ParsedRequest.REQUEST_ID_HEADER), e);
            fail(Status.INTERNAL.withDescription("endpoint picker failed: " + e));
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        // the gateway cancelled or reset the stream (client gone, timeout): release what the request held
        if (ticket != null) {
            ticket.cancel(); // still queued in flow control: leave the queue
        }
        if (!closed) {
            status = 499;
            finishRequest();
            closed = true;
        }
    }

    @Override
    public synchronized void onCompleted() {
        if (!closed) {
            finishRequest();
            closed = true;
            out.onCompleted();
        }
    }

    // ---- request path

    private void requestHeaders(ProcessingRequest request) {
        expect(Phase.REQUEST_HEADERS, "request headers");
        HttpHeaders h = request.getRequestHeaders();
        for (HeaderValue v : h.getHeaders().getHeadersList()) {
            String value =
                    v.getRawValue().isEmpty() ? v.getValue() : v.getRawValue().toStringUtf8();
            headers.put(v.getKey().toLowerCase(Locale.ROOT), value);
        }
        headers.computeIfAbsent(
                ParsedRequest.REQUEST_ID_HEADER, k -> UUID.randomUUID().toString());
        if (settings.subsetFilter() && request.hasMetadataContext()) {
            subset = SubsetHint.of(request.getMetadataContext());
        }
        random = settings.random().get();
        if (h.getEndOfStream()) {
            headerOnly();
        } else {
            phase = Phase.REQUEST_BODY;
            body = new Bytes(initialBodyCapacity(headers.get("content-length")));
        }
    }

    /**
     * Room for the body: its Content-Length when the client sent one (so a 200 KiB prompt is copied once, not
     * regrown), capped by the body limit; else 64 KiB to grow from.
     */
    private int initialBodyCapacity(String contentLength) {
        if (contentLength != null) {
            try {
                long n = Long.parseLong(contentLength.strip());
                if (n >= 0) {
                    return (int) Math.min(n, settings.maxRequestBodyBytes());
                }
            } catch (NumberFormatException ignored) {
                // not a number: the body will tell
            }
        }
        return Math.min(64 * 1024, settings.maxRequestBodyBytes());
    }

    /** A request without a body ({@code GET /v1/models}): a uniformly random ready endpoint, no scheduling. */
    private void headerOnly() {
        served = state.served().orElse(null);
        List<Endpoint> endpoints =
                served == null ? List.of() : served.pool().snapshot().endpoints();
        if (endpoints.isEmpty()) {
            throw new InferenceError(ErrorCode.INTERNAL, "no pods available in datastore");
        }
        endpoints = candidates(endpoints);
        Endpoint e = endpoints.get(random.nextInt(endpoints.size()));
        lease = state.inFlight().acquire(e);
        phase = Phase.RESPONSE_HEADERS;
        out.onNext(Messages.requestHeaders(e.hostPort(), 0, copiedHeaders()));
    }

    private void requestBody(HttpBody chunk) {
        expect(Phase.REQUEST_BODY, "a request body chunk");
        ByteString bytes = chunk.getBody();
        if (body.length() + bytes.size() > settings.maxRequestBodyBytes()) {
            throw new InferenceError(
                    ErrorCode.BODY_TOO_LARGE,
                    "request body is larger than " + settings.maxRequestBodyBytes() + " bytes");
        }
        body.append(bytes);
        if (chunk.getEndOfStream()) {
            decide();
        }
    }

    private void requestTrailers() {
        if (phase == Phase.REQUEST_BODY) {
            decide(); // a gRPC request ends with trailers instead of an end-of-stream body chunk
        }
        out.onNext(Messages.requestTrailers());
    }

    /** The whole body is here: run the pipeline and answer with the destination and the (rewritten) body. */
    private void decide() {
        served = state.served()
                .orElseThrow(() -> new InferenceError(
                        ErrorCode.NO_ENDPOINT,
                        "InferencePool " + state.poolId() + " is not known to the endpoint picker (yet)"));
        byte[] raw = body.array();
        int length = body.length();
        ScannedRequest scanned;
        try {
            scanned = scanner.scan(raw, 0, length);
        } catch (BadRequestBodyException e) {
            throw new InferenceError(ErrorCode.MALFORMED_BODY, "error unmarshaling request body: " + e.getMessage());
        }
        if (!scanned.hasModel()) {
            throw new InferenceError(ErrorCode.MISSING_MODEL, "model not found in request body");
        }
        String problem = ModelNames.problem(scanned.model());
        if (problem != null) {
            throw new InferenceError(ErrorCode.INVALID_MODEL, problem);
        }
        incomingModel = scanned.model();
        ParsedRequest parsed = new ParsedRequest(
                headers.get(ParsedRequest.REQUEST_ID_HEADER),
                scanned,
                raw,
                0,
                length,
                headers.get(ModelHeaders.MODEL_NAME_REWRITE),
                headers.get(ModelHeaders.INFERENCE_OBJECTIVE),
                headers.get(ModelHeaders.FAIRNESS_ID),
                headers.getOrDefault(ParsedRequest.SESSION_ID_HEADER, "").strip(),
                false,
                subset.isEmpty() ? null : subset.get()::filter,
                random,
                Runnable::run);
        act(
                pipeline.decide(parsed, new ServedPool(state, served, () -> objectiveRefused = true)),
                scanned,
                raw,
                length);
    }

    /**
     * The served pool as the pipeline sees it. The headers come from the data plane, which epp trusts: every
     * objective of the pool applies unless the pool's {@code infergate.io/client-objectives} annotation says
     * otherwise ({@code onRefused} then notes it for the record). Endpoints and picker are the pool as served when
     * asked: a request dispatched from flow control after a reload is picked from the pool's current endpoints.
     */
    private record ServedPool(EppState state, EppState.Served served, Runnable onRefused) implements PoolState {
        private EppState.Served now() {
            return state.served().orElse(served);
        }

        @Override
        public Resolution resolve(
                String incomingModel, String rewriteHeader, String objectiveHeader, RandomGenerator random) {
            Resolution r = served.pool().models().resolve(incomingModel, rewriteHeader, objectiveHeader, random);
            if (r instanceof Resolution.Resolved resolved && resolved.objectiveRefused()) {
                onRefused.run();
            }
            return r;
        }

        @Override
        public PoolSnapshot snapshot() {
            return now().pool().snapshot();
        }

        @Override
        public EndpointPicker picker() {
            return now().picker();
        }

        @Override
        public FlowController<Object> flowControl() {
            return state.flows().controller(served.pool().id());
        }
    }

    /**
     * Acts on the pipeline's decision: a refusal is thrown; a queued request makes its stream wait too (the gRPC
     * thread is free meanwhile) and continue on the thread that dispatches or expires it; a forward answers with
     * the destination and the (rewritten) body.
     */
    private void act(Decision decision, ScannedRequest scanned, byte[] raw, int length) {
        if (decision.request() != null) {
            targetModel = decision.request().targetModel();
            priority = decision.request().priority();
        }
        switch (decision) {
            case Decision.Refuse r -> throw new InferenceError(r.code(), r.status(), r.message());
            case Decision.Queued q -> {
                ticket = q.ticket();
                phase = Phase.QUEUED;
                ticket.outcome().whenComplete((outcome, failure) -> resume(q, outcome, failure, scanned, raw, length));
            }
            case Decision.Forward f -> send(f, scanned, raw, length);
        }
    }

    private synchronized void resume(
            Decision.Queued queued,
            Outcome outcome,
            Throwable failure,
            ScannedRequest scanned,
            byte[] raw,
            int length) {
        if (closed || phase != Phase.QUEUED) {
            return; // the stream ended while the request waited
        }
        ticket = null;
        try {
            act(queued.resume(outcome, failure), scanned, raw, length);
        } catch (InferenceError e) {
            refuse(e);
        } catch (RuntimeException e) {
            log.warn("ext_proc stream {} failed after queueing", headers.get(ParsedRequest.REQUEST_ID_HEADER), e);
            fail(Status.INTERNAL.withDescription("endpoint picker failed: " + e));
        }
    }

    /** Answers with the destination and the (rewritten) body. */
    private void send(Decision.Forward f, ScannedRequest scanned, byte[] raw, int length) {
        byte[] outBody = raw;
        int outLength = length;
        Decision.Rewrite rewrite = f.rewrite();
        if (rewrite != null) {
            outBody = ModelSplicer.splice(raw, 0, scanned, rewrite.upstream());
            outLength = outBody.length;
            restorer = new ModelNameRestorer(rewrite.upstream(), rewrite.client());
        }
        String destination = PickerProtocol.formatDestinations(f.endpoints(), settings.maxDestinationEndpoints());
        lease = state.inFlight().acquire(f.preferred(), f.promptTokens(), f.outputTokens());
        phase = Phase.RESPONSE_HEADERS;
        out.onNext(Messages.requestHeaders(destination, outLength, copiedHeaders()));
        for (ProcessingResponse chunk : Messages.requestBody(outBody, outLength)) {
            out.onNext(chunk);
        }
        body = null; // the request body is not needed any more: let a long response not hold it
    }

    /** The pool's endpoints narrowed by the subset hint; none left is a 503. */
    private List<Endpoint> candidates(List<Endpoint> endpoints) {
        if (subset.isEmpty()) {
            return endpoints;
        }
        List<Endpoint> allowed = subset.get().filter(endpoints);
        if (allowed.isEmpty()) {
            throw new InferenceError(ErrorCode.NO_ENDPOINT, RequestPipeline.NO_CANDIDATES);
        }
        return allowed;
    }

    /** Every stored request header except pseudo-headers, {@code host} and the control headers. */
    private List<Map.Entry<String, String>> copiedHeaders() {
        List<Map.Entry<String, String>> copy = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            // pseudo-headers and host are routing headers Envoy does not let ext_proc change anyway
            if (!name.startsWith(":") && !name.equals("host") && !NOT_COPIED.contains(name)) {
                copy.add(new AbstractMap.SimpleImmutableEntry<>(name, h.getValue()));
            }
        }
        return copy;
    }

    // ---- response path

    private void responseHeaders(ProcessingRequest request) {
        expect(Phase.RESPONSE_HEADERS, "response headers");
        if (request.hasMetadataContext()) {
            moveLeaseToServed(
                    request.getMetadataContext().getFilterMetadataMap().get(PickerProtocol.LB_NAMESPACE));
        }
        HttpHeaders h = request.getResponseHeaders();
        for (HeaderValue v : h.getHeaders().getHeadersList()) {
            String value =
                    v.getRawValue().isEmpty() ? v.getValue() : v.getRawValue().toStringUtf8();
            String name = v.getKey().toLowerCase(Locale.ROOT);
            if (name.equals(":status")) {
                try {
                    status = Integer.parseInt(value.strip());
                } catch (NumberFormatException e) {
                    throw new ProtocolViolation(":status is not a number: " + value);
                }
            } else if (name.equals("content-type")) {
                streaming = value.toLowerCase(Locale.ROOT).contains("text/event-stream");
            }
        }
        out.onNext(Messages.responseHeaders(List.of()));
        if (h.getEndOfStream()) {
            finishRequest();
            phase = Phase.FINISHED;
        } else {
            phase = Phase.RESPONSE_BODY;
        }
    }

    /** When the gateway served from a fallback, our in-flight load moves there. */
    private void moveLeaseToServed(Struct lb) {
        if (lb == null || lease == null || served == null) {
            return;
        }
        Value v = lb.getFieldsMap().get(PickerProtocol.DESTINATION_ENDPOINT_SERVED);
        if (v == null
                || !v.hasStringValue()
                || v.getStringValue().equals(lease.endpoint().hostPort())) {
            return;
        }
        for (Endpoint e : served.pool().snapshot().endpoints()) {
            if (e.hostPort().equals(v.getStringValue())) {
                lease.release();
                lease = state.inFlight().acquire(e);
                return;
            }
        }
    }

    private void responseBody(HttpBody chunk) {
        expect(Phase.RESPONSE_BODY, "a response body chunk");
        byte[] bytes = chunk.getBody().toByteArray();
        usage.feed(bytes, 0, bytes.length);
        boolean eos = chunk.getEndOfStream();
        if (streaming || passThrough) {
            if (bytes.length > 0 && lease != null) {
                lease.firstToken();
            }
            ByteString forward = chunk.getBody();
            if (restorer != null) {
                byte[] restored = restorer.feed(bytes, 0, bytes.length);
                if (eos) {
                    restored = concat(restored, restorer.finish());
                }
                forward = ByteString.copyFrom(restored);
            }
            out.onNext(Messages.responseChunk(forward, eos));
        } else {
            if (responseBody == null) {
                responseBody = new Bytes(Math.max(bytes.length, 1024));
            }
            if (responseBody.length() + bytes.length > settings.maxBufferedResponseBytes()) {
                // too large to hold: what is buffered goes out as is, the rest streams through
                passThrough = true;
                restorer = null;
                responseBody.append(ByteString.copyFrom(bytes));
                out.onNext(Messages.responseChunk(
                        ByteString.copyFrom(responseBody.array(), 0, responseBody.length()), eos));
                responseBody = null;
            } else {
                responseBody.append(chunk.getBody());
                if (eos) {
                    byte[] all = Arrays.copyOf(responseBody.array(), responseBody.length());
                    if (restorer != null) {
                        all = concat(restorer.feed(all, 0, all.length), restorer.finish());
                    }
                    Messages.responseBody(all, all.length).forEach(out::onNext);
                    responseBody = null;
                }
            }
        }
        if (eos) {
            finishRequest();
            phase = Phase.FINISHED;
        }
    }

    private void responseTrailers() {
        out.onNext(Messages.responseTrailers());
        finishRequest();
        phase = Phase.FINISHED;
    }

    // ---- endings

    private void expect(Phase expected, String what) {
        if (phase != expected) {
            throw new ProtocolViolation(what + " received while expecting " + describe(phase));
        }
    }

    private static String describe(Phase p) {
        return switch (p) {
            case REQUEST_HEADERS -> "request headers";
            case REQUEST_BODY -> "request body chunks";
            case QUEUED -> "nothing (the request waits in flow control)";
            case RESPONSE_HEADERS -> "response headers";
            case RESPONSE_BODY -> "response body chunks";
            case FINISHED -> "nothing more (the response ended)";
        };
    }

    /** Answers with an ImmediateResponse and finishes the stream. */
    private void refuse(InferenceError e) {
        status = e.httpStatus();
        errorType = e.reference().wire();
        if (log.isDebugEnabled()) {
            log.debug("request {} refused: {}", headers.get(ParsedRequest.REQUEST_ID_HEADER), e.body());
        }
        finishRequest();
        closed = true;
        out.onNext(Messages.immediate(e));
        out.onCompleted();
    }

    private void fail(Status s) {
        status = 500;
        errorType = s.getCode().name();
        finishRequest();
        closed = true;
        out.onError(s.asRuntimeException());
    }

    /** Releases the lease and records the request once, however the stream ends. */
    private void finishRequest() {
        if (phase == Phase.FINISHED) {
            return;
        }
        phase = Phase.FINISHED;
        String endpoint = lease == null ? null : lease.endpoint().hostPort();
        if (lease != null) {
            lease.release();
        }
        body = null;
        responseBody = null;
        state.metrics()
                .onComplete(new RequestRecord(
                        headers.getOrDefault(ParsedRequest.REQUEST_ID_HEADER, ""),
                        "epp",
                        headers.getOrDefault(":method", ""),
                        headers.getOrDefault(":path", ""),
                        incomingModel,
                        targetModel,
                        served == null ? null : served.pool().id().toString(),
                        endpoint,
                        status,
                        -1,
                        settings.nanoTime().getAsLong() - startNanos,
                        usage.promptTokens(),
                        usage.completionTokens(),
                        priority,
                        errorType,
                        endpoint == null ? 0 : 1,
                        objectiveRefused));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (b.length == 0) {
            return a;
        }
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** A peer that does not follow the protocol. */
    private static final class ProtocolViolation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProtocolViolation(String message) {
            super(message);
        }
    }

    /** A growable byte buffer (the body arrives in chunks of unknown count). */
    private static final class Bytes {
        private byte[] bytes;
        private int length;

        Bytes(int initial) {
            bytes = new byte[Math.max(16, initial)];
        }

        void append(ByteString s) {
            int need = length + s.size();
            if (need > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
            }
            s.copyTo(bytes, length);
            length = need;
        }

        byte[] array() {
            return bytes;
        }

        int length() {
            return length;
        }
    }
}
