package io.infergate.gateway.route;

import static io.infergate.gateway.route.TestManifests.route;
import static io.infergate.gateway.route.TestManifests.served;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each kind of match condition on its own: path types, method, headers, query parameters, host. */
class RouteConditionsTest {

    private static RouteTable table(String... matchesPerRule) {
        return TestManifests.table(TestManifests.load(route("r", "", null, matchesPerRule)), "http");
    }

    private static String get(RouteTable t, String target, String... headers) {
        return served(t, SimpleRequest.of("GET", target, "gw.local", headers));
    }

    @Test
    void prefixMatchesWholePathElementsOnly() {
        RouteTable t = table("[{path: {type: PathPrefix, value: /abc}}]");
        assertThat(get(t, "/abc")).isEqualTo("r#0");
        assertThat(get(t, "/abc/")).isEqualTo("r#0");
        assertThat(get(t, "/abc/def")).isEqualTo("r#0");
        assertThat(get(t, "/abcdef")).isEqualTo("404");
        assertThat(get(t, "/ab")).isEqualTo("404");
        assertThat(get(t, "/ABC")).as("case-sensitive").isEqualTo("404");
    }

    @Test
    void trailingSlashOfAPrefixIsIgnored() {
        RouteTable t = table("[{path: {type: PathPrefix, value: /abc/}}]");
        assertThat(get(t, "/abc")).isEqualTo("r#0");
        assertThat(get(t, "/abc/def")).isEqualTo("r#0");
        assertThat(get(t, "/abcdef")).isEqualTo("404");
    }

    @Test
    void rootPrefixAndDefaultMatchEverything() {
        assertThat(get(table("[{path: {type: PathPrefix, value: /}}]"), "/anything/at/all"))
                .isEqualTo("r#0");
        assertThat(get(table((String) null), "/v1/models")).isEqualTo("r#0");
        assertThat(get(table((String) null), "/")).isEqualTo("r#0");
    }

    @Test
    void exactPathIsExact() {
        RouteTable t = table("[{path: {type: Exact, value: /v1/models}}]");
        assertThat(get(t, "/v1/models")).isEqualTo("r#0");
        assertThat(get(t, "/v1/models?x=1")).as("query is not part of the path").isEqualTo("r#0");
        assertThat(get(t, "/v1/models/")).isEqualTo("404");
        assertThat(get(t, "/v1/model")).isEqualTo("404");
    }

    @Test
    void regexPathMustMatchTheWholePath() {
        RouteTable t = table("[{path: {type: RegularExpression, value: '/v1/(chat/)?completions'}}]");
        assertThat(get(t, "/v1/completions")).isEqualTo("r#0");
        assertThat(get(t, "/v1/chat/completions")).isEqualTo("r#0");
        assertThat(get(t, "/v1/chat/completions/x")).isEqualTo("404");
        assertThat(get(t, "/x/v1/completions")).isEqualTo("404");
    }

