package io.infergate.gateway.proxy;

import io.infergate.api.model.HttpRoute;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.scheduler.openai.ModelNameRestorer;
import io.infergate.scheduler.pick.Lease;
import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The response on its way to the client: rewrites the upstream's headers for the client's hop, restores the
 * client's model name in the body (when the plan rewrote it), counts tokens and the first token's time, and
 * writes without flushing; the owning {@link ProxyExchange} flushes per read batch ({@link #takeLastWrite}).
 *
 * <p>One per exchange, called only on the exchange's event loop. It takes ownership of every message handed to it
 * (written on, or released). It never decides what happens next: it reports, and the exchange acts.
 */
final class ResponseRelay {

    private final ChannelHandlerContext client;
    private final ProxyRuntime rt;
    private final RequestLog record;
    private final Plan.Forward plan;
    private final boolean clientKeepAlive;
    private final RestoringSink restoring; // null when the plan did not rewrite the model name
    private final TokenCounter tokens = new TokenCounter();

    private boolean chunkedToClient;
    private boolean upstreamKeepAlive;
    private boolean sse;
    private ChannelFuture lastWrite;

    ResponseRelay(
            ChannelHandlerContext client,
            ProxyRuntime rt,
            RequestLog record,
            Plan.Forward plan,
            boolean clientKeepAlive) {
        this.client = client;
        this.rt = rt;
        this.record = record;
        this.plan = plan;
        this.clientKeepAlive = clientKeepAlive;
        this.restoring = plan.upstreamModel() == null
                ? null
                : new RestoringSink(new ModelNameRestorer(plan.upstreamModel(), plan.clientModel()), client.alloc());
    }

    /**
     * Writes the final response's headers, rewritten for the client: hop-by-hop headers dropped, the body
     * re-framed as chunks when its length may change or was close-delimited, {@code connection: close} when the
     * client connection ends after it, the request id, the picker's scores and header mutations (never framing
     * ones), the route's response filters.
     */
    void start(HttpResponse resp, List<HeaderEntry> pickerHeaders) {
        HttpHeaders h = resp.headers();
        upstreamKeepAlive = HttpUtil.isKeepAlive(resp);
        boolean chunked = HttpUtil.isTransferEncodingChunked(resp);
        String type = h.get(HttpHeaderNames.CONTENT_TYPE);
        sse = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
        ProxyHeaders.removeHopByHop(h);
        if (restoring != null || (!chunked && !h.contains(HttpHeaderNames.CONTENT_LENGTH))) {
            // the restored body may change length; a close-delimited body is re-framed as chunks
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
            chunked = true;
        }
        if (chunked) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        chunkedToClient = chunked;
        if (!clientKeepAlive || rt.isDraining()) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (!h.contains(HeaderNames.X_REQUEST_ID)) {
            h.set(HeaderNames.X_REQUEST_ID, record.requestId);
        }
        if (plan.scores() != null) {
            h.set(HeaderNames.SCORES, plan.scores());
        }
        for (HeaderEntry set : pickerHeaders) {
            String name = set.name();
            if (!name.startsWith(":")
                    && !name.equalsIgnoreCase("content-length")
                    && !name.equalsIgnoreCase("transfer-encoding")
                    && !name.equalsIgnoreCase("connection")) {
                h.set(name, set.value());
            }
        }
        ProxyHeaders.applyFilters(h, plan.filters(), HttpRoute.FilterType.RESPONSE_HEADER_MODIFIER);
        resp.setProtocolVersion(HttpVersion.HTTP_1_1);
        record.status = resp.status().code();
        // a decoder never produces a FullHttpResponse, but an aggregating test pipeline might
        write(resp instanceof HttpContent ? new DefaultHttpResponse(resp.protocolVersion(), resp.status(), h) : resp);
    }

    /**
     * Writes one body chunk (restored when needed), counting its tokens; the first byte of an event stream is its
     * first token, which tells {@code lease} the prompt no longer loads the endpoint. Returns whether the chunk
     * was the last.
     */
    boolean forward(HttpContent c, Lease lease) {
        ByteBuf content = c.content();
        boolean last = c instanceof LastHttpContent;
        if (content.isReadable()) {
            tokens.feed(content);
            // only a stream's first byte is a first token; a JSON body comes after generation ended, so its first
            // byte would report the whole latency as TTFT and make GatewayMetrics' TPOT (duration - ttft) near 0
            if (sse && record.ttftNanos < 0) {
                record.ttftNanos = rt.nanoTime() - record.startNanos;
                if (lease != null) {
                    lease.firstToken();
                }
            }
        }
        if (restoring == null) {
            write(c);
            return last;
        }
        ByteBuf out = restoring.restore(content, last);
        HttpContent rewritten;
        if (last) {
            DefaultLastHttpContent l = new DefaultLastHttpContent(out);
            l.trailingHeaders().set(((LastHttpContent) c).trailingHeaders());
            rewritten = l;
        } else {
            rewritten = new DefaultHttpContent(out);
        }
        c.release();
        write(rewritten);
        return last;
    }

    /** The future of the last write since the previous call, or null when nothing was written. */
    ChannelFuture takeLastWrite() {
        ChannelFuture f = lastWrite;
        lastWrite = null;
        return f;
    }

    /** Whether the upstream connection may go back to the pool once the response completed. */
    boolean upstreamKeepAlive() {
        return upstreamKeepAlive;
    }

    /**
     * Ends a response that cannot be completed as cleanly as its framing allows: a chunked body gets what the
     * restorer held, an SSE {@code error} event for an event stream, and its last chunk; anything else is only
     * flushed (the caller closes the connection, which ends a close-delimited or length-framed body short).
     */
    void cut() {
        if (!chunkedToClient) {
            client.flush();
            return;
        }
        if (restoring != null) {
            ByteBuf held = restoring.finish();
            if (held.isReadable()) {
                client.write(new DefaultHttpContent(held));
            } else {
                held.release();
            }
        }
        if (sse) {
            byte[] event = ("\n\ndata: "
                            + new String(
                                    ErrorResponses.json(
                                            "the model server connection was lost" + " mid-stream",
                                            ErrorCode.UPSTREAM_FAILED.type(),
                                            ErrorCode.UPSTREAM_FAILED.code()),
                                    StandardCharsets.UTF_8)
                            + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
            client.write(
                    new DefaultHttpContent(client.alloc().buffer(event.length).writeBytes(event)));
        }
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /** Copies the token counts into the record, at the end. */
    void recordTokens() {
        record.promptTokens = tokens.promptTokens();
        record.completionTokens = tokens.completionTokens();
    }

    private void write(Object msg) {
        lastWrite = client.write(msg);
    }
}
