package io.infergate.gateway.proxy;

import io.infergate.gateway.route.QueryParams;
import io.infergate.gateway.route.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * {@link RequestView} over a Netty request's headers. The query string is decoded once, up front. Confined to
 * the event loop that decoded the request.
 */
final class NettyRequestView implements RequestView {

    private final String method;
    private final String path;
    private final HttpHeaders headers;
    private final QueryParams query;

    NettyRequestView(String method, String uri, HttpHeaders headers) {
        this.method = method;
        this.headers = headers;
        int q = uri.indexOf('?');
        this.path = q < 0 ? uri : uri.substring(0, q);
        this.query = q < 0 ? QueryParams.empty() : QueryParams.parse(uri.substring(q + 1));
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String host() {
        String h = headers.get(HttpHeaderNames.HOST);
        return h == null ? "" : h;
    }

    @Override
    public String header(String lowerCaseName) {
        List<String> all = headers.getAll(lowerCaseName);
        if (all.isEmpty()) {
            return null;
        }
        return all.size() == 1 ? all.get(0) : String.join(",", all);
    }

    @Override
    public String queryParam(String name) {
        return query.get(name);
    }
}
