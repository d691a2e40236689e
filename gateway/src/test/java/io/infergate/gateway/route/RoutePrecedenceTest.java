package io.infergate.gateway.route;

import static io.infergate.gateway.route.TestManifests.created;
import static io.infergate.gateway.route.TestManifests.route;
import static io.infergate.gateway.route.TestManifests.served;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Gateway API precedence rules, one tie-breaker per case. In every case the route that should lose is the
 * one every later tie-breaker (age, document order) would favour, so a missing rule makes the case fail.
 */
class RoutePrecedenceTest {

    private static final String H1 = "[{name: x-a, value: '1'}]";
    private static final String H2 = "[{name: x-a, value: '1'}, {name: x-b, value: '2'}]";

    static Stream<Arguments> cases() {
        return Stream.of(
                c(
                        "exact path beats a prefix of the same length",
                        List.of(
                                route("prefix", created(1), null, "[{path: {type: PathPrefix, value: /v1/models}}]"),
                                route("exact", created(2), null, "[{path: {type: Exact, value: /v1/models}}]")),
                        get("/v1/models"),
                        "exact#0"),
                c(
                        "exact path beats a prefix with method and headers",
                        List.of(
                                route(
                                        "prefix",
                                        created(1),
                                        null,
                                        "[{path: {type: PathPrefix, value: /v1}, method: GET, headers: " + H2 + "}]"),
                                route("exact", created(2), null, "[{path: {type: Exact, value: /v1/models}}]")),
                        get("/v1/models", "x-a", "1", "x-b", "2"),
                        "exact#0"),
                c(
                        "longer prefix beats shorter",
                        List.of(
                                route("short", created(1), null, "[{path: {type: PathPrefix, value: /v1}}]"),
                                route("long", created(2), null, "[{path: {type: PathPrefix, value: /v1/chat}}]")),
                        get("/v1/chat/completions"),
                        "long#0"),
                c(
                        "longer prefix outranks method and headers of a shorter one",
                        List.of(
                                route(
                                        "short",
                                        created(1),
                                        null,
                                        "[{path: {type: PathPrefix, value: /v1}, method: GET, headers: " + H1 + "}]"),
                                route("long", created(2), null, "[{path: {type: PathPrefix, value: /v1/chat}}]")),
                        get("/v1/chat", "x-a", "1"),
                        "long#0"),
                c(
                        "prefix beats regular expression (implementation-specific: regex last)",
                        List.of(
                                route(
                                        "regex",
                                        created(1),
                                        null,
                                        "[{path: {type: RegularExpression, value: '/v1/.*'}}]"),
                                route("root", created(2), null, "[{path: {type: PathPrefix, value: /}}]")),
                        get("/v1/models"),
                        "root#0"),
                c(
                        "method match beats no method",
                        List.of(
                                route("any", created(1), null, "[{path: {type: PathPrefix, value: /v1}}]"),
                                route(
                                        "post",
                                        created(2),
                                        null,
                                        "[{path: {type: PathPrefix, value: /v1}, method: POST}]")),
                        post("/v1/completions"),
                        "post#0"),
                c(
                        "a method condition that does not hold falls through",
                        List.of(
                                route("any", created(2), null, "[{path: {type: PathPrefix, value: /v1}}]"),
                                route(
                                        "post",
                                        created(1),
                                        null,
                                        "[{path: {type: PathPrefix, value: /v1}, method: POST}]")),
                        get("/v1/completions"),
                        "any#0"),
                c(
                        "method outranks header count",
                        List.of(
                                route(
                                        "headers",
                                        created(1),
                                        null,
                                        "[{path: {type: PathPrefix, value: /v1}, headers: " + H2 + "}]"),
                                route(
                                        "method",
                                        created(2),
                                        null,
                                        "[{path: {type: PathPrefix, value: /v1}, method: GET}]")),
                        get("/v1", "x-a", "1", "x-b", "2"),
                        "method#0"),
                c(
                        "more header matches win",
                        List.of(
                                route(
                                        "one",
                                        created(1),
                                        null,
                                        "[{path: {type: PathPrefix, value: /}, headers: " + H1 + "}]"),
                                route(
                                        "two",
                                        created(2),
                                        null,
                                        "[{path: {type: PathPrefix, value: /}, headers: " + H2 + "}]")),
                        get("/x", "x-a", "1", "x-b", "2"),
                        "two#0"),
                c(
                        "header count outranks query count",
                        List.of(
                                route(
                                        "query",
                                        created(1),
                                        null,
                                        "[{path: {type: PathPrefix, value: /}, queryParams: [{name: a, value: '1'}, {name: b, value: '2'}]}]"),
                                route(
                                        "header",
                                        created(2),
                                        null,
                                        "[{path: {type: PathPrefix, value: /}, headers: " + H1 + "}]")),
                        get("/x?a=1&b=2", "x-a", "1"),
                        "header#0"),
                c(
                        "more query param matches win",
                        List.of(
                                route(
                                        "one",
                                        created(1),
                                        null,
                                        "[{path: {type: PathPrefix, value: /}, queryParams: [{name: a, value: '1'}]}]"),
                                route(
                                        "two",
                                        created(2),
                                        null,
                                        "[{path: {type: PathPrefix, value: /}, queryParams: [{name: a, value: '1'}, {name: b, value: '2'}]}]")),
                        get("/x?a=1&b=2"),
                        "two#0"),
                c(
                        "oldest route wins a full tie",
                        List.of(
                                route("newer", created(2), null, "[{path: {type: PathPrefix, value: /v1}}]"),
                                route("older", created(1), null, "[{path: {type: PathPrefix, value: /v1}}]")),
                        get("/v1"),
                        "older#0"),
                c(
                        "a route with a timestamp is older than one without",
                        List.of(
                                route("untimed", "", null, "[{path: {type: PathPrefix, value: /v1}}]"),
                                route("timed", created(9), null, "[{path: {type: PathPrefix, value: /v1}}]")),
                        get("/v1"),
                        "timed#0"),
                c(
                        "same timestamp: alphabetical namespace/name",
                        List.of(
                                route("zeta", created(1), null, "[{path: {type: PathPrefix, value: /v1}}]"),
                                route("alpha", created(1), null, "[{path: {type: PathPrefix, value: /v1}}]")),
                        get("/v1"),
                        "alpha#0"),
                c(
                        "no timestamps: document order is creation order",
                        List.of(
                                route("zeta", "", null, "[{path: {type: PathPrefix, value: /v1}}]"),
                                route("alpha", "", null, "[{path: {type: PathPrefix, value: /v1}}]")),
                        get("/v1"),
                        "zeta#0"),
                c(
                        "within a route, the first rule wins a tie",
                        List.of(route(
                                "r",
                                "",
                                null,
                                "[{path: {type: PathPrefix, value: /v1}}]",
                                "[{path: {type: PathPrefix, value: /v1}}]")),
                        get("/v1"),
                        "r#0"),
                c(
                        "a later rule with a more specific match beats an earlier rule",
                        List.of(route(
                                "r",
                                "",
                                null,
                                "[{path: {type: PathPrefix, value: /v1}}]",
                                "[{path: {type: Exact, value: /v1/models}}]")),
                        get("/v1/models"),
                        "r#1"),
                c(
                        "a newer route with a longer prefix beats an older catch-all",
                        List.of(
                                route("all", created(1), null, (String) null),
                                route("v1", created(2), null, "[{path: {type: PathPrefix, value: /v1}}]")),
                        get("/v1/x"),
                        "v1#0"),
                c(
                        "exact hostname beats wildcard even with a weaker path match",
                        List.of(
                                route(
                                        "wild",
                                        created(1),
                                        "['*.example.com']",
                                        "[{path: {type: Exact, value: /v1/models}}]"),
                                route(
                                        "exact",
                                        created(2),
                                        "[api.example.com]",
                                        "[{path: {type: PathPrefix, value: /}}]")),
                        host("api.example.com", "/v1/models"),
                        "exact#0"),
                c(
                        "longer wildcard beats shorter wildcard",
                        List.of(
                                route("short", created(1), "['*.example.com']", "[{path: {type: Exact, value: /v1}}]"),
                                route(
                                        "long",
                                        created(2),
                                        "['*.api.example.com']",
                                        "[{path: {type: PathPrefix, value: /}}]")),
                        host("eu.api.example.com", "/v1"),
                        "long#0"),
                c(
                        "a route with hostnames beats one without",
                        List.of(
                                route("anyhost", created(1), null, "[{path: {type: Exact, value: /v1}}]"),
                                route(
                                        "named",
                                        created(2),
                                        "['*.example.com']",
                                        "[{path: {type: PathPrefix, value: /}}]")),
                        host("api.example.com", "/v1"),
                        "named#0"),
                c(
                        "no rule under the exact hostname matches: the wildcard's rules are tried next",
                        List.of(
                                route(
                                        "wild",
                                        created(1),
                                        "['*.example.com']",
                                        "[{path: {type: PathPrefix, value: /}}]"),
                                route(
                                        "exact",
                                        created(2),
                                        "[api.example.com]",
                                        "[{path: {type: Exact, value: /only}}]")),
                        host("api.example.com", "/other"),
                        "wild#0"),
                c(
                        "a wildcard never matches its bare suffix",
                        List.of(route("wild", "", "['*.example.com']", (String) null)),
                        host("example.com", "/"),
                        "404"),
                c(
                        "nothing matches: 404",
                        List.of(route("r", "", null, "[{path: {type: Exact, value: /v1/models}}]")),
                        get("/v1/models/x"),
                        "404"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void precedence(String name, List<String> routes, RequestView request, String expected) {
        RouteTable table = TestManifests.table(TestManifests.load(routes.toArray(String[]::new)), "http");
        assertThat(served(table, request)).as(describe(table)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} (declared in reverse)")
    @MethodSource("cases")
    void precedenceDoesNotDependOnDeclarationOrderUnlessNoTimestamps(
            String name, List<String> routes, RequestView request, String expected) {
        // Reversing the documents changes nothing except where document order is the rule being tested.
        if (name.startsWith("no timestamps")) {
            return;
        }
        List<String> reversed = routes.reversed();
        RouteTable table = TestManifests.table(TestManifests.load(reversed.toArray(String[]::new)), "http");
        assertThat(served(table, request)).as(describe(table)).isEqualTo(expected);
    }

    private static String describe(RouteTable table) {
        StringBuilder b = new StringBuilder("entries:\n");
        table.entries().forEach(e -> b.append("  ").append(e).append('\n'));
        return b.toString();
    }

    private static Arguments c(String name, List<String> routes, RequestView request, String expected) {
        return Arguments.of(name, routes, request, expected);
    }

    private static RequestView get(String target, String... headers) {
        return SimpleRequest.of("GET", target, "gw.local", headers);
    }

    private static RequestView post(String target) {
        return SimpleRequest.of("POST", target, "gw.local");
    }

    private static RequestView host(String host, String target) {
        return SimpleRequest.of("GET", target, host);
    }
}
