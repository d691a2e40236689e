package io.infergate.gateway.http;

import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.EdgeRefusals;
import io.infergate.gateway.ThrottledLog;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's HTTP/2 frame codec, with the refusal of a stream over {@code SETTINGS_MAX_CONCURRENT_STREAMS} made quiet
 * and counted: the codec answers such a HEADERS frame with {@code RST_STREAM(REFUSED_STREAM)} (RFC 9113 §5.1.2)
 * but logs a warning with a stack trace per refused stream, which a client could turn into a log flood. Here the
 * same reset is sent and one {@link ThrottledLog} line per interval says how often it happened. Every other error
 * goes to the codec unchanged. One per connection; event-loop confined.
 */
final class StreamCapCodec extends Http2FrameCodec {

    private static final Logger log = LoggerFactory.getLogger(StreamCapCodec.class);
    private static final ThrottledLog refusalLog = new ThrottledLog(log);

    private final int maxStreams;
    private final EdgeRefusals refusals;

    private StreamCapCodec(
            Http2ConnectionEncoder encoder,
            Http2ConnectionDecoder decoder,
            Http2Settings settings,
            boolean decoupleCloseAndGoAway,
            boolean flushPreface,
            int maxStreams,
            EdgeRefusals refusals) {
        super(encoder, decoder, settings, decoupleCloseAndGoAway, flushPreface);
        this.maxStreams = maxStreams;
        this.refusals = refusals;
    }

    @Override
    public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
        Http2Exception e = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (!outbound
                && e instanceof Http2Exception.StreamException se
                && se.error() == Http2Error.REFUSED_STREAM
                && connection().stream(se.streamId()) == null) {
            refusals.refused(EdgeRefusals.Reason.TOO_MANY_STREAMS);
            refusalLog.warn("HTTP/2 clients opened more than " + maxStreams + " concurrent streams on a connection ("
                    + EdgeLimits.MAX_CONCURRENT_STREAMS_FLAG + "), or streams on a closing connection: refused with"
                    + " RST_STREAM(REFUSED_STREAM)");
            resetStream(ctx, se.streamId(), Http2Error.REFUSED_STREAM.code(), ctx.newPromise());
            return;
        }
        super.onError(ctx, outbound, cause);
    }

    /**
     * The server-side builder; {@code maxStreams} is the value of the initial settings, for the log line; each refused
     * stream counts in {@code refusals}.
     */
    static final class Builder extends Http2FrameCodecBuilder {

        private final int maxStreams;
        private final EdgeRefusals refusals;

        Builder(int maxStreams, EdgeRefusals refusals) {
            this.maxStreams = maxStreams;
            this.refusals = refusals;
            server(true);
        }

        @Override
        protected Http2FrameCodec build(
                Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings initialSettings) {
            StreamCapCodec codec = new StreamCapCodec(
                    encoder, decoder, initialSettings, decoupleCloseAndGoAway(), flushPreface(), maxStreams, refusals);
            codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
            return codec;
        }
    }
}
