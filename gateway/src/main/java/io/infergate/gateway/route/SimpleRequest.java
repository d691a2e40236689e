package io.infergate.gateway.route;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RequestView} over plain values, for tests, tools and the policy lab. Immutable.
 *
 * @param headers keyed by lower-case name (the constructor lower-cases the keys it is given)
 */
public record SimpleRequest(String method, String path, String host, Map<String, String> headers, QueryParams query)
        implements RequestView {

    public SimpleRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(query, "query");
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), v, (a, b) -> a + "," + b));
        headers = Map.copyOf(lower);
    }

    /**
     * A request from a request target ({@code /path?query}), a host and header name/value pairs.
     *
     * @throws IllegalArgumentException if {@code headerPairs} has an odd length
     */
    public static SimpleRequest of(String method, String target, String host, String... headerPairs) {
        if (headerPairs.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "headerPairs: " + headerPairs.length + " strings (expected: name, value pairs)");
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.merge(headerPairs[i].toLowerCase(Locale.ROOT), headerPairs[i + 1], (a, b) -> a + "," + b);
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        QueryParams query = q < 0 ? QueryParams.empty() : QueryParams.parse(target.substring(q + 1));
        return new SimpleRequest(method, path, host, headers, query);
    }

    @Override
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    @Override
    public String queryParam(String name) {
        return query.get(name);
    }
}
