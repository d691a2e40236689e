package io.infergate.gateway.http;

import io.infergate.gateway.EdgeLimits;
import io.infergate.gateway.config.ListenerGroup;
import io.infergate.gateway.proxy.HeaderDeadline;
import io.infergate.gateway.proxy.HttpFrontendHandler;
import io.infergate.gateway.proxy.ProxyRuntime;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one client connection once its HTTP version is known.
 *
 * <p><b>HTTP/1.1</b>: {@code HttpServerCodec} and one {@link HttpFrontendHandler} for the
 * connection. <b>HTTP/2</b>: Netty's frame codec and multiplexer; every stream becomes a child channel with its own
 * {@code Http2StreamFrameToHttpObjectCodec} and {@link HttpFrontendHandler}, so the proxy logic (routing, body
 * limits, model rewriting, streaming with backpressure) is the same code for both versions. Backpressure on HTTP/2
 * is per stream: a response write completes only when the stream's flow-control window let it out, and the
 * upstream is read again only then.
 *
 * <p>Stateless apart from its settings; the methods run on the connection's event loop.
 */
public final class HttpPipelines {

    /**
     * Per-stream receive window. The 64 KiB default would make a 200 KiB prompt wait for WINDOW_UPDATE round trips;
     * the body is buffered whole anyway (bounded by the body limit and the buffered-bytes cap, which count what
     * arrived), so a larger window costs no extra memory.
     */
    static final int INITIAL_WINDOW_BYTES = 1 << 20;
    /** Same budget HTTP/1.1 gets from {@code HttpServerCodec}'s 8 KiB header limit, with room for HPACK framing. */
    static final long MAX_HEADER_LIST_BYTES = 16 * 1024;

    private final ProxyRuntime runtime;
    private final String groupKey;
    private final long idleNanos;
    private final long gracefulShutdownMillis;

    /**
     * @param groupKey the {@link ListenerGroup#key()} of the socket: each request picks its listener from the group
     *                 current when its body is complete
     */
    public HttpPipelines(ProxyRuntime runtime, String groupKey) {
        this.runtime = runtime;
        this.groupKey = groupKey;
        this.idleNanos = runtime.options().idleTimeout().toNanos();
        this.gracefulShutdownMillis = runtime.options().drainTimeout().toMillis();
    }

    /**
     * Sets up a new client connection: the request-header deadline ({@link HeaderDeadline}), TLS for an HTTPS group
     * (the certificate chosen by SNI when listeners share the port), an idle timer over the raw bytes that covers the whole life of the connection, and the handler
     * that chooses the HTTP version, which then appends {@link #http1} or {@link #http2}. The connection's limits
     * are the group's as of its accept ({@link ListenerGroup#limits}: the Gateway annotations over the flags); a
     * reload applies to later connections.
     */
    public void initConnection(Channel ch, ListenerGroup group) {
        EdgeLimits limits = group.limits(runtime.options().limits());
        ChannelPipeline p = ch.pipeline();
        // first, before TLS: the header timeout counts from the accept, and any byte starts the next request
        p.addLast(new HeaderDeadline(limits.requestHeaderTimeout().toNanos(), runtime.refusals()));
        if (group.isHttps()) {
            if (group.listeners().size() == 1) {
                p.addLast(group.first().ssl().orElseThrow().newHandler(ch.alloc()));
            } else {
                p.addLast(new SniHandler(group::sslFor));
            }
        }
        p.addLast(new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
        p.addLast(
                group.isHttps() ? new TlsVersionNegotiator(this, limits) : new CleartextVersionDetector(this, limits));
    }

    /** Appends the HTTP/1.1 handlers. */
    void http1(ChannelPipeline p, EdgeLimits limits) {
        p.addLast(new HttpServerCodec(), new HttpFrontendHandler(runtime, groupKey, false, limits));
    }

    /**
     * Appends the HTTP/2 handlers; the client's connection preface must still be unread. More streams than
     * {@link EdgeLimits#maxConcurrentStreams()} at once are refused with REFUSED_STREAM ({@link StreamCapCodec}).
     */
    void http2(ChannelPipeline p, EdgeLimits limits) {
        int maxConcurrentStreams = limits.maxConcurrentStreams();
        Http2FrameCodec codec = new StreamCapCodec.Builder(maxConcurrentStreams, runtime.refusals())
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(maxConcurrentStreams)
                        .initialWindowSize(INITIAL_WINDOW_BYTES)
                        .maxHeaderListSize(MAX_HEADER_LIST_BYTES))
                .gracefulShutdownTimeoutMillis(gracefulShutdownMillis)
                .build();
        p.addLast(
                new Http2ConnectionGuard(codec.connection()),
                codec,
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline()
                                .addLast(
                                        new Http2StreamFrameToHttpObjectCodec(true),
                                        new HttpFrontendHandler(runtime, groupKey, true, limits));
                    }
                }));
    }
}
