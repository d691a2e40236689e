package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Request targets as they are matched and forwarded (RFC 3986 §5.2.4, §6.2.2.2), and the ones refused. */
class RequestTargetsTest {

    @ParameterizedTest
    @CsvSource({
        "/v1/completions, /v1/completions",
        "/v1/./completions, /v1/completions",
        "/v1/../v1/completions, /v1/completions",
        "/v1/../metrics, /metrics",
        "/v1/x/%2e%2e/completions, /v1/completions",
        "/v1/x/%2E%2E/completions?a=%2e%2e, /v1/completions?a=%2e%2e",
        "/v1/%2e/completions, /v1/completions",
        "/v1/.well-known, /v1/.well-known",
        "/v1/a/.., /v1/",
        "/v1/a/., /v1/a/",
        "/., /",
        "/, /",
        "//double//slash, //double//slash",
        "/v1/%7Euser/%41, /v1/~user/A",
        "/v1/caf%C3%A9, /v1/caf%C3%A9",
        "/v1/a%20b, /v1/a%20b",
        "*, *",
        "http://gw/v1/completions, http://gw/v1/completions",
        "/v1/models?x=..%2F, /v1/models?x=..%2F"
    })
    void normalises(String target, String expected) {
        assertThat(RequestTargets.normalise(target)).isEqualTo(new RequestTargets.Ok(expected));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/v1/%2Fcompletions",
                "/v1/%2fcompletions",
                "/v1/%5Ccompletions",
                "/v1/%5ccompletions",
                "/v1/completions%00",
                "/v1/completions\u0000",
                "/v1/completions?x=\u0000",
                "/v1\\completions",
                "/../v1/completions",
                "/v1/../../x",
                "/%2e%2e/x",
                "/v1/%zz",
                "/v1/%4"
            })
    void refuses(String target) {
        assertThat(RequestTargets.normalise(target)).isInstanceOf(RequestTargets.Bad.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/completions", "/v1/chat/completions?stream=true", "/"})
    void leavesCleanTargetsAsTheSameString(String target) {
        assertThat(((RequestTargets.Ok) RequestTargets.normalise(target)).uri()).isSameAs(target);
    }
}
