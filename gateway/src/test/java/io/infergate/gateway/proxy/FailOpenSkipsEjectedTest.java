package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.picker.ExternalDecision;
import io.infergate.gateway.picker.ExternalPickers;
import io.infergate.scheduler.model.ClientObjectives;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickResult;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A pool whose endpoint picker is down (or whose reference is invalid) and fails open forwards to random ready
 * endpoints of the pool, never to one outlier detection ejected; the external picker's own choice is not filtered.
 */
class FailOpenSkipsEjectedTest {

    private static final String EJECTED = "127.0.0.1:8001";

    private long now = 1_000;
    private final OutlierDetector outliers = new OutlierDetector(
            new OutlierDetector.Settings(1, Duration.ofSeconds(30), Duration.ofSeconds(300), 50), () -> now);

    private static GatewayConfig config(GatewayConfig.Options options) {
        StringBuilder pods = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            pods.append("""
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: sim-%1$d, labels: {app: sim}}
                    status: {podIP: 127.0.0.%1$d, phase: Running}
                    """.formatted(i));
        }
        LoadResult r = Manifests.load(
                "t.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  gatewayClassName: infergate
                  listeners: [{name: http, protocol: HTTP, port: 8080}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: ext}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: ext, annotations: {infergate.io/endpoint-picker-tls: "false"}}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8001}]
                  endpointPickerRef: {name: %s, port: {number: 9002}, failureMode: FailOpen}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: epp}
                spec:
                  selector: {app: sim}
                  ports: [{port: 9002, targetPort: 19002}]
                """.formatted(options == GatewayConfig.Options.CLUSTER ? "missing" : "epp") + pods);
        assertThat(r.errors()).isEmpty();
        return GatewayConfig.compile(r.manifests(), options);
    }

    private RequestRouter router() {
        return new RequestRouter(
                pool -> (request, snapshot) -> new PickResult.Picked(snapshot.endpoints()),
                pool -> null,
                null,
                () -> now,
                nanos -> {},
                false,
                (pool, ref, request) -> ExternalPickers.failed(new IllegalStateException("picker down")),
                ClientObjectives.NOT_ABOVE_MODEL,
                outliers);
    }

    /** Ejects {@value #EJECTED} (one failure ejects; at most one of the three endpoints is held out). */
    private void eject(GatewayConfig config) {
        Endpoint e = config.pools().get(0).snapshot().endpoints().stream()
                .filter(x -> x.hostPort().equals(EJECTED))
                .findFirst()
                .orElseThrow();
        outliers.failed(e);
        assertThat(outliers.ejected(e)).isTrue();
    }

    /** Plans one request with seed {@code seed}; an external picker's call is answered with {@code answer}. */
    private static Set<String> targets(
            RequestRouter router, GatewayConfig config, long seed, ExternalDecision answer, Throwable error) {
        FullHttpRequest req = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                HttpMethod.POST,
                "/v1/completions",
                Unpooled.copiedBuffer("{\"model\":\"m\",\"prompt\":\"x\"}", StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.HOST, "gw");
        HttpUtil.setContentLength(req, req.content().readableBytes());
        RequestLog log = new RequestLog("id", "default/gw/http", "POST", "/v1/completions", 0);
        Plan plan = router.plan(
                config,
                config.listener("default/gw/http"),
                req,
                req.content().retain(),
                log,
                new SplittableRandom(seed),
                ByteBufAllocator.DEFAULT,
                Runnable::run);
        if (plan instanceof Plan.External ext) {
            plan = ext.resume().apply(answer, error);
        }
        try {
            assertThat(plan).isInstanceOf(Plan.Forward.class);
            Set<String> out = new HashSet<>();
            ((Plan.Forward) plan).targets().forEach(t -> out.add(t.hostPort()));
            return out;
        } finally {
            ((Plan.Forward) plan).body().release();
            req.release();
        }
    }

    @Test
    void aFailedPickerCallFailsOpenToEndpointsThatAreNotEjected() {
        GatewayConfig config = config(GatewayConfig.Options.STANDALONE);
        RequestRouter router = router();
        eject(config);
        for (long seed = 0; seed < 20; seed++) {
            assertThat(targets(router, config, seed, null, new IllegalStateException("picker down")))
                    .containsExactlyInAnyOrder("127.0.0.2:8001", "127.0.0.3:8001");
        }
    }

    @Test
    void aPickerAnswerOutsideThePoolFailsOpenToEndpointsThatAreNotEjected() {
        GatewayConfig config = config(GatewayConfig.Options.STANDALONE);
        RequestRouter router = router();
        eject(config);
        ExternalDecision nowhere = new ExternalDecision.Route("10.9.9.9:8001", List.of(), null);
        assertThat(targets(router, config, 1, nowhere, null)).doesNotContain(EJECTED);
        // the picker's own choice stands: it may know better than the data plane
        ExternalDecision ejected = new ExternalDecision.Route(EJECTED, List.of(), null);
        assertThat(targets(router, config, 1, ejected, null)).containsExactly(EJECTED);
    }

    @Test
    void anInvalidPickerReferenceFailsOpenToEndpointsThatAreNotEjected() {
        GatewayConfig config = config(GatewayConfig.Options.CLUSTER);
        RequestRouter router = router();
        eject(config);
        for (long seed = 0; seed < 20; seed++) {
            assertThat(targets(router, config, seed, null, null)).doesNotContain(EJECTED);
        }
    }
}
