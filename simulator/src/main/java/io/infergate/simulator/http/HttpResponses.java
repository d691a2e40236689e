package io.infergate.simulator.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Builds complete responses. {@link #error(ByteBufAllocator, ApiError)} is the single place where an
 * {@link ApiError} becomes bytes on the wire.
 *
 * <p>Threading: stateless; safe from any thread. Returned responses own their buffers (the caller writes or
 * releases them).
 */
public final class HttpResponses {

    public static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    public static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    public static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream; charset=utf-8");

    private HttpResponses() {}

    /** A response with {@code body} (taken over) and a content length. */
    public static FullHttpResponse of(HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, Json.Writer writer) {
        return of(status, APPLICATION_JSON, Json.write(alloc, writer));
    }

    public static FullHttpResponse text(
            ByteBufAllocator alloc, HttpResponseStatus status, CharSequence contentType, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return of(status, contentType, alloc.buffer(bytes.length).writeBytes(bytes));
    }

    /** An empty 200, what vLLM's {@code /health} answers. */
    public static FullHttpResponse emptyOk() {
        return of(HttpResponseStatus.OK, null, Unpooled.EMPTY_BUFFER);
    }

    /** The OpenAI-shaped error body of {@code e}, with its status (and nothing else). */
    public static FullHttpResponse error(ByteBufAllocator alloc, ApiError e) {
        return json(alloc, HttpResponseStatus.valueOf(e.status()), OpenAiBodies.errorBody(e));
    }

    /**
     * What vLLM's web framework (FastAPI) answers for an unknown path or a wrong method:
     * {@code {"detail": "Not Found"}} / {@code {"detail": "Method Not Allowed"}} (with {@code allow}).
     */
    public static FullHttpResponse routeError(ByteBufAllocator alloc, HttpResponseStatus status, String allow) {
        String detail = status.code() == 405 ? "Method Not Allowed" : "Not Found";
        FullHttpResponse r = json(alloc, status, g -> {
            g.writeStartObject();
            g.writeStringProperty("detail", detail);
            g.writeEndObject();
        });
        if (allow != null) {
            r.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        return r;
    }

    /** Marks a response as the last one on its connection. */
    public static FullHttpResponse closing(FullHttpResponse r) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }
}
