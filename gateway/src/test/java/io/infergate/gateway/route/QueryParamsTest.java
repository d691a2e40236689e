package io.infergate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryParamsTest {

    @Test
    void decodesOnceFirstValueWins() {
        QueryParams q = QueryParams.parse("a=1&b=x%2Fy&a=2&flag&e=&%C3%A9t%C3%A9=%E2%9C%93&p=a+b&bad=%zz%4");
        assertThat(q.get("a")).isEqualTo("1");
        assertThat(q.get("b")).isEqualTo("x/y");
        assertThat(q.get("flag")).isEmpty();
        assertThat(q.get("e")).isEmpty();
        assertThat(q.get("été")).isEqualTo("✓");
        assertThat(q.get("p")).isEqualTo("a+b");
        assertThat(q.get("bad")).isEqualTo("%zz%4");
        assertThat(q.get("missing")).isNull();
        assertThat(QueryParams.parse("").size()).isZero();
        assertThat(QueryParams.parse(null).size()).isZero();
        assertThat(QueryParams.parse("&&x=1&").get("x")).isEqualTo("1");
    }
}
