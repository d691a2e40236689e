package io.infergate.gateway.admin;

import java.util.Optional;

/**
 * The paths the admin server can answer. A source chooses which it serves ({@link AdminSource#routes()}):
 * {@code infergate serve} serves all of them, {@code infergate epp} all but {@link #CONFIG} (a picker has no
 * listeners or routes to show). Immutable.
 */
public enum AdminRoute {
    /** Prometheus text of {@link AdminSource#metrics()}. */
    METRICS("/metrics"),
    /** 200 while {@link AdminSource#running()}, else 503. */
    HEALTHZ("/healthz"),
    /** 200 when {@link AdminSource#readiness()} says ready, else 503 with the reasons. */
    READYZ("/readyz"),
    /** JSON: the pools, their endpoints, in-flight load and scraped metrics. */
    POOLS("/api/pools"),
    /** JSON: configuration sources, last reload, listeners, routes. */
    CONFIG("/api/config");

    private final String path;

    AdminRoute(String path) {
        this.path = path;
    }

    /** The request path, e.g. {@code /metrics}. */
    public String path() {
        return path;
    }

    /** The route of an exact request path (no query string); empty for anything else. */
    public static Optional<AdminRoute> of(String path) {
        for (AdminRoute r : values()) {
            if (r.path.equals(path)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
