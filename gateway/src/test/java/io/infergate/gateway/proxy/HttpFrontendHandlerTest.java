package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.Manifests;
import io.infergate.gateway.GatewayOptions;
import io.infergate.gateway.RequestRecord;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PickResult;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The frontend's own answers (errors, the body limit, /v1/models) and the router's header handling. */
class HttpFrontendHandlerTest {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final GatewayConfig CONFIG =
            GatewayConfig.compile(Manifests.load("t.yaml", GatewayFixture.manifests(List.of(8001, 8002), 8001))
                    .manifests());

    private final List<RequestRecord> records = new ArrayList<>();
    private final InFlightTracker tracker = new InFlightTracker();
    /** A test double for the picker: the pool's endpoints in their order. */
    private final RequestRouter router = new RequestRouter((request, pool) -> pool.isEmpty()
            ? new PickResult.Rejected(503, "no ready endpoint in InferencePool " + pool.pool())
            : new PickResult.Picked(pool.endpoints()));

    private EmbeddedChannel channel;

    private EmbeddedChannel channel(int maxBody) {
        GatewayOptions options = GatewayOptions.defaults().withMaxRequestBodyBytes(maxBody);
        ProxyRuntime rt = new ProxyRuntime(() -> CONFIG, options, records::add, tracker, router, System::nanoTime);
        channel = new EmbeddedChannel(new HttpFrontendHandler(rt, "port/8080", false, options.limits()));
        return channel;
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private static FullHttpRequest post(String uri, String body) {
        FullHttpRequest r = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.POST, uri, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").set(HttpHeaderNames.HOST, "gw");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        return r;
    }

    private JsonNode error(FullHttpResponse r, int status, String code) throws Exception {
        try {
            assertThat(r.status().code()).isEqualTo(status);
            assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
            JsonNode body = JSON.readTree(r.content().toString(StandardCharsets.UTF_8));
            assertThat(body.at("/error/code").asString()).isEqualTo(code);
            assertThat(body.at("/error/type").asString()).isNotBlank();
            assertThat(r.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                    .isEqualTo(r.content().readableBytes());
            return body;
        } finally {
            r.release();
        }
    }

    @Test
    void malformedBodyIs400WithTheScannerMessageAndTheConnectionStaysOpen() throws Exception {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound(post("/v1/chat/completions", "{\"model\": 12}"));
        JsonNode body = error(ch.readOutbound(), 400, "invalid_body");
        assertThat(body.at("/error/message").asString()).isEqualTo("model must be a string, got number at offset 10");
        assertThat(ch.isOpen()).isTrue();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorType()).isEqualTo("invalid_request_error");
            assertThat(r.attempts()).isZero();
        });
    }

    @Test
    void missingModelNoRouteUnknownModelAndNoEndpoint() throws Exception {
        EmbeddedChannel ch = channel(1024);
        ch.writeInbound(post("/v1/completions", "{\"prompt\":\"x\"}"));
        error(ch.readOutbound(), 400, "missing_model");
        ch.writeInbound(post("/other", "{\"model\":\"canary\"}"));
        error(ch.readOutbound(), 404, "route_not_found");
        ch.writeInbound(post("/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}"));
        JsonNode unknown = error(ch.readOutbound(), 404, "model_not_found");
        assertThat(unknown.at("/error/message").asString()).contains("nope").contains("default/pool");
        ch.writeInbound(post("/v1/completions", "{\"model\":\"ghost\",\"prompt\":\"x\"}"));
        error(ch.readOutbound(), 503, "no_ready_endpoint");
        assertThat(records).extracting(RequestRecord::status).containsExactly(400, 404, 404, 503);
        assertThat(records.get(2).incomingModel()).isEqualTo("nope");
        assertThat(records.get(3).pool()).isEqualTo("default/empty");
    }

    @Test
    void contentLengthOverTheLimitIs413BeforeTheBodyIsRead() throws Exception {
        EmbeddedChannel ch = channel(100);
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/completions");
        head.headers().set(HttpHeaderNames.HOST, "gw");
        HttpUtil.setContentLength(head, 5000);
        ch.writeInbound(head);
        JsonNode body = error(ch.readOutbound(), 413, "request_too_large");
        assertThat(body.at("/error/message").asString()).contains("5000 bytes").contains("100 bytes");
        // the rest of the body is read and dropped, then the connection closes
        ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[4000])));
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[1000])));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(records).singleElement().extracting(RequestRecord::status).isEqualTo(413);
    }

    @Test
    void droppingARefusedBodyStopsAtTheCapAndClosesTheConnection() throws Exception {
        EmbeddedChannel ch = channel(100);
        long cap = HttpFrontendHandler.maxDiscardBytes(100);
        assertThat(cap).isEqualTo(1 << 20);
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/completions");
        head.headers().set(HttpHeaderNames.HOST, "gw");
        HttpUtil.setContentLength(head, 64L << 20); // declares far more than the cap
        ch.writeInbound(head);
        error(ch.readOutbound(), 413, "request_too_large");
        byte[] chunk = new byte[64 * 1024];
        long sent = 0;
        while (sent + chunk.length <= cap) {
            ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
            sent += chunk.length;
        }
        ch.runPendingTasks();
        assertThat(ch.isOpen()).as("still dropping at exactly the cap").isTrue();
        // one byte past the cap: no LastHttpContent has come, yet the connection closes
        ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[1])));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(records).singleElement().extracting(RequestRecord::status).isEqualTo(413);
    }

    @Test
    void theDropCapIsTheBodyLimitWhenThatIsLarger() {
        assertThat(HttpFrontendHandler.maxDiscardBytes(16 << 20)).isEqualTo(16L << 20);
    }

    @Test
    void chunkedBodyGrowingOverTheLimitIs413() throws Exception {
        EmbeddedChannel ch = channel(100);
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/completions");
        head.headers().set(HttpHeaderNames.HOST, "gw");
        HttpUtil.setTransferEncodingChunked(head, true);
        ch.writeInbound(head);
        ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[60])));
        assertThat((Object) ch.readOutbound()).isNull();
        ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[60])));
        error(ch.readOutbound(), 413, "request_too_large");
        ch.writeInbound(new DefaultLastHttpContent());
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void modelsAreListedByTheGateway() throws Exception {
        EmbeddedChannel ch = channel(100);
        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/v1/models");
        get.headers().set(HttpHeaderNames.HOST, "gw");
        ch.writeInbound(get);
        FullHttpResponse r = ch.readOutbound();
        try {
            assertThat(r.status().code()).isEqualTo(200);
            JsonNode body = JSON.readTree(r.content().toString(StandardCharsets.UTF_8));
            assertThat(body.get("data"))
                    .extracting(n -> n.get("id").asString())
                    .containsExactly("canary", GatewayFixture.BASE_MODEL);
        } finally {
            r.release();
        }
    }

    @Test
    void controlHeadersAreStrippedAndModelHeadersSetBeforeMatching() {
        FullHttpRequest req = post("/v1/completions", "{\"model\":\"canary\",\"prompt\":\"x\"}");
        req.headers()
                .set("X-Gateway-Destination-Endpoint", "10.0.0.66:22")
                .set("x-gateway-destination-endpoint-subset", "10.0.0.66:22")
                .set("X-Gateway-Model-Name", "ghost") // would route to the empty pool if kept
                .set("x-gateway-inference-objective", "none")
                .set("x-gateway-model-name-rewrite", "something")
                .set("authorization", "Bearer x");
        RequestLog log = new RequestLog("id", "default/gw/http", "POST", "/v1/completions", 0);
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
            assertThat(plan).isInstanceOfSatisfying(Plan.Forward.class, f -> {
                assertThat(f.targets())
                        .extracting(UpstreamTarget::hostPort)
                        .containsExactlyInAnyOrder("127.0.0.1:8001", "127.0.0.1:8002");
                String spliced = f.body().toString(StandardCharsets.UTF_8);
                assertThat(spliced).isEqualTo("{\"model\":\"" + log.targetModel + "\",\"prompt\":\"x\"}");
                assertThat(f.clientModel().name()).isEqualTo("canary");
            });
            assertThat(req.headers().names())
                    .map(String::toLowerCase)
                    .noneMatch(n -> n.startsWith("x-gateway-destination-endpoint"))
                    .doesNotContain("x-gateway-inference-objective", "x-gateway-model-name-rewrite")
                    .contains("authorization");
            assertThat(req.headers().get("x-gateway-model-name")).isEqualTo("canary");
            assertThat(req.headers().get("x-gateway-base-model-name")).isEqualTo("canary");
            assertThat(log.pool).isEqualTo("default/pool");
        } finally {
            if (plan instanceof Plan.Forward f) {
                f.body().release();
            }
            req.release();
        }
    }
}
