package io.infergate.simulator.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON in and out of Netty buffers with one shared Jackson mapper: request bodies are parsed straight from
 * the {@link ByteBuf}, responses are generated straight into a pooled one.
 *
 * <p>Threading: safe from any thread (Jackson mappers are thread-safe once configured).
 */
public final class Json {

    /**
     * The shared mapper; unknown properties fail, so admin typos are reported instead of ignored (Jackson 3
     * ignores them by default; null-for-primitive and trailing tokens already fail there, stated for the reader).
     */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private Json() {}

    /** Writes one JSON value with a generator. */
    @FunctionalInterface
    public interface Writer {
        void write(JsonGenerator g);
    }

    /**
     * Parses a request body.
     *
     * @throws ApiException 400 when the body is empty or not JSON, with Jackson's description of where
     */
    public static JsonNode parse(ByteBuf body) {
        if (!body.isReadable()) {
            throw new ApiException(ApiError.badRequest("JSON decode error: the request body is empty"));
        }
        try (ByteBufInputStream in = new ByteBufInputStream(body.duplicate())) {
            JsonNode node = MAPPER.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw new ApiException(ApiError.badRequest("JSON decode error: the request body is empty"));
            }
            return node;
        } catch (JacksonException | IOException e) {
            throw new ApiException(ApiError.badRequest("JSON decode error: " + firstLine(e.getMessage())));
        }
    }

    /** A buffer holding the JSON {@code writer} produces. The caller owns (and must release) the result. */
    public static ByteBuf write(ByteBufAllocator alloc, Writer writer) {
        return write(alloc, writer, false);
    }

    /** A buffer holding one server-sent event, {@code data: <json>\n\n}. The caller owns the result. */
    public static ByteBuf sseEvent(ByteBufAllocator alloc, Writer writer) {
        return write(alloc, writer, true);
    }

    /** A buffer holding a server-sent event with a literal payload, e.g. {@code [DONE]}. */
    public static ByteBuf sseLiteral(ByteBufAllocator alloc, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(DATA.length + p.length + EVENT_END.length);
        return buf.writeBytes(DATA).writeBytes(p).writeBytes(EVENT_END);
    }

    private static ByteBuf write(ByteBufAllocator alloc, Writer writer, boolean sse) {
        ByteBuf buf = alloc.buffer(256);
        boolean ok = false;
        try {
            if (sse) {
                buf.writeBytes(DATA);
            }
            try (JsonGenerator g =
                    MAPPER.createGenerator((OutputStream) new ByteBufOutputStream(buf), JsonEncoding.UTF8)) {
                writer.write(g);
            }
            if (sse) {
                buf.writeBytes(EVENT_END);
            }
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed JSON";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