    @Test
    void methodMatch() {
        RouteTable t = table("[{method: POST}]");
        assertThat(served(t, SimpleRequest.of("POST", "/v1", "h"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/v1", "h"))).isEqualTo("404");
        assertThat(served(t, SimpleRequest.of("post", "/v1", "h")))
                .as("methods are case-sensitive")
                .isEqualTo("404");
    }

    @Test
    void headerNamesAreCaseInsensitiveValuesAreNot() {
        RouteTable t = table("[{headers: [{name: X-Gateway-Model-Name, value: food-review}]}]");
        assertThat(get(t, "/", "x-gateway-model-name", "food-review")).isEqualTo("r#0");
        assertThat(get(t, "/", "X-GATEWAY-MODEL-NAME", "food-review")).isEqualTo("r#0");
        assertThat(get(t, "/", "x-gateway-model-name", "Food-Review")).isEqualTo("404");
        assertThat(get(t, "/")).as("absent header").isEqualTo("404");
    }

    @Test
    void allHeaderConditionsMustHold() {
        RouteTable t = table("[{headers: [{name: a, value: '1'}, {name: b, value: '2'}]}]");
        assertThat(get(t, "/", "a", "1", "b", "2")).isEqualTo("r#0");
        assertThat(get(t, "/", "a", "1")).isEqualTo("404");
    }

    @Test
    void anyMatchOfARuleSelectsIt() {
        RouteTable t = table("[{path: {type: Exact, value: /a}}, {path: {type: Exact, value: /b}}]");
        assertThat(get(t, "/a")).isEqualTo("r#0");
        assertThat(get(t, "/b")).isEqualTo("r#0");
        assertThat(get(t, "/c")).isEqualTo("404");
    }

    @Test
    void headerRegexMustMatchTheWholeValue() {
        RouteTable t = table("[{headers: [{type: RegularExpression, name: x-model, value: 'llama-3\\.[0-9]+'}]}]");
        assertThat(get(t, "/", "x-model", "llama-3.1")).isEqualTo("r#0");
        assertThat(get(t, "/", "x-model", "llama-3.10")).isEqualTo("r#0");
        assertThat(get(t, "/", "x-model", "llama-3.1-instruct")).isEqualTo("404");
        assertThat(get(t, "/", "x-model", "my-llama-3.1")).isEqualTo("404");
    }

    @Test
    void queryParamsExactAndRegexOnDecodedValues() {
        RouteTable t = table("[{queryParams: [{name: model, value: 'a b'}, {type: RegularExpression, name: v,"
                + " value: '[0-9]+'}]}]");
        assertThat(get(t, "/x?model=a%20b&v=12")).isEqualTo("r#0");
        assertThat(get(t, "/x?v=12&model=a%20b")).isEqualTo("r#0");
        assertThat(get(t, "/x?model=a+b&v=12")).as("+ is not a space in a URI").isEqualTo("404");
        assertThat(get(t, "/x?model=a%20b&v=1x")).isEqualTo("404");
        assertThat(get(t, "/x?Model=a%20b&v=12")).as("names are case-sensitive").isEqualTo("404");
        assertThat(get(t, "/x?model=a%20b&model=other&v=3"))
                .as("first occurrence counts")
                .isEqualTo("r#0");
    }

    @Test
    void hostMatchIgnoresPortAndCase() {
        RouteTable t =
                TestManifests.table(TestManifests.load(route("r", "", "[api.example.com]", (String) null)), "http");
        assertThat(served(t, SimpleRequest.of("GET", "/", "api.example.com"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "api.example.com:8080")))
                .isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "API.Example.COM:8080")))
                .isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "other.example.com"))).isEqualTo("404");
        assertThat(served(t, SimpleRequest.of("GET", "/", "")))
                .as("no Host header")
                .isEqualTo("404");
    }

    @Test
    void wildcardHostCoversOneOrMoreLabels() {
        RouteTable t =
                TestManifests.table(TestManifests.load(route("r", "", "['*.example.com']", (String) null)), "http");
        assertThat(served(t, SimpleRequest.of("GET", "/", "a.example.com"))).isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "a.b.example.com:443")))
                .isEqualTo("r#0");
        assertThat(served(t, SimpleRequest.of("GET", "/", "example.com"))).isEqualTo("404");
        assertThat(served(t, SimpleRequest.of("GET", "/", "aexample.com"))).isEqualTo("404");
    }

    @Test
    void matchReturnsTheRuleAndItsBackendsWithoutAllocatingPerRequest() {
        RouteTable t = TestManifests.table(TestManifests.load(route("r", "", null, (String) null)), "http");
        RequestView req = SimpleRequest.of("GET", "/", "h");
        assertThat(t.match(req)).isSameAs(t.match(req));
        RouteMatch m = t.match(req).orElseThrow();
        assertThat(m.route()).hasToString("HTTPRoute default/r rule 0");
        assertThat(m.backends().backends()).containsExactly(new ServiceBackend("default", "svc", 80));
    }
}
