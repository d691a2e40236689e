package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.metrics.GatewayMetrics;
import io.infergate.gateway.picker.ExternalPickRequest;
import io.infergate.gateway.picker.ExternalPickers;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.scheduler.model.ClientObjectives;
import io.infergate.scheduler.model.Priorities;
import io.infergate.scheduler.pick.InFlightTracker;
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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What a client may steer at the edge: never the model sent upstream ({@code x-gateway-model-name-rewrite} is ignored),
 * and its objective ({@code x-gateway-inference-objective}) only as far as the operator's setting allows, on both the
 * in-process and the external picker path.
 */
class ClientSteeringTest {

    private static final GatewayConfig CONFIG = config();

    private static GatewayConfig config() {
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
                metadata: {name: r}
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                    - matches: [{path: {type: PathPrefix, value: /open}}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: open}]
                    - matches: [{path: {type: PathPrefix, value: /ext}}]
                      backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: ext}]
                    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8001}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata:
                  name: open
                  annotations: {infergate.io/client-objectives: any}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8001}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: ext, annotations: {infergate.io/endpoint-picker-tls: "false"}}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8001}]
                  endpointPickerRef: {name: epp, port: {number: 9002}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: epp}
                spec:
                  selector: {app: sim}
                  ports: [{port: 9002, targetPort: 19002}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sim, labels: {app: sim}}
                status: {podIP: 127.0.0.1, phase: Running}
                """ + models("pool") + models("open") + models("ext"));
        assertThat(r.errors()).isEmpty();
        return GatewayConfig.compile(r.manifests());
    }

    /** A Sheddable and a Critical model, and objectives of priority 100 and -5, in {@code pool}. */
    private static String models(String pool) {
        return """
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: shed-%1$s}
                spec:
                  modelName: shed
                  criticality: Sheddable
                  poolRef: {group: inference.networking.k8s.io, name: %1$s}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceModel
                metadata: {name: crit-%1$s}
                spec:
                  modelName: crit
                  criticality: Critical
                  poolRef: {group: inference.networking.k8s.io, name: %1$s}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata: {name: premium-%1$s}
                spec:
                  priority: 100
                  poolRef: {group: inference.networking.k8s.io, name: %1$s}
                ---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch-%1$s}
                spec:
                  priority: -5
                  poolRef: {group: inference.networking.k8s.io, name: %1$s}
                """.formatted(pool);
    }

    private final List<ExternalPickRequest> externalCalls = new ArrayList<>();
    private final ExternalPickers external = (pool, ref, request) -> {
        externalCalls.add(request);
        return ExternalPickers.failed(new IllegalStateException("not needed"));
    };

    private RequestRouter router(ClientObjectives setting) {
        return new RequestRouter(
                pool -> (request, snapshot) -> new PickResult.Picked(snapshot.endpoints()),
                pool -> null,
                null,
                () -> 0L,
                nanos -> {},
                false,
                external,
                setting);
    }

    /** The plan's outcome for one request: what went upstream and what the log says. */
    private record Outcome(RequestLog log, String body, String upstreamModel) {}

    private Outcome plan(RequestRouter router, String path, String model, String... headers) {
        String json = "{\"model\":\"" + model + "\",\"prompt\":\"x\"}";
        FullHttpRequest req = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.HOST, "gw");
        HttpUtil.setContentLength(req, req.content().readableBytes());
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().set(headers[i], headers[i + 1]);
        }
        RequestLog log = new RequestLog("id", "default/gw/http", "POST", path, 0);
        Plan plan = router.plan(
                CONFIG,
                CONFIG.listener("default/gw/http"),
                req,
                req.content().retain(),
                log,
                new SplittableRandom(3),
                ByteBufAllocator.DEFAULT,
                Runnable::run);
        try {
            if (plan instanceof Plan.Forward f) {
                return new Outcome(
                        log,
                        f.body().toString(StandardCharsets.UTF_8),
                        f.upstreamModel() == null ? null : f.upstreamModel().name());
            }
            assertThat(plan).isInstanceOf(Plan.External.class);
            ((Plan.External) plan).call().cancel();
            req.content().release();
            return new Outcome(log, null, null);
        } finally {
            if (plan instanceof Plan.Forward f) {
                f.body().release();
            }
            req.release();
        }
    }

    @Test
    void aClientsModelNameRewriteHeaderIsIgnored() {
        Outcome o = plan(
                router(ClientObjectives.ANY),
                "/v1/completions",
                "shed",
                "x-gateway-model-name-rewrite",
                "unreleased-adapter");
        assertThat(o.body()).isEqualTo("{\"model\":\"shed\",\"prompt\":\"x\"}");
        assertThat(o.upstreamModel()).isNull();
        assertThat(o.log().targetModel).isEqualTo("shed");
    }

    @Test
    void byDefaultAClientMayLowerItsPriorityButNotLiftIt() {
        RequestRouter router = router(ClientObjectives.NOT_ABOVE_MODEL);
        Outcome lifted = plan(router, "/v1/completions", "shed", "x-gateway-inference-objective", "premium-pool");
        assertThat(lifted.log().priority).isEqualTo(Priorities.SHEDDABLE);
        assertThat(lifted.log().objectiveRefused).isTrue();

        Outcome lowered = plan(router, "/v1/completions", "crit", "x-gateway-inference-objective", "batch-pool");
        assertThat(lowered.log().priority).isEqualTo(-5);
        assertThat(lowered.log().objectiveRefused).isFalse();

        Outcome none = plan(router, "/v1/completions", "crit");
        assertThat(none.log().priority).isEqualTo(Priorities.CRITICAL);
        assertThat(none.log().objectiveRefused).isFalse();
    }

    @Test
    void neverAndAnyAndThePoolsAnnotation() {
        Outcome never = plan(
                router(ClientObjectives.NEVER),
                "/v1/completions",
                "crit",
                "x-gateway-inference-objective",
                "batch-pool");
        assertThat(never.log().priority).isEqualTo(Priorities.CRITICAL);
        assertThat(never.log().objectiveRefused).isTrue();

        Outcome any = plan(
                router(ClientObjectives.ANY),
                "/v1/completions",
                "shed",
                "x-gateway-inference-objective",
                "premium-pool");
        assertThat(any.log().priority).isEqualTo(100);

        // pool "open" says any: the gateway's never does not apply to it
        Outcome open = plan(
                router(ClientObjectives.NEVER),
                "/open/v1/completions",
                "shed",
                "x-gateway-inference-objective",
                "premium-open");
        assertThat(open.log().priority).isEqualTo(100);
        assertThat(open.log().objectiveRefused).isFalse();
    }

    @Test
    void theExternalPickerGetsNeitherTheRewriteHeaderNorARefusedObjective() {
        RequestRouter router = router(ClientObjectives.NOT_ABOVE_MODEL);
        Outcome refused = plan(
                router,
                "/ext/v1/completions",
                "shed",
                "x-gateway-inference-objective",
                "premium-ext",
                "x-gateway-model-name-rewrite",
                "unreleased-adapter");
        assertThat(refused.log().objectiveRefused).isTrue();
        Outcome allowed = plan(router, "/ext/v1/completions", "crit", "x-gateway-inference-objective", "batch-ext");
        assertThat(allowed.log().objectiveRefused).isFalse();

        assertThat(externalCalls).hasSize(2);
        assertThat(externalCalls.get(0).headers())
                .extracting(HeaderEntry::name)
                .doesNotContain("x-gateway-inference-objective", "x-gateway-model-name-rewrite");
        assertThat(externalCalls.get(1).headers())
                .contains(new HeaderEntry("x-gateway-inference-objective", "batch-ext"));
    }

    @Test
    void refusalsAreCountedPerPool() {
        Outcome lifted = plan(
                router(ClientObjectives.NOT_ABOVE_MODEL),
                "/v1/completions",
                "shed",
                "x-gateway-inference-objective",
                "premium-pool");
        GatewayMetrics metrics = new GatewayMetrics(false);
        metrics.onComplete(lifted.log().toRecord(1));
        assertThat(metrics.scrape(CONFIG, new InFlightTracker()))
                .contains("infergate_client_objectives_refused_total{pool=\"default/pool\"} 1");
    }
}
