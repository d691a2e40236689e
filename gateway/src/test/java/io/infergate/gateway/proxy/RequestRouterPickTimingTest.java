package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.PickResult;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The router reports how long each pick took (GIE's scheduler e2e latency), rejected picks included. */
class RequestRouterPickTimingTest {

    private static final GatewayConfig CONFIG;

    static {
        LoadResult r = Manifests.load("t.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: llm}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: m}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, labels: {app: m}}
                status: {podIP: 10.0.0.1}
                """);
        assertThat(r.errors()).isEmpty();
        CONFIG = GatewayConfig.compile(r.manifests());
    }

    /** A clock that advances 250 us while the picker runs, and only then. */
    private final AtomicLong clock = new AtomicLong(1_000);

    private final List<Long> recorded = new ArrayList<>();

    private RequestRouter router(PickResult result) {
        EndpointPicker picker = (request, pool) -> {
            clock.addAndGet(250_000);
            return result;
        };
        return new RequestRouter(pool -> picker, clock::get, recorded::add);
    }

    private Plan plan(RequestRouter router, FullHttpRequest req) {
        RequestLog log = new RequestLog("id", "default/gw/http", "POST", "/v1/completions", 0);
        return router.plan(
                CONFIG,
                CONFIG.listener("default/gw/http"),
                req,
                req.content(),
                log,
                new SplittableRandom(1),
                ByteBufAllocator.DEFAULT,
                Runnable::run);
    }

    private static FullHttpRequest post() {
        FullHttpRequest r = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                HttpMethod.POST,
                "/v1/completions",
                Unpooled.copiedBuffer("{\"model\":\"m\",\"prompt\":\"x\"}", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.HOST, "gw");
        return r;
    }

    @Test
    void aPickIsTimedWithTheInjectedClock() {
        FullHttpRequest req = post();
        Plan plan =
                plan(router(PickResult.picked(CONFIG.pools().get(0).snapshot().endpoints())), req);
        assertThat(plan).isInstanceOf(Plan.Forward.class);
        ((Plan.Forward) plan).body().release();
        assertThat(recorded).containsExactly(250_000L);
    }

    @Test
    void aRejectedPickIsTimedToo() {
        FullHttpRequest req = post();
        try {
            assertThatThrownBy(() -> plan(router(PickResult.rejected(429, "saturated")), req))
                    .isInstanceOf(ProxyException.class);
        } finally {
            req.release();
        }
        assertThat(recorded).containsExactly(250_000L);
    }
}
