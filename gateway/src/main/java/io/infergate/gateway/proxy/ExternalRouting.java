package io.infergate.gateway.proxy;

import io.infergate.api.model.HttpRoute;
import io.infergate.gateway.config.ListenerConfig;
import io.infergate.gateway.config.PickerRef;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.picker.ExternalDecision;
import io.infergate.gateway.picker.ExternalPickCall;
import io.infergate.gateway.picker.ExternalPickRequest;
import io.infergate.gateway.picker.ExternalPickerException;
import io.infergate.gateway.picker.ExternalPickers;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.scheduler.openai.BadRequestBodyException;
import io.infergate.scheduler.openai.EncodedModelName;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.infergate.scheduler.pipeline.TokenEstimate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;

/**
 * The inbound phase of a request to a pool with an external endpoint picker, as an Envoy data plane runs it: send
 * the request to the picker ({@link ExternalPickers}), then turn its decision into a plan. The first endpoint of the
 * returned list that is a ready endpoint of this pool comes first, the rest of the pool's listed endpoints are the
 * retry fallbacks; addresses outside the pool are ignored (GIE conformance: traffic stays in the pool the route
 * chose). The picker's other request headers go to the upstream request (never {@code content-length}, which is
 * recomputed, nor pseudo-headers or endpoint-picker protocol headers). When the picker rewrote {@code model}, the
 * client's name is restored in the response as for an in-process rewrite.
 *
 * <p>No decision (unreachable, stream error, timeout, malformed answer, empty list, or no endpoint of this pool)
 * means the pool's failure mode: FailClose answers 503 (500 for a malformed answer); FailOpen forwards the original
 * body to random ready endpoints of the pool. An {@code ImmediateResponse} is passed to the client with its status
 * and the picker's text as an OpenAI error message.
 *
 * <p>Local flow control and model resolution (InferenceModels, rewrites) do not run for such pools: they are the
 * external picker's job, as in an Envoy deployment. Stateless; runs on the request's event loop; never blocks.
 */
final class ExternalRouting {

    /** Headers the picker may not set on the upstream request (recomputed, or the protocol's own). */
    private static final Set<String> NOT_FORWARDED =
            Set.of("content-length", "host", "transfer-encoding", "connection");

    private ExternalRouting() {}

