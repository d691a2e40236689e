package io.infergate.gateway.http;

import io.infergate.gateway.EdgeLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * Tells HTTP/2 with prior knowledge (h2c, RFC 9113 §3.3) from HTTP/1.1 on a cleartext listener by the first bytes:
 * the 24-byte connection preface {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n} means HTTP/2, the first byte that differs
 * from it means HTTP/1.1. It consumes nothing: on removal the bytes seen so far pass on to the chosen pipeline,
 * whose own codec reads them (the HTTP/2 codec validates the preface itself).
 *
 * <p>An HTTP/1.1 {@code Upgrade: h2c} request is not taken up (RFC 9113 deprecates it); it is served as HTTP/1.1,
 * which the upgrade mechanism allows. One per connection; event-loop confined.
 */
public final class CleartextVersionDetector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final HttpPipelines pipelines;
    private final EdgeLimits limits;

    /** @param limits the connection's limits ({@code ListenerGroup.limits}) */
    public CleartextVersionDetector(HttpPipelines pipelines, EdgeLimits limits) {
        this.pipelines = pipelines;
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int prefaceLength = PREFACE.readableBytes();
        int n = Math.min(in.readableBytes(), prefaceLength);
        boolean matches = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n);
        if (matches && n < prefaceLength) {
            return; // a prefix of the preface so far: wait for more bytes
        }
        if (matches) {
            pipelines.http2(ctx.pipeline(), limits);
        } else {
            pipelines.http1(ctx.pipeline(), limits);
        }
        ctx.pipeline().remove(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (PreVersionEvents.closesConnection(evt)) {
            ctx.close(); // idle or draining before the first request: nothing to finish
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
