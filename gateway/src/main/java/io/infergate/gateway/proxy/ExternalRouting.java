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
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pipeline.Decision;
import io.infergate.scheduler.pipeline.ParsedRequest;
import io.infergate.scheduler.pipeline.PickerAnswers;
import io.infergate.scheduler.pipeline.PickerProtocol;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * {@code serve}'s adapter for a pool with an external endpoint picker, as an Envoy data plane runs it: send the
 * request to the picker ({@link ExternalPickers}) and read its answer off the wire; what the answer means is the
 * pipeline's ({@link PickerAnswers}: the pool's endpoints in the picker's order, the body edit, the refusal table,
 * the failure mode), and the resulting decision becomes a plan through the same {@link RequestRouter#toPlan} as an
 * in-process pick. What is left here is wire work: the headers sent to the picker, the headers it sets on the
 * upstream request (never {@code content-length}, which is recomputed, nor pseudo-headers or endpoint-picker protocol
 * headers), reading the {@code model} of the body it returns, and passing on an {@code ImmediateResponse} whose
 * status is not an error. See {@code docs/endpoint-picker.md} for the behaviour.
 *
 * <p>Stateless; runs on the request's event loop; never blocks.
 */
final class ExternalRouting {

    /** Headers the picker may not set on the upstream request (recomputed, or the protocol's own). */
    private static final Set<String> NOT_FORWARDED =
            Set.of("content-length", "host", "transfer-encoding", "connection");

    private ExternalRouting() {}

    /**
     * Calls the pool's picker; the decision is turned into a plan by the returned plan's {@code resume}.
     *
     * @param candidates the pool's endpoints less those outlier detection holds out, asked when the answer
     *                   arrives: failing open never picks an ejected endpoint (the picker itself chooses freely)
     */
    static Plan.External call(
            ExternalPickers pickers,
            PoolRuntime pool,
            PickerRef.External ext,
            ListenerConfig listener,
            HttpRequest request,
            List<HeaderEntry> control,
            List<HttpRoute.Filter> filters,
            ParsedRequest parsed,
            ByteBuf body,
            RequestLog log,
            ByteBufAllocator alloc,
            OpenAiRequestScanner scanner,
            UnaryOperator<PoolSnapshot> candidates) {
        List<HeaderEntry> headers = new ArrayList<>(request.headers().size() + 8);
        HttpHeaders h = request.headers();
        String authority = h.get(HttpHeaderNames.HOST);
        headers.add(new HeaderEntry(":method", request.method().name()));
        headers.add(new HeaderEntry(":path", request.uri()));
        headers.add(new HeaderEntry(":authority", authority == null ? "" : authority));
        headers.add(new HeaderEntry(":scheme", "HTTPS".equals(listener.protocol()) ? "https" : "http"));
        // what the picker sees of the client's headers is what an upstream would: the same hop-by-hop rule
        HttpHeaders sent = h.copy();
        ProxyHeaders.removeHopByHop(sent);
        sent.remove(HttpHeaderNames.HOST);
        sent.remove(HeaderNames.X_REQUEST_ID);
        for (Map.Entry<String, String> e : sent) {
            headers.add(new HeaderEntry(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        }
        headers.addAll(control);
        headers.add(new HeaderEntry(HeaderNames.X_REQUEST_ID.toString(), log.requestId));
        ExternalPickCall call =
                pickers.pick(pool, ext, new ExternalPickRequest(log.requestId, headers, ByteBufUtil.getBytes(body)));
        int fallback = RetryRule.DEFAULT.maxAttempts();
        ScannedRequest scanned = parsed.scanned();
        return new Plan.External(call, (decision, error) -> {
            if (error != null) {
                Decision failed = PickerAnswers.failed(
                        parsed,
                        candidates.apply(pool.snapshot()),
                        describe(ext, error),
                        malformed(error),
                        ext.failureMode(),
                        fallback);
                return RequestRouter.toPlan(failed, body, scanned, filters, log, alloc, null, pool);
            }
            return switch (decision) {
                case ExternalDecision.Immediate im -> {
                    Decision.Refuse refuse = PickerAnswers.immediate(ext.name(), im.status(), im.message());
                    yield refuse == null
                            ? passOn(im, alloc)
                            : RequestRouter.toPlan(refuse, body, scanned, filters, log, alloc, null, pool);
                }
                case ExternalDecision.Route r -> {
                    PickerAnswers.Routed routed = PickerAnswers.routed(
                            parsed,
                            pool.snapshot(),
                            candidates.apply(pool.snapshot()),
                            ext.name(),
                            r.destination(),
                            r.body() == null || !parsed.hasModel() ? null : modelOf(r.body(), scanner),
                            r.body(),
                            ext.failureMode(),
                            fallback);
                    if (routed.byPicker()) {
                        setHeaders(request.headers(), r.setHeaders());
                    }
                    yield RequestRouter.toPlan(
                            routed.decision(),
                            body,
                            scanned,
                            filters,
                            log,
                            alloc,
                            routed.byPicker() ? call : null,
                            pool);
                }
            };
        });
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static boolean malformed(Throwable error) {
        return cause(error) instanceof ExternalPickerException e && e.malformed();
    }

    private static String describe(PickerRef.External ext, Throwable error) {
        Throwable cause = cause(error);
        return cause instanceof ExternalPickerException
                ? cause.getMessage()
                : cause instanceof CancellationException
                        ? "endpoint picker " + ext.name() + ": call cancelled"
                        : "endpoint picker " + ext.name() + " failed: " + cause;
    }

    /** The picker's other request headers go to the upstream request, except the ones it may not set. */
    private static void setHeaders(HttpHeaders h, List<HeaderEntry> set) {
        for (HeaderEntry e : set) {
            String name = e.name().toLowerCase(Locale.ROOT);
            if (!name.startsWith(":")
                    && !NOT_FORWARDED.contains(name)
                    && !name.startsWith(PickerProtocol.DESTINATION_ENDPOINT)) {
                h.set(name, e.value());
            }
        }
    }

    /** An {@code ImmediateResponse} whose status is not an error: passed on as it is, as Envoy does. */
    private static Plan passOn(ExternalDecision.Immediate im, ByteBufAllocator alloc) {
        byte[] text = im.message().getBytes(StandardCharsets.UTF_8);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(im.status()),
                alloc.buffer(text.length).writeBytes(text));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length);
        return new Plan.Answer(r);
    }

    private static String modelOf(byte[] body, OpenAiRequestScanner scanner) {
        try {
            ScannedRequest s = scanner.scan(body);
            return s.hasModel() ? s.model() : null;
        } catch (BadRequestBodyException e) {
            return null; // not ours to judge: the model server answers it
        }
    }
}
