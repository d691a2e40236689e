package io.infergate.gateway.route;

import io.infergate.api.model.HttpRoute;
import java.util.Comparator;
import java.util.Optional;

/**
 * One (route, rule, match) ready to test against requests. Immutable; shared by every hostname the route is
 * served under.
 */
final class CompiledMatch {

    /**
     * The Gateway API order among matches under one hostname: Exact path, then PathPrefix by length (longest
     * first), then RegularExpression (its place is implementation-specific; we put it last); then a method
     * condition; then more header conditions; then more query conditions; then the route's rank (oldest, then
     * {@code namespace/name}); then rule order and match order within the route.
     */
    static final Comparator<CompiledMatch> PRECEDENCE = Comparator.comparingInt((CompiledMatch m) -> m.path.typeRank())
            .thenComparing(Comparator.comparingInt((CompiledMatch m) -> m.path.prefixLength())
                    .reversed())
            .thenComparingInt(m -> m.method == null ? 1 : 0)
            .thenComparing(Comparator.comparingInt((CompiledMatch m) -> m.headers.length)
                    .reversed())
            .thenComparing(Comparator.comparingInt((CompiledMatch m) -> m.queries.length)
                    .reversed())
            .thenComparingInt(m -> m.routeRank)
            .thenComparingInt(m -> m.ruleIndex)
            .thenComparingInt(m -> m.matchIndex);

    final HttpRoute.Match source;
    final PathMatcher path;
    final String method;
    final ValueMatcher[] headers;
    final ValueMatcher[] queries;
    final int routeRank;
    final int ruleIndex;
    final int matchIndex;
    final Optional<RouteMatch> result;

    CompiledMatch(HttpRoute.Match source, int routeRank, int ruleIndex, int matchIndex, Optional<RouteMatch> result) {
        this.source = source;
        this.path = PathMatcher.of(source.path());
        this.method = source.method().map(Enum::name).orElse(null);
        this.headers = ValueMatcher.compile(source.headers(), true);
        this.queries = ValueMatcher.compile(source.queryParams(), false);
        this.routeRank = routeRank;
        this.ruleIndex = ruleIndex;
        this.matchIndex = matchIndex;
        this.result = result;
    }

    boolean matches(RequestView request) {
        if (!path.matches(request.path())) {
            return false;
        }
        if (method != null && !method.equals(request.method())) {
            return false;
        }
        for (ValueMatcher h : headers) {
            if (!h.matches(request.header(h.name()))) {
                return false;
            }
        }
        for (ValueMatcher q : queries) {
            if (!q.matches(request.queryParam(q.name()))) {
                return false;
            }
        }
        return true;
    }
}
