package io.infergate.gateway.proxy;

import io.infergate.api.model.HttpRoute;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.PickerRef;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.config.ServiceTarget;
import io.infergate.gateway.metrics.AccessLog;
import io.infergate.gateway.picker.ExternalPickCall;
import io.infergate.gateway.picker.ExternalPickers;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.gateway.route.BackendChoice;
import io.infergate.gateway.route.PoolBackend;
import io.infergate.gateway.route.RouteMatch;
import io.infergate.gateway.route.ServiceBackend;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.model.ClientObjectives;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.openai.BadRequestBodyException;
import io.infergate.scheduler.openai.EncodedModelName;
import io.infergate.scheduler.openai.ModelNames;
import io.infergate.scheduler.openai.ModelSplicer;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pipeline.Decision;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.scheduler.pipeline.ParsedRequest;
import io.infergate.scheduler.pipeline.PickerAnswers;
import io.infergate.scheduler.pipeline.PoolState;
import io.infergate.scheduler.pipeline.RequestPipeline;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The inbound phase of one HTTP request, from a complete body to a {@link Plan}: strip control headers, scan the
 * body, set the model headers, match a route, choose a backend; for a pool with the in-process picker the rest
 * (resolve the model, flow control, pick, explain) is the transport-free {@link RequestPipeline}, whose
 * {@link Decision} this class only translates (splicing the body when the model was rewritten). Every refusal is a
 * {@link ProxyException} carrying its {@link ErrorCode}.
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

    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String EMBEDDINGS = "/v1/embeddings";
    private static final String MODELS = "/v1/models";

    private final OpenAiRequestScanner scanner = new OpenAiRequestScanner();
    private final Function<PoolRuntime, EndpointPicker> pickers;
    private final RequestPipeline pipeline;
    private final Function<PoolRuntime, FlowController<Object>> flows;
    private final Supplier<GatewayConfig> latest;
    private final boolean debugScores;
    private final ExternalPickers external;
    private final ClientObjectives clientObjectives;
    private final OutlierDetector outliers;

    /** One picker for every pool, untimed, without flow control (tests). */
    public RequestRouter(EndpointPicker picker) {
        this(pool -> picker, () -> 0L, nanos -> {});
    }

    /**
     * @param pickers   each pool's picker; called on event loops, must not block
     * @param nanoTime  the clock picks are timed with
     * @param pickNanos receives how long each pick took, rejected ones included; called on event loops, must not
     *                  block
     */
    public RequestRouter(Function<PoolRuntime, EndpointPicker> pickers, LongSupplier nanoTime, LongConsumer pickNanos) {
        this(pickers, pool -> null, null, nanoTime, pickNanos, false, ExternalPickers.NONE);
    }

    /**
     * @param pickers     each pool's picker; called on event loops, must not block
     * @param flows       each pool's flow controller, or null for a pool without flow control; called on event
     *                    loops
     * @param latest      the configuration being served now, read when a queued request is dispatched so that it
     *                    is picked from its pool as reloads left it; null (routers without flow control): the
     *                    configuration the request was planned with
     * @param nanoTime    the clock picks are timed with
     * @param pickNanos   receives how long each pick took, rejected ones included; called on event loops, must
     *                    not block
     * @param debugScores whether a request may ask, with {@code x-infergate-debug: scores}, for the picker's
     *                    per-scorer scores in the {@code x-infergate-scores} response header
     * @param external    the client of pools whose {@code endpointPickerRef} names an external picker
     *                    ({@link PickerRef.External}); called on event loops, must not block
     */
    public RequestRouter(
            Function<PoolRuntime, EndpointPicker> pickers,
            Function<PoolRuntime, FlowController<Object>> flows,
            Supplier<GatewayConfig> latest,
            LongSupplier nanoTime,
            LongConsumer pickNanos,
            boolean debugScores,
            ExternalPickers external) {
        this(pickers, flows, latest, nanoTime, pickNanos, debugScores, external, ClientObjectives.NOT_ABOVE_MODEL);
    }

    /**
     * @param clientObjectives whether a client's {@code x-gateway-inference-objective} may choose its objective in a
     *                         pool without the {@value ClientObjectives#ANNOTATION} annotation
     * @see #RequestRouter(Function, Function, Supplier, LongSupplier, LongConsumer, boolean, ExternalPickers)
     */
    public RequestRouter(
            Function<PoolRuntime, EndpointPicker> pickers,
            Function<PoolRuntime, FlowController<Object>> flows,
            Supplier<GatewayConfig> latest,
            LongSupplier nanoTime,
            LongConsumer pickNanos,
            boolean debugScores,
            ExternalPickers external,
            ClientObjectives clientObjectives) {
        this(
                pickers,
                flows,
                latest,
                nanoTime,
                pickNanos,
                debugScores,
                external,
                clientObjectives,
                new OutlierDetector(OutlierDetector.Settings.DEFAULT, nanoTime));
    }

    /**
     * @param outliers ejected endpoints are left out of a pool's candidates; the exchanges report to the same one
     * @see #RequestRouter(Function, Function, Supplier, LongSupplier, LongConsumer, boolean, ExternalPickers,
     *     ClientObjectives)
     */
    public RequestRouter(
            Function<PoolRuntime, EndpointPicker> pickers,
            Function<PoolRuntime, FlowController<Object>> flows,
            Supplier<GatewayConfig> latest,
            LongSupplier nanoTime,
            LongConsumer pickNanos,
            boolean debugScores,
            ExternalPickers external,
            ClientObjectives clientObjectives,
            OutlierDetector outliers) {
        this.outliers = Objects.requireNonNull(outliers, "outliers");
        this.clientObjectives = Objects.requireNonNull(clientObjectives, "clientObjectives");
        this.external = Objects.requireNonNull(external, "external");
        this.latest = latest;
        this.debugScores = debugScores;
        this.pickers = pickers;
        this.flows = flows;
        this.pipeline = new RequestPipeline(nanoTime, pickNanos);
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
    Plan plan(
            GatewayConfig config,
            ListenerConfig listener,
            HttpRequest request,
            ByteBuf body,
            RequestLog log,
            RandomGenerator random,
            ByteBufAllocator alloc,
            Executor executor) {
        HttpHeaders headers = request.headers();
        // a client's x-gateway-model-name-rewrite is never read: it would choose the model sent upstream past the
        // pool's model list (stripControlHeaders removes it below)
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
                    String problem = ModelNames.problem(scanned.model());
                    if (problem != null) {
                        throw new ProxyException(ErrorCode.INVALID_MODEL, problem);
                    }
                    headers.set(HeaderNames.X_GATEWAY_MODEL_NAME, scanned.model());
                    headers.set(
                            HeaderNames.X_GATEWAY_BASE_MODEL_NAME,
                            config.baseModels().baseModelOf(scanned.model()));
                    log.incomingModel = scanned.model();
                } else if (path.equals(CHAT) || path.equals(COMPLETIONS)) {
                    throw new ProxyException(ErrorCode.MISSING_MODEL, "you must provide a model parameter");
                }
            }
        } else if (path.equals(MODELS) && HttpMethod.GET.equals(request.method())) {
            return new Plan.Answer(models(config, listener, alloc));
        }

        RouteMatch match = listener.routes()
                .orElseThrow()
                .match(new NettyRequestView(request.method().name(), request.uri(), headers))
                .orElseThrow(() -> new ProxyException(
                        ErrorCode.NO_ROUTE, "no route for " + request.method() + " " + hostOf(headers) + path));
        return switch (match.backends().choose(random)) {
            case BackendChoice.Failed f ->
                throw new ProxyException(ErrorCode.INVALID_BACKEND, "route cannot forward: " + f.detail());
            case BackendChoice.Picked(PoolBackend pool, List<HttpRoute.Filter> filters) ->
                toPool(
                        config,
                        listener,
                        request,
                        pool,
                        filters,
                        scanned,
                        body,
                        executor,
                        session,
                        debug,
                        objectiveHeader,
                        fairness,
                        log,
                        random,
                        alloc);
            case BackendChoice.Picked(ServiceBackend svc, List<HttpRoute.Filter> filters) ->
                toService(config, svc, filters, body);
        };
    }

    private Plan toPool(
            GatewayConfig config,
            ListenerConfig listener,
            HttpRequest request,
            PoolBackend backend,
            List<HttpRoute.Filter> filters,
            ScannedRequest scanned,
            ByteBuf body,
            Executor executor,
            String session,
            boolean debug,
            String objectiveHeader,
            String fairness,
            RequestLog log,
            RandomGenerator random,
            ByteBufAllocator alloc) {
        PoolRuntime pool = config.pool(backend);
        if (pool == null) {
            throw new ProxyException(
                    ErrorCode.INVALID_BACKEND, "InferencePool " + backend.displayName() + " is not declared");
        }
        log.pool = pool.id().toString();
        byte[] array = body.hasArray() ? body.array() : null;
        int offset = array == null ? 0 : body.arrayOffset() + body.readerIndex();
        ParsedRequest parsed = new ParsedRequest(
                log.requestId,
                scanned,
                array,
                offset,
                body.readableBytes(),
                null,
                objectiveHeader,
                fairness,
                session,
                debug,
                null,
                random,
                executor);
        return switch (pool.picker()) {
            case PickerRef.Invalid invalid ->
                toPlan(
                        PickerAnswers.failureMode(
                                parsed,
                                outliers.candidates(pool.snapshot(), pool.faults()),
                                invalid.failureMode(),
                                ErrorCode.PICKER_UNAVAILABLE,
                                "endpoint picker reference is invalid: " + invalid.reason(),
                                RetryRule.DEFAULT.maxAttempts()),
                        body,
                        scanned,
                        filters,
                        log,
                        alloc,
                        null,
                        pool);
            case PickerRef.External ext -> {
                List<HeaderEntry> control = new ArrayList<>(2);
                String incoming = scanned != null && scanned.hasModel() ? scanned.model() : null;
                if (pool.models().allowsObjective(incoming, objectiveHeader, clientObjectives)) {
                    addIfPresent(control, HeaderNames.INFERENCE_OBJECTIVE, objectiveHeader);
                } else {
                    objectiveRefused(pool, objectiveHeader, log);
                }
                addIfPresent(control, HeaderNames.FAIRNESS_ID, fairness);
                yield ExternalRouting.call(
                        external,
                        pool,
                        ext,
                        listener,
                        request,
                        control,
                        filters,
                        parsed,
                        body,
                        log,
                        alloc,
                        scanner,
                        snapshot -> outliers.candidates(snapshot, pool.faults()));
            }
            default ->
                toPlan(
                        pipeline.decide(parsed, new PoolView(pool, log)),
                        body,
                        scanned,
                        filters,
                        log,
                        alloc,
                        null,
                        pool);
        };
    }

    /**
     * A pool as the pipeline sees it: the picker and the flow controller are looked up when the pipeline asks (the
     * picker only once a queued request may go). Endpoints and picker are those of the pool as the configuration
     * being served has it when asked: a request dispatched from flow control after a reload goes to the pool's
     * current endpoints, not to those of the moment it was queued. A pool that a reload removed has no endpoints.
     */
    private final class PoolView implements PoolState {
        private final PoolRuntime pool;
        private final RequestLog log;

        PoolView(PoolRuntime pool, RequestLog log) {
            this.pool = pool;
            this.log = log;
        }

        private PoolRuntime now() {
            GatewayConfig served = latest == null ? null : latest.get();
            if (served == null) {
                return pool;
            }
            return served.pool(pool.id());
        }

        @Override
        public Resolution resolve(
                String incomingModel, String rewriteHeader, String objectiveHeader, RandomGenerator random) {
            Resolution r =
                    pool.models().resolve(incomingModel, rewriteHeader, objectiveHeader, clientObjectives, random);
            if (r instanceof Resolution.Resolved resolved && resolved.objectiveRefused()) {
                objectiveRefused(pool, objectiveHeader, log);
            }
            return r;
        }

        @Override
        public PoolSnapshot snapshot() {
            PoolRuntime current = now();
            return current == null
                    ? new PoolSnapshot(pool.id(), List.of())
                    : outliers.candidates(current.snapshot(), current.faults());
        }

        @Override
        public EndpointPicker picker() {
            PoolRuntime current = now();
            return pickers.apply(current == null ? pool : current);
        }

        @Override
        public FlowController<Object> flowControl() {
            return flows.apply(pool);
        }
    }

    /**
     * The pipeline's decision as a plan, whoever picked: a refusal is thrown, a forward carries the edited body
     * (spliced when the model was rewritten, or an external picker's replacement; then it owns the copy and
     * {@code body} is released), a queued request resumes the same way once flow control has spoken.
     *
     * @param picker the external picker's call that chose the endpoints, or null
     * @param pool   the pool the endpoints belong to (its fault limits go with the plan)
     */
    static Plan toPlan(
            Decision decision,
            ByteBuf body,
            ScannedRequest scanned,
            List<HttpRoute.Filter> filters,
            RequestLog log,
            ByteBufAllocator alloc,
            ExternalPickCall picker,
            PoolRuntime pool) {
        if (decision.request() != null) {
            String target = decision.request().targetModel();
            log.targetModel = target.isEmpty() ? null : target;
            log.priority = decision.request().priority();
        }
        return switch (decision) {
            case Decision.Refuse r -> throw new ProxyException(r.code(), r.status(), r.message());
            case Decision.Queued q ->
                new Plan.Deferred(
                        q.ticket(),
                        (outcome, failure) ->
                                toPlan(q.resume(outcome, failure), body, scanned, filters, log, alloc, picker, pool));
            case Decision.Forward f -> {
                List<UpstreamTarget> targets = new ArrayList<>(f.endpoints().size());
                for (Endpoint e : f.endpoints()) {
                    targets.add(UpstreamTarget.of(e));
                }
                Decision.Rewrite rewrite = f.rewrite();
                ByteBuf out = body;
                if (f.replacement() != null) {
                    out = alloc.heapBuffer(f.replacement().length).writeBytes(f.replacement());
                    body.release();
                } else if (rewrite != null) {
                    out = splice(body, scanned, rewrite.upstream(), alloc);
                    body.release();
                }
                yield new Plan.Forward(
                        targets,
                        out,
                        rewrite == null ? null : rewrite.upstream(),
                        rewrite == null ? null : rewrite.client(),
                        filters,
                        f.promptTokens(),
                        f.outputTokens(),
                        f.explanation(),
                        picker,
                        RetryRule.DEFAULT,
                        pool);
            }
        };
    }

    /**
     * A client named an objective the pool's setting does not let it choose: the request goes on with its model's
     * priority. One debug line (the name is the client's: escaped and cut) and the record's flag, which the metrics
     * count per pool.
     */
    private static void objectiveRefused(PoolRuntime pool, String objectiveHeader, RequestLog log) {
        log.objectiveRefused = true;
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "request {}: client objective {} refused in InferencePool {}; the model's priority applies",
                    log.requestId,
                    AccessLog.escape(objectiveHeader),
                    pool.id());
        }
    }

    /** The detector this router leaves ejected endpoints out with. */
    OutlierDetector outliers() {
        return outliers;
    }

    private static void addIfPresent(List<HeaderEntry> out, CharSequence name, String value) {
        if (value != null) {
            out.add(new HeaderEntry(name.toString(), value));
        }
    }

    private static Plan toService(
            GatewayConfig config, ServiceBackend backend, List<HttpRoute.Filter> filters, ByteBuf body) {
        ServiceTarget svc = config.service(backend);
        List<InetSocketAddress> rotation = svc == null ? List.of() : svc.rotation();
        if (rotation.isEmpty()) {
            throw new ProxyException(
                    ErrorCode.NO_ENDPOINT, "Service " + backend.displayName() + " has no ready endpoint");
        }
        List<UpstreamTarget> targets = new ArrayList<>(rotation.size());
        for (InetSocketAddress a : rotation) {
            targets.add(UpstreamTarget.of(a));
        }
        return new Plan.Forward(targets, body, null, null, filters, 0, 0, null, null, RetryRule.DEFAULT, null);
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

    private static ByteBuf splice(
            ByteBuf body, ScannedRequest scanned, EncodedModelName model, ByteBufAllocator alloc) {
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
        return type == null
                || type.toLowerCase(Locale.ROOT).contains("json")
                || path.equals(CHAT)
                || path.equals(COMPLETIONS)
                || path.equals(EMBEDDINGS);
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
            Optional.ofNullable(config.pool(id))
                    .ifPresent(p -> names.addAll(p.models().incomingModelNames()));
        }
        StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        boolean first = true;
        for (String name : names) {
            json.append(first ? "" : ",")
                    .append("{\"id\":\"")
                    .append(enc.quoteAsCharArray(name))
                    .append("\",\"object\":\"model\",\"created\":0,\"owned_by\":\"infergate\"}");
            first = false;
        }
        byte[] bytes = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.OK,
                alloc.buffer(bytes.length).writeBytes(bytes));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }
}
