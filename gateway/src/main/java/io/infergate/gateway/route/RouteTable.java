package io.infergate.gateway.route;

import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.ManifestSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTPRoutes of one HTTP or HTTPS listener, compiled into an ordered match list. Built once per
 * configuration on the control plane ({@link #compile}); afterwards immutable, so any number of event loops may
 * call {@link #match} at once without locks. {@code match} never blocks and allocates nothing except what
 * {@code java.util.regex} needs for regular-expression conditions, plus one string when the host carries a port
 * or upper-case letters.
 *
 * <h2>Order</h2>
 * The Gateway API precedence, applied exactly:
 * <ol>
 *   <li>by the hostname the request matched: an exact hostname before any wildcard, a longer wildcard before a
 *       shorter one, and routes without hostnames (on a listener without one) last;</li>
 *   <li>under one hostname: Exact path, PathPrefix longest first, RegularExpression (implementation-specific;
 *       last here); then a method condition; then the most header conditions; then the most query
 *       conditions;</li>
 *   <li>remaining ties: the oldest route, then {@code namespace/name} alphabetically, then rule order and match
 *       order within the route.</li>
 * </ol>
 * Hostname precedence decides the order in which rules are tried, not which rules may be tried: a request for
 * {@code a.example.com} that matches no rule of the routes for {@code a.example.com} still goes on to the
 * routes for {@code *.example.com}. {@link #entries()} lists the whole order.
 *
 * <h2>Attachment</h2>
 * A route attaches when a parentRef names the listener's Gateway, its sectionName (if given) names the listener,
 * its port (if given) is the listener's, the listener's allowedRoutes admit the route's kind and namespace, and
 * its hostnames intersect the listener's. It is then served under the intersected hostnames (the more specific
 * of each intersecting pair).
 *
 * <h2>Bad input</h2>
 * The manifests are expected to have passed validation. Anything left over that cannot be served is not fatal:
 * backendRefs that do not resolve become {@link BackendChoice.Reason#INVALID_BACKEND} choices (a 500 for their
 * share of requests). A regular expression that does not compile throws
 * {@link java.util.regex.PatternSyntaxException} from {@code compile}, since the validator reports those.
 */
public final class RouteTable {

    private static final CompiledMatch[] NONE = new CompiledMatch[0];

    private final Map<String, CompiledMatch[]> exactHosts;
    // ".example.com" for "*.example.com", longest first
    private final String[] wildcardSuffixes;
    private final CompiledMatch[][] wildcardMatches;
    private final CompiledMatch[] anyHost;
    private final List<RouteEntry> entries;
    private final List<HttpRoute> routes;

    private RouteTable(
            Map<String, CompiledMatch[]> exactHosts,
            String[] wildcardSuffixes,
            CompiledMatch[][] wildcardMatches,
            CompiledMatch[] anyHost,
            List<RouteEntry> entries,
            List<HttpRoute> routes) {
        this.exactHosts = exactHosts;
        this.wildcardSuffixes = wildcardSuffixes;
        this.wildcardMatches = wildcardMatches;
        this.anyHost = anyHost;
        this.entries = entries;
        this.routes = routes;
    }

    /**
     * Compiles the HTTPRoutes of {@code set} that attach to {@code listener} of {@code gateway}.
     *
     * @throws IllegalArgumentException if the listener is not an HTTP or HTTPS listener
     */
    public static RouteTable compile(ManifestSet set, Gateway gateway, Gateway.Listener listener) {
        if (listener.protocol() == Gateway.Protocol.TCP) {
            throw new IllegalArgumentException(
                    "listener " + listener.name() + ": protocol TCP (expected: HTTP or" + " HTTPS; use TcpRouteTable)");
        }
        List<HttpRoute> attached = new ArrayList<>();
        Map<HttpRoute, List<String>> hostnames = new HashMap<>();
        for (HttpRoute route : set.httpRoutes()) {
            if (!Attachment.attaches(route, route.parentRefs(), gateway, listener)) {
                continue;
            }
            List<String> hosts = Hostnames.effective(listener.hostname(), route.hostnames());
            if (!hosts.isEmpty()) {
                attached.add(route);
                hostnames.put(route, hosts);
            }
        }
        attached.sort(Attachment.ROUTE_RANK);

        Map<String, List<CompiledMatch>> byHost = new LinkedHashMap<>();
        for (int rank = 0; rank < attached.size(); rank++) {
            HttpRoute route = attached.get(rank);
            List<CompiledMatch> compiled = compileRoute(set, route, rank);
            for (String host : hostnames.get(route)) {
                byHost.computeIfAbsent(host, h -> new ArrayList<>()).addAll(compiled);
            }
        }
        return build(byHost, attached);
    }

    private static List<CompiledMatch> compileRoute(ManifestSet set, HttpRoute route, int rank) {
        List<CompiledMatch> out = new ArrayList<>();
        String ns = route.metadata().namespace();
        for (int i = 0; i < route.rules().size(); i++) {
            HttpRoute.Rule rule = route.rules().get(i);
            RouteId id = new RouteId(
                    HttpRoute.KIND, ns, route.metadata().name(), i, rule.name().orElse(""));
            BackendSet backends = BackendSet.compileHttp(rule, set, ns, id.toString());
            Optional<RouteMatch> result = Optional.of(new RouteMatch(id, backends, rule.filters()));
            List<HttpRoute.Match> matches = rule.matches().isEmpty() ? List.of(HttpRoute.Match.ANY) : rule.matches();
            for (int j = 0; j < matches.size(); j++) {
                out.add(new CompiledMatch(matches.get(j), rank, i, j, result));
            }
        }
        return out;
    }

    private static RouteTable build(Map<String, List<CompiledMatch>> byHost, List<HttpRoute> attached) {
        Map<String, CompiledMatch[]> exact = new HashMap<>();
        List<String> exactOrder = new ArrayList<>();
        List<String> wildcards = new ArrayList<>();
        CompiledMatch[] any = NONE;
        for (Map.Entry<String, List<CompiledMatch>> e : byHost.entrySet()) {
            e.getValue().sort(CompiledMatch.PRECEDENCE);
            String host = e.getKey();
            if (host.equals(Hostnames.ANY)) {
                any = e.getValue().toArray(NONE);
            } else if (Hostnames.isWildcard(host)) {
                wildcards.add(host);
            } else {
                exact.put(host, e.getValue().toArray(NONE));
                exactOrder.add(host);
            }
        }
        // a host can match only one exact name and one wildcard per length, so this order is total where it counts
        Comparator<String> longestFirst =
                Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder());
        exactOrder.sort(longestFirst);
        wildcards.sort(longestFirst);
        String[] suffixes = new String[wildcards.size()];
        CompiledMatch[][] wildcardMatches = new CompiledMatch[wildcards.size()][];
        for (int i = 0; i < wildcards.size(); i++) {
            suffixes[i] = wildcards.get(i).substring(1);
            wildcardMatches[i] = byHost.get(wildcards.get(i)).toArray(NONE);
        }

        List<RouteEntry> entries = new ArrayList<>();
        for (String host : exactOrder) {
            addEntries(entries, host, exact.get(host));
        }
        for (int i = 0; i < wildcards.size(); i++) {
            addEntries(entries, wildcards.get(i), wildcardMatches[i]);
        }
        addEntries(entries, Hostnames.ANY, any);
        return new RouteTable(
                Map.copyOf(exact), suffixes, wildcardMatches, any, List.copyOf(entries), List.copyOf(attached));
    }

    private static void addEntries(List<RouteEntry> out, String host, CompiledMatch[] matches) {
        for (CompiledMatch m : matches) {
            out.add(new RouteEntry(host, m.result.orElseThrow().route(), m.matchIndex, m.source));
        }
    }

    /**
     * The rule that serves this request, or empty when none does (the caller answers 404). The returned
     * {@code Optional} is shared, not allocated per call.
     */
    public Optional<RouteMatch> match(RequestView request) {
        String host = Hostnames.requestHost(request.host());
        CompiledMatch[] exact = exactHosts.get(host);
        if (exact != null) {
            CompiledMatch m = first(exact, request);
            if (m != null) {
                return m.result;
            }
        }
        for (int i = 0; i < wildcardSuffixes.length; i++) {
            String suffix = wildcardSuffixes[i];
            if (host.length() > suffix.length() && host.endsWith(suffix)) {
                CompiledMatch m = first(wildcardMatches[i], request);
                if (m != null) {
                    return m.result;
                }
            }
        }
        CompiledMatch m = first(anyHost, request);
        return m != null ? m.result : Optional.empty();
    }

    private static CompiledMatch first(CompiledMatch[] matches, RequestView request) {
        for (CompiledMatch m : matches) {
            if (m.matches(request)) {
                return m;
            }
        }
        return null;
    }

    /** Every (hostname, route, rule, match) in the order requests try them. */
    public List<RouteEntry> entries() {
        return entries;
    }

    /** The routes attached to the listener, highest rank (oldest) first. */
    public List<HttpRoute> routes() {
        return routes;
    }
}
