package io.infergate.gateway.route;

import io.infergate.api.model.HttpRoute;
import java.util.Objects;

/**
 * One line of a compiled {@link RouteTable}, for the admin API and tests: requests are tried against entries in
 * list order and the first that matches wins. Immutable.
 *
 * @param hostname   the effective hostname (exact, {@code *.}-wildcard, or empty for any host)
 * @param match      the match as declared (after CRD defaulting)
 * @param matchIndex index of the match within its rule
 */
public record RouteEntry(String hostname, RouteId route, int matchIndex, HttpRoute.Match match) {

    public RouteEntry {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(match, "match");
    }
}
