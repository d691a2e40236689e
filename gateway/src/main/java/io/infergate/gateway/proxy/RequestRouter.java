package io.infergate.gateway.proxy;

import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.scheduler.pipeline.TokenEstimate;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.PickerRef;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.picker.ExternalPickers;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.gateway.config.ServiceTarget;
import io.infergate.gateway.route.BackendChoice;
import io.infergate.gateway.route.PoolBackend;
import io.infergate.gateway.route.RouteMatch;
import io.infergate.gateway.route.ServiceBackend;
import io.infergate.scheduler.model.ModelHeaders;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.openai.BadRequestBodyException;
import io.infergate.scheduler.openai.EncodedModelName;
import io.infergate.scheduler.openai.ModelSplicer;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.pick.PickResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.admission.FlowKey;
import io.infergate.scheduler.admission.Outcome;
import io.infergate.scheduler.admission.Ticket;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The inbound phase of one HTTP request, from a complete body to a {@link Plan}: strip control headers, scan the
 * body, set the model headers, match a route, choose a backend, resolve the model, splice the body, pick the
 * endpoints. Every refusal is a {@link ProxyException} carrying its {@link ErrorCode}.
 *
 * <p><b>Model headers.</b> Both are set from the body before route matching, as GIE's Body-Based Routing (BBR)
 * does. {@code X-Gateway-Model-Name} is the body's {@code model}. {@code X-Gateway-Base-Model-Name} is that model's
 * base model from the ConfigMaps labelled {@code inference.networking.k8s.io/bbr-managed: "true"}
 * ({@link io.infergate.gateway.config.BaseModels}): the {@code baseModel} of the ConfigMap that lists the model as
 * an adapter or as its base model, and the empty string (BBR's value) for a model no ConfigMap names. When the
 * configuration declares no such ConfigMap at all, it is the incoming name, so that routes matching either header
 * on a model name work without one. Values a client sent for either header are dropped first, so a client cannot
 * steer routing with them on a body-less request.
 *
 * <p>Stateless apart from its collaborators; called on the client connection's event loop; never blocks. The
 * allocation of a spliced body copy is the only per-request copy.
 */
public final class RequestRouter {

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String EMBEDDINGS = "/v1/embeddings";
    private static final String MODELS = "/v1/models";

    private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();
    private final Function<PoolRuntime, EndpointPicker> pickers;
    private final LongSupplier nanoTime;
    private final LongConsumer pickNanos;
    private final Function<PoolRuntime, FlowController<Object>> flows;
    private final boolean debugScores;
    private final ExternalPickers external;

    /** One picker for every pool (tests, the interim least-in-flight picker). */
    public RequestRouter(EndpointPicker picker) {
        this(pool -> picker);
    }

    /** @param pickers each pool's picker; called on event loops, must not block */
    public RequestRouter(Function<PoolRuntime, EndpointPicker> pickers) {
        this(pickers, () -> 0L, nanos -> { });
    }

    /**
     * @param pickers   each pool's picker; called on event loops, must not block
     * @param nanoTime  the clock picks are timed with
     * @param pickNanos receives how long each pick took, rejected ones included; called on event loops, must not
     *                  block
     */
    public RequestRouter(Function<PoolRuntime, EndpointPicker> pickers, LongSupplier nanoTime,
                         LongConsumer pickNanos) {
        this(pickers, pool -> null, nanoTime, pickNanos);
    }

    /**
     * @param flows each pool's flow controller, or null for a pool without flow control; called on event loops
     */
    public RequestRouter(Function<PoolRuntime, EndpointPicker> pickers,
                         Function<PoolRuntime, FlowController<Object>> flows, LongSupplier nanoTime,
                         LongConsumer pickNanos) {
        this(pickers, flows, nanoTime, pickNanos, false);
    }

    /**
     * @param debugScores whether a request may ask, with {@code x-infergate-debug: scores}, for the picker's
     *                    per-scorer scores in the {@code x-infergate-scores} response header
     */
    public RequestRouter(Function<PoolRuntime, EndpointPicker> pickers,
                         Function<PoolRuntime, FlowController<Object>> flows, LongSupplier nanoTime,
                         LongConsumer pickNanos, boolean debugScores) {
        this(pickers, flows, nanoTime, pickNanos, debugScores, ExternalPickers.NONE);
    }

    /**
     * @param external the client of pools whose {@code endpointPickerRef} names an external picker
     *                 ({@link PickerRef.External}); called on event loops, must not block
     */
    public RequestRouter(Function<PoolRuntime, EndpointPicker> pickers,
                         Function<PoolRuntime, FlowController<Object>> flows, LongSupplier nanoTime,
                         LongConsumer pickNanos, boolean debugScores, ExternalPickers external) {
        this.external = java.util.Objects.requireNonNull(external, "external");
        this.debugScores = debugScores;
        this.pickers = pickers;
        this.flows = flows;
        this.nanoTime = nanoTime;
        this.pickNanos = pickNanos;
    }

    /**
     * Plans one request. On success the returned {@link Plan.Forward} owns {@code body} (or a spliced copy, in which
     * case {@code body} was released); on a {@link ProxyException}, an {@link Plan.Answer} or a {@link Plan.Deferred}
     * (the request waits in flow control) the caller still owns {@code body}.
     *
     * @param executor where a deferred request's outcome is delivered (the connection's event loop)
     *
     * @param request its headers are edited in place: control headers removed, model headers set
     * @param body    the complete request body (a heap buffer, possibly empty)
     */
    Plan plan(GatewayConfig config, ListenerConfig listener, HttpRequest request, ByteBuf body, RequestLog log,
              RandomGenerator random, ByteBufAllocator alloc, Executor executor) {
        HttpHeaders headers = request.headers();
        String rewriteHeader = headers.get(HeaderNames.MODEL_NAME_REWRITE);
        String objectiveHeader = headers.get(HeaderNames.INFERENCE_OBJECTIVE);
        String fairness = headers.get(HeaderNames.FAIRNESS_ID);
        String sessionHeader = headers.get(HeaderNames.SESSION_ID);
        String session = sessionHeader == null ? "" : sessionHeader.strip();
        boolean debug = debugScores && "scores".equalsIgnoreCase(headers.get(HeaderNames.DEBUG));
        headers.remove(HeaderNames.DEBUG);
        stripControlHeaders(headers);
        String path = log.path;

        ScannedRequest scanned = null;
        if (body.isReadable()) {
            if (isJson(headers, path)) {
                scanned = scan(body);
                if (scanned.hasModel()) {
                    headers.set(HeaderNames.X_GATEWAY_MODEL_NAME, scanned.model());
                    headers.set(HeaderNames.X_GATEWAY_BASE_MODEL_NAME,
                            config.baseModels().baseModelOf(scanned.model()));
                    log.incomingModel = scanned.model();
                } else if (path.equals(CHAT) || path.equals(COMPLETIONS)) {
                    throw new ProxyException(ErrorCode.MISSING_MODEL, "you must provide a model parameter");
                }
            }
        } else if (path.equals(MODELS) && HttpMethod.GET.equals(request.method())) {
            return new Plan.Answer(models(config, listener, alloc));
        }

        RouteMatch match = listener.routes().orElseThrow()
                .match(new NettyRequestView(request.method().name(), request.uri(), headers))
                .orElseThrow(() -> new ProxyException(ErrorCode.NO_ROUTE, "no route for " + request.method() + " "
                        + hostOf(headers) + path));
        return switch (match.backends().choose(random)) {
            case BackendChoice.Failed f -> throw new ProxyException(ErrorCode.INVALID_BACKEND,
                    "route cannot forward: " + f.detail());
            case BackendChoice.Picked(PoolBackend pool) -> toPool(config, listener, request, pool, match, scanned,
                    body, rewriteHeader, executor, session, debug, objectiveHeader, fairness, log, random, alloc);
            case BackendChoice.Picked(ServiceBackend svc) -> toService(config, svc, match, body);
        };
    }

    private Plan toPool(GatewayConfig config, ListenerConfig listener, HttpRequest request, PoolBackend backend,
                        RouteMatch match, ScannedRequest scanned, ByteBuf body, String rewriteHeader,
                        Executor executor, String session, boolean debug, String objectiveHeader, String fairness,
                        RequestLog log, RandomGenerator random, ByteBufAllocator alloc) {
        PoolRuntime pool = config.pool(backend);
        if (pool == null) {
            throw new ProxyException(ErrorCode.INVALID_BACKEND, "InferencePool " + backend.displayName()
                    + " is not declared");
        }
        log.pool = pool.id().toString();
        if (pool.picker() instanceof PickerRef.Invalid invalid) {
            return failureMode(pool, invalid.failureMode(), ErrorCode.PICKER_UNAVAILABLE,
                    "endpoint picker reference is invalid: " + invalid.reason(), body, match, scanned, random);
        }
        if (pool.picker() instanceof PickerRef.External ext) {
            List<HeaderEntry> control = new ArrayList<>(3);
            addIfPresent(control, HeaderNames.MODEL_NAME_REWRITE, rewriteHeader);
            addIfPresent(control, HeaderNames.INFERENCE_OBJECTIVE, objectiveHeader);
            addIfPresent(control, HeaderNames.FAIRNESS_ID, fairness);
            return ExternalRouting.call(external, pool, ext, listener, request, control, match, scanned, body, log,
                    random, alloc, scanner);
        }
        String target = "";
        EncodedModelName upstreamName = null;
        EncodedModelName clientName = null;
        int priority = 0;
        int promptBytes = 0;
        PromptBytes prompt = PromptBytes.NONE;
        ByteBuf out = body;
        if (scanned != null && scanned.hasModel()) {
            switch (pool.models().resolve(scanned.model(), rewriteHeader, objectiveHeader, random)) {
                case Resolution.UnknownModel u -> throw new ProxyException(ErrorCode.UNKNOWN_MODEL, u.message());
                case Resolution.Resolved r -> {
                    target = r.targetModel();
                    priority = r.priority();
                    if (r.rewritten()) {
                        upstreamName = EncodedModelName.of(r.targetModel());
                        clientName = EncodedModelName.of(r.incomingModel());
                        out = splice(body, scanned, upstreamName, alloc);
                    }
                }
            }
            promptBytes = scanned.hasMessages() ? scanned.messagesLength() : scanned.promptLength();
            prompt = promptOf(body, scanned);
        }
        log.targetModel = target.isEmpty() ? null : target;
        log.priority = priority;
        String flowId = fairness == null || fairness.isBlank() ? ModelHeaders.DEFAULT_FAIRNESS_ID : fairness;
        PickRequest pick = new PickRequest(log.requestId, target, priority, promptBytes, flowId, session, prompt);
        Pending pending = new Pending(pool, pick, body, out, upstreamName, clientName, match.filters(),
                TokenEstimate.promptTokens(promptBytes), TokenEstimate.outputTokens(scanned), debug);
        FlowController<Object> queue = flows.apply(pool);
        if (queue == null) {
            return pickAndForward(pending);
        }
        Ticket<Object> ticket = queue.enqueue(FlowKey.of(flowId, priority), out.readableBytes(), pending, executor);
        Outcome now = ticket.outcome().toCompletableFuture().getNow(null);
        if (now instanceof Outcome.Dispatched) {
            return pickAndForward(pending); // the fast path: capacity and an empty queue
        }
        if (now != null) {
            pending.discard();
            throw flowFailure(now);
        }
        return new Plan.Deferred(ticket, () -> pickAndForward(pending), pending::discard);
    }

    private static void addIfPresent(List<HeaderEntry> out, CharSequence name, String value) {
        if (value != null) {
            out.add(new HeaderEntry(name.toString(), value));
        }
    }

    /**
     * What a pool does when its picker cannot decide: fail closed with {@code failure}, or (FailOpen) forward the
     * original body to random ready endpoints of the pool (the first preferred, the rest retry fallbacks). On a
     * {@link Plan.Forward} the plan owns {@code body}; on a {@link ProxyException} the caller still does.
     */
    static Plan failureMode(PoolRuntime pool, io.infergate.api.model.InferencePool.FailureMode mode, ErrorCode failure,
                            String message, ByteBuf body, RouteMatch match, ScannedRequest scanned,
                            RandomGenerator random) {
        if (mode != io.infergate.api.model.InferencePool.FailureMode.FAIL_OPEN) {
            throw new ProxyException(failure, message);
        }
        List<Endpoint> ready = new ArrayList<>(pool.snapshot().endpoints());
        if (ready.isEmpty()) {
            throw new ProxyException(ErrorCode.NO_ENDPOINT, "InferencePool " + pool.id() + " has no ready endpoint ("
                    + message + "; failing open)");
        }
        List<UpstreamTarget> targets = new ArrayList<>(ProxyExchange.MAX_ATTEMPTS);
        while (!ready.isEmpty() && targets.size() < ProxyExchange.MAX_ATTEMPTS) {
            targets.add(UpstreamTarget.of(ready.remove(random.nextInt(ready.size()))));
        }
        org.slf4j.LoggerFactory.getLogger(RequestRouter.class).debug("InferencePool {} fails open: {}", pool.id(),
                message);
        return new Plan.Forward(targets, body, null, null, match.filters(),
                TokenEstimate.promptTokens(TokenEstimate.promptBytes(scanned)), TokenEstimate.outputTokens(scanned),
                null);
    }

    /** What a request needs to be picked for once it may go: everything {@link #toPool} worked out. */
    private record Pending(PoolRuntime pool, PickRequest pick, ByteBuf body, ByteBuf out,
                           EncodedModelName upstreamName, EncodedModelName clientName,
                           List<io.infergate.api.model.HttpRoute.Filter> filters, long promptTokens,
                           long outputTokens, boolean debug) {
        /** Releases the spliced copy, if any (the caller owns {@code body}). */
        void discard() {
            if (out != body) {
                out.release();
            }
        }
    }

    /** The HTTP answer for a request flow control did not dispatch. */
    static ProxyException flowFailure(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Rejected r when r.httpStatus() == 429 -> new ProxyException(ErrorCode.SHED, 429, r.message());
            case Outcome.Rejected r -> new ProxyException(ErrorCode.NO_ENDPOINT, r.httpStatus(), r.message());
            case Outcome.Expired e -> new ProxyException(ErrorCode.QUEUE_TIMEOUT, e.message());
            case Outcome.Cancelled c -> new ProxyException(ErrorCode.QUEUE_TIMEOUT, c.message());
            case Outcome.Dispatched d -> throw new IllegalArgumentException("dispatched is not a failure");
        };
    }

    /** Picks the endpoints and builds the forward plan; on a rejection the spliced copy is released. */
    private Plan pickAndForward(Pending pending) {
        PoolRuntime pool = pending.pool();
        PickRequest pick = pending.pick();
        ByteBuf body = pending.body();
        ByteBuf out = pending.out();
        EndpointPicker picker = pickers.apply(pool);
        long pickStart = nanoTime.getAsLong();
        PickResult picked;
        String scores = null;
        if (pending.debug() && picker instanceof Scheduler scheduler) {
            Scheduler.Decision d = scheduler.decide(pick, pool.snapshot());
            picked = d.result();
            var explanation = d.explanation();
            scores = explanation == null ? "none (rejected before scoring)" : explanation.toString();
        } else {
            picked = picker.pick(pick, pool.snapshot());
        }
        pickNanos.accept(nanoTime.getAsLong() - pickStart);
        switch (picked) {
            case PickResult.Rejected r -> {
                if (out != body) {
                    out.release();
                }
                throw new ProxyException(r.httpStatus() == 429 ? ErrorCode.SHED : ErrorCode.NO_ENDPOINT,
                        r.httpStatus(), r.message());
            }
            case PickResult.Picked p -> {
                List<UpstreamTarget> targets = new ArrayList<>(p.endpoints().size());
                for (Endpoint e : p.endpoints()) {
                    targets.add(UpstreamTarget.of(e));
                }
                if (out != body) {
                    body.release();
                }
                return new Plan.Forward(targets, out, pending.upstreamName(), pending.clientName(),
                        pending.filters(), pending.promptTokens(), pending.outputTokens(), scores);
            }
        }
    }

    private static Plan toService(GatewayConfig config, ServiceBackend backend, RouteMatch match, ByteBuf body) {
        ServiceTarget svc = config.service(backend);
        List<InetSocketAddress> rotation = svc == null ? List.of() : svc.rotation();
        if (rotation.isEmpty()) {
            throw new ProxyException(ErrorCode.NO_ENDPOINT, "Service " + backend.displayName()
                    + " has no ready endpoint");
        }
        List<UpstreamTarget> targets = new ArrayList<>(rotation.size());
        for (InetSocketAddress a : rotation) {
            targets.add(UpstreamTarget.of(a));
        }
        return new Plan.Forward(targets, body, null, null, match.filters(), 0, 0, null);
    }

    private ScannedRequest scan(ByteBuf body) {
        try {
            if (body.hasArray()) {
                return scanner.scan(body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes());
            }
            byte[] copy = new byte[body.readableBytes()];
            body.getBytes(body.readerIndex(), copy);
            return scanner.scan(copy);
        } catch (BadRequestBodyException e) {
            throw new ProxyException(ErrorCode.MALFORMED_BODY, e.getMessage());
        }
    }

    /**
     * The messages (chat) or prompt (completions) bytes of the body as a view for prefix hashing, by the rule of
     * {@link PromptBytes#of}; the scan offsets are relative to the body's reader index. The body is a heap buffer
     * (the frontend allocates it so); anything else yields no prompt rather than a copy.
     */
    private static PromptBytes promptOf(ByteBuf body, ScannedRequest scanned) {
        if (!body.hasArray()) {
            return PromptBytes.NONE;
        }
        return PromptBytes.of(scanned, body.array(), body.arrayOffset() + body.readerIndex());
    }

    private static ByteBuf splice(ByteBuf body, ScannedRequest scanned, EncodedModelName model,
                                  ByteBufAllocator alloc) {
        int length = ModelSplicer.splicedLength(scanned, model);
        ByteBuf out = alloc.heapBuffer(length, length);
        byte[] src;
        int offset;
        if (body.hasArray()) {
            src = body.array();
            offset = body.arrayOffset() + body.readerIndex();
        } else {
            src = new byte[body.readableBytes()];
            body.getBytes(body.readerIndex(), src);
            offset = 0;
        }
        ModelSplicer.spliceInto(src, offset, scanned, model, out.array(), out.arrayOffset());
        return out.writerIndex(length);
    }

    /** A body is scanned as JSON when it says so, says nothing, or goes to an OpenAI inference path. */
    private static boolean isJson(HttpHeaders headers, String path) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type == null || type.toLowerCase(java.util.Locale.ROOT).contains("json") || path.equals(CHAT)
                || path.equals(COMPLETIONS) || path.equals(EMBEDDINGS);
    }

    /** Removes the headers a client must not set: endpoint-picker protocol headers and our control headers. */
    static void stripControlHeaders(HttpHeaders headers) {
        List<String> remove = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (startsWithIgnoreCase(name, HeaderNames.DESTINATION_ENDPOINT_PREFIX)
                    || startsWithIgnoreCase(name, HeaderNames.INFERENCE_PREFIX)) {
                if (remove == null) {
                    remove = new ArrayList<>(2);
                }
                remove.add(name.toString());
            }
        }
        if (remove != null) {
            remove.forEach(headers::remove);
        }
        headers.remove(HeaderNames.MODEL_NAME_REWRITE);
        headers.remove(HeaderNames.X_GATEWAY_MODEL_NAME);
        headers.remove(HeaderNames.X_GATEWAY_BASE_MODEL_NAME);
    }

    private static boolean startsWithIgnoreCase(CharSequence s, String prefix) {
        if (s.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase(s.charAt(i)) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String hostOf(HttpHeaders headers) {
        String h = headers.get(HttpHeaderNames.HOST);
        return h == null ? "" : h;
    }

    /** {@code GET /v1/models}: the incoming model names of the pools this listener's routes reach. */
    private static FullHttpResponse models(GatewayConfig config, ListenerConfig listener, ByteBufAllocator alloc) {
        Set<String> names = new LinkedHashSet<>();
        for (var id : listener.pools()) {
            Optional.ofNullable(config.pool(id)).ifPresent(p -> names.addAll(p.models().incomingModelNames()));
        }
        StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        boolean first = true;
        for (String name : names) {
            json.append(first ? "" : ",").append("{\"id\":\"").append(enc.quoteAsString(name))
                    .append("\",\"object\":\"model\",\"created\":0,\"owned_by\":\"infergate\"}");
            first = false;
        }
        byte[] bytes = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                alloc.buffer(bytes.length).writeBytes(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }
}
