package io.infergate.gateway.admin;

import io.infergate.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one aggregated admin request at a time on the admin event loop, for the source's {@link AdminRoute}s
 * (read once, when the server starts). Only {@code GET} (and {@code HEAD}, which answers the same headers without
 * a body) is allowed; other methods get 405 with {@code Allow}, unknown paths (and routes the source does not
 * serve) 404. The query string is ignored. A failure while rendering is a 500 with the message (and a log line),
 * never a dropped connection.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final AsciiString JSON = AsciiString.cached("application/json; charset=utf-8");
    private static final AsciiString TEXT = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString PROMETHEUS = AsciiString.cached(GatewayMetrics.contentType());

    private final AdminSource source;
    private final Set<AdminRoute> routes;
    /** The 404 hint, e.g. {@code /api/config, /api/pools, /healthz, /metrics, /readyz}. */
    private final String paths;

    AdminHandler(AdminSource source, Set<AdminRoute> routes) {
        this.source = source;
        this.routes = routes;
        this.paths =
                String.join(", ", routes.stream().map(AdminRoute::path).sorted().toList());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        boolean head = HttpMethod.HEAD.equals(req.method());
        if (!req.decoderResult().isSuccess()) {
            send(ctx, HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n", false, false);
            return;
        }
        AdminRoute route = AdminRoute.of(path).filter(routes::contains).orElse(null);
        if (route == null) {
            send(
                    ctx,
                    HttpResponseStatus.NOT_FOUND,
                    TEXT,
                    "not found: " + path + " (try " + paths + ")\n",
                    keepAlive,
                    head);
            return;
        }
        if (!HttpMethod.GET.equals(req.method()) && !head) {
            FullHttpResponse res = response(
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    TEXT,
                    "method not allowed: " + req.method() + " (expected: GET)\n",
                    false);
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            write(ctx, res, keepAlive);
            return;
        }
        try {
            switch (route) {
                case METRICS -> send(ctx, HttpResponseStatus.OK, PROMETHEUS, source.metrics(), keepAlive, head);
                case HEALTHZ -> {
                    boolean up = source.running();
                    send(
                            ctx,
                            up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            TEXT,
                            up ? "ok\n" : "not running\n",
                            keepAlive,
                            head);
                }
                case READYZ -> {
                    Readiness r = source.readiness();
                    send(
                            ctx,
                            r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                            TEXT,
                            r.reason() + "\n",
                            keepAlive,
                            head);
                }
                case POOLS -> send(ctx, HttpResponseStatus.OK, JSON, AdminJson.pools(source), keepAlive, head);
                case CONFIG -> send(ctx, HttpResponseStatus.OK, JSON, AdminJson.config(source), keepAlive, head);
            }
        } catch (RuntimeException e) {
            log.warn("admin {} failed", path, e);
            send(
                    ctx,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    JSON,
                    AdminJson.message("error", String.valueOf(e)),
                    keepAlive,
                    head);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset admin connection is not worth more than a debug line
        log.debug("admin connection failed", cause);
        ctx.close();
    }

    private static void send(
            ChannelHandlerContext ctx,
            HttpResponseStatus status,
            AsciiString type,
            String body,
            boolean keepAlive,
            boolean head) {
        write(ctx, response(status, type, body, head), keepAlive);
    }

    private static FullHttpResponse response(HttpResponseStatus status, AsciiString type, String body, boolean head) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return res;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
