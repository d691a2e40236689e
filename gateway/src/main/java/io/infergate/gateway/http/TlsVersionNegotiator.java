package io.infergate.gateway.http;

import io.infergate.gateway.EdgeLimits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the HTTP version of a TLS connection from ALPN once the handshake is done: {@code h2} gets the HTTP/2
 * pipeline, {@code http/1.1} or no ALPN at all gets HTTP/1.1. A failed handshake closes the connection (logged at
 * debug by Netty's handler; a port scanner or a client that distrusts our certificate is not an error of ours).
 * One per connection; event-loop confined.
 */
public final class TlsVersionNegotiator extends ApplicationProtocolNegotiationHandler {

    private static final Logger log = LoggerFactory.getLogger(TlsVersionNegotiator.class);

    private final HttpPipelines pipelines;
    private final EdgeLimits limits;

    /** @param limits the connection's limits ({@code ListenerGroup.limits}) */
    public TlsVersionNegotiator(HttpPipelines pipelines, EdgeLimits limits) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.pipelines = pipelines;
        this.limits = limits;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            pipelines.http2(ctx.pipeline(), limits);
        } else {
            pipelines.http1(ctx.pipeline(), limits);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: TLS handshake failed: {}", ctx.channel(), cause.toString());
        ctx.close();
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
