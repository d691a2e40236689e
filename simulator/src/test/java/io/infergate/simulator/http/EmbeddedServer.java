package io.infergate.simulator.http;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.fault.FaultInjector;
import io.infergate.simulator.runtime.RealtimeEngineRunner;
import io.infergate.simulator.time.SystemSimClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A replica's HTTP pipeline on an {@link EmbeddedChannel}, fed raw request bytes, with a second embedded
 * channel decoding what it writes back into complete responses. The engine runner is never started:
 * requests that reach the engine stay queued, so these tests cover everything up to submission.
 */
final class EmbeddedServer implements AutoCloseable {

    /** A small, fast engine: 64 blocks of 16 tokens, so max_model_len is 1008. */
    static final EngineConfig ENGINE = Preset.DEFAULT.config().toBuilder()
            .numGpuBlocks(64)
            .clampMaxModelLenToCache()
            .enableLora(true)
            .maxLoras(2)
            .maxCpuLoras(2)
            .build();

    static final String METRICS_TEXT = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="m"} 0.0
            """;

    final EmbeddedChannel server;
    final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
    final RealtimeEngineRunner runner;
    final ServingContext sc;

    EmbeddedServer() {
        this(FaultConfig.NONE, HttpServerConfig.DEFAULT);
    }

    EmbeddedServer(FaultConfig faults, HttpServerConfig config) {
        Engine engine = new Engine(ENGINE, SystemSimClock.get(), new EngineMetrics(ENGINE), 1);
        runner = new RealtimeEngineRunner(engine, "test-engine");
        sc = new ServingContext(
                runner,
                new ServedModels(runner, "/models/llama"),
                new FaultInjector(faults, 1),
                new MetricsSource() {
                    @Override
                    public String contentType() {
                        return "text/plain; version=0.0.4; charset=utf-8";
                    }

                    @Override
                    public String scrape() {
                        return METRICS_TEXT;
                    }
                },
                1,
                config);
        server = new EmbeddedChannel(
                new HttpServerCodec(),
                new HttpServerKeepAliveHandler(),
                new BodyLimitAggregator(config.maxBodyBytes()),
                new ConnectionHandler(SimRoutes.create(sc), config));
    }

    String model() {
        return ENGINE.servedModelName();
    }

    /** Sends a POST with a JSON body. */
    void post(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n" + json);
    }

    void get(String path) {
        send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    void send(String raw) {
        server.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
    }

    /** Runs pending event-loop tasks and returns every response completed so far (caller releases them). */
    List<FullHttpResponse> responses() {
        server.runPendingTasks();
        for (Object o; (o = server.readOutbound()) != null; ) {
            client.writeInbound((ByteBuf) o);
        }
        List<FullHttpResponse> out = new ArrayList<>();
        for (Object o; (o = client.readInbound()) != null; ) {
            out.add((FullHttpResponse) o);
        }
        return out;
    }

    /** The single response completed so far, as status and body text (released). */
    Reply reply() {
        List<FullHttpResponse> rs = responses();
        if (rs.size() != 1) {
            rs.forEach(FullHttpResponse::release);
            throw new AssertionError("expected one response, got " + rs.size());
        }
        return Reply.of(rs.get(0));
    }

    /** A decoded response, its buffer already released. */
    record Reply(int status, HttpHeaders headers, String body) {
        static Reply of(FullHttpResponse r) {
            try {
                return new Reply(
                        r.status().code(), r.headers().copy(), r.content().toString(StandardCharsets.UTF_8));
            } finally {
                r.release();
            }
        }
    }

    @Override
    public void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
        runner.close();
    }
}
