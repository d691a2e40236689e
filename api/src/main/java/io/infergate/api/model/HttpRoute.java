package io.infergate.api.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code gateway.networking.k8s.io/v1} HTTPRoute, with the CRD defaults applied: a rule without matches
 * gets one {@code PathPrefix /} match, a match without a path gets {@code PathPrefix /}, header and query
 * matches default to {@code Exact}. Precedence between matches is the gateway's job; the record keeps list
 * order, which is the final tie-breaker the spec uses. Immutable.
 *
 * @param hostnames as written (lower-case DNS names, optionally {@code *.}-prefixed); empty = any host
 */
public record HttpRoute(
        ObjectMeta metadata, Origin origin, List<ParentRef> parentRefs, List<String> hostnames, List<Rule> rules)
        implements Resource {

    public static final String KIND = "HTTPRoute";

    public HttpRoute {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        parentRefs = Copies.list(parentRefs, "parentRefs");
        hostnames = Copies.list(hostnames, "hostnames");
        rules = Copies.list(rules, "rules");
    }

    @Override
    public String apiVersion() {
        return ApiGroups.GATEWAY_V1;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** One rule: any of its matches selects it; its backends share traffic by weight. */
    public record Rule(Optional<String> name, List<Match> matches, List<Filter> filters, List<Backend> backendRefs) {
        public Rule {
            Objects.requireNonNull(name, "name");
            matches = Copies.list(matches, "matches");
            filters = Copies.list(filters, "filters");
            backendRefs = Copies.list(backendRefs, "backendRefs");
        }
    }

    /** A backendRef with its own filters (backend-level filters are parsed like rule filters). */
    public record Backend(BackendRef ref, List<Filter> filters) {
        public Backend {
            Objects.requireNonNull(ref, "ref");
            filters = Copies.list(filters, "filters");
        }
    }

    /** All conditions of one match must hold (AND). */
    public record Match(
            PathMatch path, List<ValueMatch> headers, List<ValueMatch> queryParams, Optional<Method> method) {
        /** The match a rule gets when it declares none: every request. */
        public static final Match ANY = new Match(PathMatch.ROOT, List.of(), List.of(), Optional.empty());

        public Match {
            Objects.requireNonNull(path, "path");
            headers = Copies.list(headers, "headers");
            queryParams = Copies.list(queryParams, "queryParams");
            Objects.requireNonNull(method, "method");
        }
    }

    public record PathMatch(PathType type, String value) {
        public static final PathMatch ROOT = new PathMatch(PathType.PATH_PREFIX, "/");

        public PathMatch {
            Objects.requireNonNull(type, "type");
            Copies.str(value, "value");
        }
    }

    public enum PathType {
        EXACT("Exact"),
        PATH_PREFIX("PathPrefix"),
        REGULAR_EXPRESSION("RegularExpression");

        private final String yaml;

        PathType(String yaml) {
            this.yaml = yaml;
        }

        /** The spelling used in manifests. */
        public String yaml() {
            return yaml;
        }
    }

    /** A header or query-parameter match. Header names match case-insensitively; query names exactly. */
    public record ValueMatch(MatchType type, String name, String value) {
        public ValueMatch {
            Objects.requireNonNull(type, "type");
            Copies.str(name, "name");
            Copies.str(value, "value");
        }
    }

    public enum MatchType {
        EXACT("Exact"),
        REGULAR_EXPRESSION("RegularExpression");

        private final String yaml;

        MatchType(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    public enum Method {
        GET,
        HEAD,
        POST,
        PUT,
        DELETE,
        CONNECT,
        OPTIONS,
        TRACE,
        PATCH
    }

    /**
     * A filter. Only the header modifiers are supported; the loader reports any other filter type as an error
     * naming the supported ones, so a route is never silently served without a filter it asked for.
     */
    public record Filter(FilterType type, HeaderModifier headers) {
        public Filter {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(headers, "headers");
        }
    }

    public enum FilterType {
        REQUEST_HEADER_MODIFIER("RequestHeaderModifier"),
        RESPONSE_HEADER_MODIFIER("ResponseHeaderModifier");

        private final String yaml;

        FilterType(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    /** {@code set} and {@code add} keep order; header names are as written. */
    public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {
        public HeaderModifier {
            set = Copies.list(set, "set");
            add = Copies.list(add, "add");
            remove = Copies.list(remove, "remove");
        }
    }

    public record Header(String name, String value) {
        public Header {
            Copies.str(name, "name");
            Copies.str(value, "value");
        }
    }
}
