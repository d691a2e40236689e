package io.infergate.gateway.proxy;

import io.infergate.api.model.HttpRoute;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * Header rewriting at the proxy's hop: hop-by-hop headers out, route filters in. Stateless; any thread; inputs
 * are trusted (a client's headers are only ever copied, removed or overwritten, never interpreted here).
 */
final class ProxyHeaders {

    private ProxyHeaders() {}

    /** The headers a request is sent upstream with: the client's, less hop-by-hop ones, plus the route's filters. */
    static HttpHeaders upstreamRequest(HttpRequest request, Plan.Forward plan, String requestId) {
        HttpHeaders h = request.headers().copy();
        removeHopByHop(h);
        h.remove(HttpHeaderNames.EXPECT);
        h.set(HeaderNames.X_REQUEST_ID, requestId);
        int length = plan.body().readableBytes();
        HttpMethod m = request.method();
        if (length > 0 || HttpMethod.POST.equals(m) || HttpMethod.PUT.equals(m) || HttpMethod.PATCH.equals(m)) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        } else {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        applyFilters(h, plan.filters(), HttpRoute.FilterType.REQUEST_HEADER_MODIFIER);
        return h;
    }

    /** Applies the header modifiers of {@code type} among {@code filters}, in order. */
    static void applyFilters(HttpHeaders h, List<HttpRoute.Filter> filters, HttpRoute.FilterType type) {
        for (HttpRoute.Filter f : filters) {
            if (f.type() != type) {
                continue;
            }
            f.headers().set().forEach(x -> h.set(x.name(), x.value()));
            f.headers().add().forEach(x -> h.add(x.name(), x.value()));
            f.headers().remove().forEach(h::remove);
        }
    }

    /** Removes connection-scoped headers (RFC 9110 §7.6.1), including those the Connection header names. */
    static void removeHopByHop(HttpHeaders h) {
        for (String c : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : c.split(",")) {
                String name = token.trim();
                if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")) {
                    h.remove(name);
                }
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_CONNECTION);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.UPGRADE);
    }
}