    /** Calls the pool's picker; the decision is turned into a plan by the returned plan's {@code resume}. */
    static Plan.External call(
            ExternalPickers pickers,
            PoolRuntime pool,
            PickerRef.External ext,
            ListenerConfig listener,
            HttpRequest request,
            List<HeaderEntry> control,
            List<HttpRoute.Filter> filters,
            ScannedRequest scanned,
            ByteBuf body,
            RequestLog log,
            RandomGenerator random,
            ByteBufAllocator alloc,
            OpenAiRequestScanner scanner) {
        List<HeaderEntry> headers = new ArrayList<>(request.headers().size() + 8);
        HttpHeaders h = request.headers();
        String authority = h.get(HttpHeaderNames.HOST);
        headers.add(new HeaderEntry(":method", request.method().name()));
        headers.add(new HeaderEntry(":path", request.uri()));
        headers.add(new HeaderEntry(":authority", authority == null ? "" : authority));
        headers.add(new HeaderEntry(":scheme", "HTTPS".equals(listener.protocol()) ? "https" : "http"));
        for (Map.Entry<String, String> e : h) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("host")
                    && !name.equals(HeaderNames.X_REQUEST_ID.toString())
                    && !name.equals("connection")
                    && !name.equals("keep-alive")
                    && !name.equals("te")
                    && !name.equals("transfer-encoding")
                    && !name.equals("upgrade")) {
                headers.add(new HeaderEntry(name, e.getValue()));
            }
        }
        headers.addAll(control);
        headers.add(new HeaderEntry(HeaderNames.X_REQUEST_ID.toString(), log.requestId));
        ExternalPickCall call =
                pickers.pick(pool, ext, new ExternalPickRequest(log.requestId, headers, ByteBufUtil.getBytes(body)));
        return new Plan.External(call, (decision, error) -> {
            if (error != null) {
                return failed(pool, ext, error, body, filters, scanned, random);
            }
            return switch (decision) {
                case ExternalDecision.Immediate im -> immediate(ext, im, alloc);
                case ExternalDecision.Route r ->
                    route(pool, ext, r, call, request, filters, scanned, body, log, random, alloc, scanner);
            };
        });
    }

    private static Plan failed(
            PoolRuntime pool,
            PickerRef.External ext,
            Throwable error,
            ByteBuf body,
            List<HttpRoute.Filter> filters,
            ScannedRequest scanned,
            RandomGenerator random) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean malformed = cause instanceof ExternalPickerException e && e.malformed();
        String message = cause instanceof ExternalPickerException
                ? cause.getMessage()
                : cause instanceof CancellationException
                        ? "endpoint picker " + ext.name() + ": call cancelled"
                        : "endpoint picker " + ext.name() + " failed: " + cause;
        return RequestRouter.failureMode(
                pool,
                ext.failureMode(),
                malformed ? ErrorCode.PICKER_MALFORMED : ErrorCode.PICKER_UNAVAILABLE,
                message,
                body,
                filters,
                scanned,
                random);
    }

    private static Plan immediate(PickerRef.External ext, ExternalDecision.Immediate im, ByteBufAllocator alloc) {
        int status = im.status();
        String message =
                im.message().isBlank() ? "endpoint picker " + ext.name() + " answered " + status : im.message();
        if (status == 429) {
            throw new ProxyException(ErrorCode.SHED, 429, message);
        }
        if (status >= 400 && status < 500) {
            throw new ProxyException(ErrorCode.PICKER_REJECTED, status, message);
        }
        if (status >= 500 && status <= 599) {
            throw new ProxyException(ErrorCode.PICKER_UNAVAILABLE, status, message);
        }
        // not an error status: pass the picker's answer on as it is
        byte[] text = im.message().getBytes(StandardCharsets.UTF_8);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status),
                alloc.buffer(text.length).writeBytes(text));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length);
        return new Plan.Answer(r);
    }

    private static Plan route(
            PoolRuntime pool,
            PickerRef.External ext,
            ExternalDecision.Route r,
            ExternalPickCall call,
            HttpRequest request,
            List<HttpRoute.Filter> filters,
            ScannedRequest scanned,
            ByteBuf body,
            RequestLog log,
            RandomGenerator random,
            ByteBufAllocator alloc,
            OpenAiRequestScanner scanner) {
        List<String> listed;
        try {
            listed = parseDestinations(r.destination());
        } catch (IllegalArgumentException e) {
            return RequestRouter.failureMode(
                    pool,
                    ext.failureMode(),
                    ErrorCode.PICKER_MALFORMED,
                    "endpoint picker "
                            + ext.name() + " returned a malformed x-gateway-destination-endpoint \"" + r.destination()
                            + "\": " + e.getMessage(),
                    body,
                    filters,
                    scanned,
                    random);
        }
        if (listed.isEmpty()) {
            return RequestRouter.failureMode(
                    pool,
                    ext.failureMode(),
                    ErrorCode.PICKER_UNAVAILABLE,
                    "endpoint picker " + ext.name() + " returned no endpoint",
                    body,
                    filters,
                    scanned,
                    random);
        }
        Map<String, Endpoint> byHostPort = new HashMap<>();
        for (Endpoint e : pool.snapshot().endpoints()) {
            byHostPort.put(e.hostPort(), e);
        }
        List<UpstreamTarget> targets = new ArrayList<>(listed.size());
        for (String hp : listed) {
            Endpoint e = byHostPort.get(hp);
            if (e != null) {
                targets.add(UpstreamTarget.of(e));
            }
        }
        if (targets.isEmpty()) {
            return RequestRouter.failureMode(
                    pool,
                    ext.failureMode(),
                    ErrorCode.PICKER_UNAVAILABLE,
                    "endpoint picker "
                            + ext.name() + " returned no ready endpoint of InferencePool " + pool.id() + " ("
                            + r.destination() + ")",
                    body,
                    filters,
                    scanned,
                    random);
        }
        HttpHeaders h = request.headers();
        for (HeaderEntry set : r.setHeaders()) {
            String name = set.name().toLowerCase(Locale.ROOT);
            if (!name.startsWith(":")
                    && !NOT_FORWARDED.contains(name)
                    && !name.startsWith(HeaderNames.DESTINATION_ENDPOINT_PREFIX)) {
                h.set(name, set.value());
            }
        }
        EncodedModelName upstream = null;
        EncodedModelName client = null;
        ByteBuf out = body;
        if (r.body() != null) {
            if (scanned != null && scanned.hasModel()) {
                String newModel = modelOf(r.body(), scanner);
                if (newModel != null && !newModel.equals(scanned.model())) {
                    upstream = EncodedModelName.of(newModel);
                    client = EncodedModelName.of(scanned.model());
                    log.targetModel = newModel;
                }
            }
            out = alloc.heapBuffer(r.body().length).writeBytes(r.body());
            body.release();
        }
        return new Plan.Forward(
                targets,
                out,
                upstream,
                client,
                filters,
                TokenEstimate.promptTokens(TokenEstimate.promptBytes(scanned)),
                TokenEstimate.outputTokens(scanned),
                null,
                call,
                RetryRule.DEFAULT);
    }

    private static String modelOf(byte[] body, OpenAiRequestScanner scanner) {
        try {
            ScannedRequest s = scanner.scan(body);
            return s.hasModel() ? s.model() : null;
        } catch (BadRequestBodyException e) {
            return null; // not ours to judge: the model server answers it
        }
    }

    /**
     * The endpoints of an {@code x-gateway-destination-endpoint} value, in order and without duplicates, each
     * spelled as {@link Endpoint#hostPort()} spells it ({@code ip:port}, IPv6 in brackets).
     *
     * @throws IllegalArgumentException for an entry that is not {@code host:port} with a port in 1..65535
     */
    static List<String> parseDestinations(String value) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : value.split(",", -1)) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                if (value.isBlank()) {
                    break;
                }
                throw new IllegalArgumentException("empty entry");
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: ip:port)");
            }
            String host = entry.substring(0, colon);
            if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: an IPv6 address in brackets)");
            }
            int port;
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: a numeric port)");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("\"" + entry + "\" (expected: a port in 1..65535)");
            }
            out.add(host + ":" + port);
        }
        return List.copyOf(out);
    }
}
