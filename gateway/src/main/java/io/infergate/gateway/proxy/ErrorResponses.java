package io.infergate.gateway.proxy;

import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The one place where an {@link ErrorCode} becomes an HTTP response: status, OpenAI error body
 * {@code {"error":{"message":...,"type":...,"code":...}}}, {@code Retry-After} where {@link ErrorCode#asksToRetryLater} says so (a 429, a queue timeout, an overload),
 * and one log line with the request id. Client errors
 * (4xx) log at debug, gateway and upstream failures (5xx) at warn.
 *
 * <p>Stateless; called on event loops; never blocks.
 */
public final class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {}

    /** The response for a failure with its default status. */
    public static FullHttpResponse of(
            ByteBufAllocator alloc, ErrorCode failure, String message, String requestId, boolean keepAlive) {
        return of(alloc, failure, failure.status(), message, requestId, keepAlive);
    }

    /** The response for a {@link ProxyException}. */
    public static FullHttpResponse of(ByteBufAllocator alloc, ProxyException e, String requestId, boolean keepAlive) {
        return of(alloc, e.failure(), e.status(), e.getMessage(), requestId, keepAlive);
    }

    static FullHttpResponse of(
            ByteBufAllocator alloc,
            ErrorCode failure,
            int status,
            String message,
            String requestId,
            boolean keepAlive) {
        if (status >= 500) {
            log.warn("request {}: {} {} ({})", requestId, status, message, failure.code());
        } else {
            log.debug("request {}: {} {} ({})", requestId, status, message, failure.code());
        }
        ByteBuf body = body(alloc, message, failure.type(), failure.code());
        FullHttpResponse r =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (requestId != null) {
            r.headers().set(HeaderNames.X_REQUEST_ID, requestId);
        }
        if (failure.asksToRetryLater(status)) {
            r.headers().setInt(HttpHeaderNames.RETRY_AFTER, ErrorCode.RETRY_AFTER_SECONDS);
        }
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }

    /** The JSON error object as bytes, e.g. for an SSE error event. */
    static byte[] json(String message, String type, String code) {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        return ("{\"error\":{\"message\":\"" + new String(enc.quoteAsCharArray(message)) + "\",\"type\":\"" + type
                        + "\",\"code\":\"" + code + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuf body(ByteBufAllocator alloc, String message, String type, String code) {
        byte[] json = json(message, type, code);
        return alloc.buffer(json.length).writeBytes(json);
    }
}
