package io.infergate.simulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.RequestOutcome;
import io.infergate.simulator.fault.RequestFaults;
import io.infergate.simulator.runtime.RealtimeEngineRunner;
import io.infergate.simulator.text.TokenText;
import io.infergate.simulator.time.SystemSimClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** SSE framing and response bodies of generation requests, driven by hand-made engine events. */
class GenerationExchangeTest {

    private final EmbeddedChannel channel =
            new EmbeddedChannel(new HttpResponseEncoder(), new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().lastContext();
    private final List<HttpExchange> done = new ArrayList<>();
    private HttpExchange lastExchange;
    private final RealtimeEngineRunner runner = new RealtimeEngineRunner(
            new Engine(EmbeddedServer.ENGINE, SystemSimClock.get(), new EngineMetrics(EmbeddedServer.ENGINE), 1), "t");

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        runner.close();
    }

    private GenerationExchange exchange(
            GenerationRequest.Kind kind,
            boolean stream,
            boolean usage,
            int planned,
            FinishReason reason,
            RequestFaults faults) {
        HttpExchange ex = new HttpExchange(ctx, done::add, 1 << 20);
        lastExchange = ex;
        ex.faults(faults);
        GenerationRequest request = new GenerationRequest(kind, "m", new int[5], -1, 0, stream, usage, false);
        GenerationExchange ge = new GenerationExchange(
                ex,
                runner,
                new OpenAiBodies.Head(kind, kind.idPrefix() + "1", 1_700_000_000L, "m"),
                request,
                planned,
                reason);
        ge.start();
        return ge;
    }

    private static RequestOutcome outcome(FinishReason reason, int output) {
        return new RequestOutcome("id", reason, 5, 2, output, 0, 1, 2, 3, 0);
    }

    /**
     * Delivers one engine event and runs the task it posts. One at a time on purpose: an embedded channel runs
     * queued tasks in the middle of a write, which a real event loop never does.
     */
    private void deliver(Runnable event) {
        event.run();
        channel.runPendingTasks();
    }

    /** Everything written so far, as raw HTTP/1.1 bytes. */
    private String raw() {
        StringBuilder sb = new StringBuilder();
        channel.runPendingTasks();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    /** The complete response decoded from {@code raw}. */
    private static EmbeddedServer.Reply decode(String raw) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
        try {
            client.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
            FullHttpResponse r = client.readInbound();
            assertThat(r).as("a complete response in:\n" + raw).isNotNull();
            return EmbeddedServer.Reply.of(r);
        } finally {
            client.finishAndReleaseAll();
        }
    }

    @Test
    void chatStreamIsFramedLikeVllm() {
        GenerationExchange ge =
                exchange(GenerationRequest.Kind.CHAT, true, true, 3, FinishReason.LENGTH, RequestFaults.NONE);
        deliver(() -> ge.onToken(0, 100, 0));
        deliver(() -> ge.onToken(1, 101, 0));
        deliver(() -> ge.onToken(2, 102, 0));
        deliver(() -> ge.onFinish(outcome(FinishReason.LENGTH, 3)));
        String raw = raw();
        assertThat(raw).contains("transfer-encoding: chunked\r\n");
        EmbeddedServer.Reply r = decode(raw);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo("text/event-stream; charset=utf-8");
        String head =
                "\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\"";
        assertThat(r.body())
                .isEqualTo("data: {" + head
                        + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                        + "data: {" + head + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                        + TokenText.piece(100)
                        + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                        + "data: {" + head + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                        + TokenText.piece(101)
                        + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                        + "data: {" + head + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                        + TokenText.piece(102)
                        + "\"},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n"
                        + "data: {" + head + ",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":8,"
                        + "\"completion_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":2}}}\n\n"
                        + "data: [DONE]\n\n");
        assertThat(done).hasSize(1);
    }

    @Test
    void completionStreamHasTextChunksAndNoUsageUnlessAsked() throws Exception {
        GenerationExchange ge =
                exchange(GenerationRequest.Kind.COMPLETION, true, false, 2, FinishReason.STOP, RequestFaults.NONE);
        deliver(() -> ge.onToken(0, 7, 0));
        deliver(() -> ge.onToken(1, 8, 0));
        deliver(() -> ge.onFinish(outcome(FinishReason.STOP, 2)));
        String[] events = decode(raw()).body().split("\n\n");
        assertThat(events).hasSize(3);
        JsonNode first = Json.MAPPER.readTree(events[0].substring("data: ".length()));
        assertThat(first.get("object").asString()).isEqualTo("text_completion");
        assertThat(first.at("/choices/0/text").asString()).isEqualTo(TokenText.piece(7));
        assertThat(first.at("/choices/0/finish_reason").isNull()).isTrue();
        JsonNode last = Json.MAPPER.readTree(events[1].substring("data: ".length()));
        assertThat(last.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(events[2]).isEqualTo("data: [DONE]");
    }

    @Test
    void nonStreamedChatIsOneJsonWithUsage() throws Exception {
        GenerationExchange ge =
                exchange(GenerationRequest.Kind.CHAT, false, false, 2, FinishReason.STOP, RequestFaults.NONE);
        deliver(() -> ge.onToken(0, 1, 0));
        deliver(() -> ge.onToken(1, 2, 0));
        deliver(() -> ge.onFinish(outcome(FinishReason.STOP, 2)));
        EmbeddedServer.Reply r = decode(raw());
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("object").asString()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/role").asString()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").asString()).isEqualTo(TokenText.piece(1) + TokenText.piece(2));
        assertThat(body.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(5);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(2);
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(7);
        assertThat(body.at("/usage/prompt_tokens_details/cached_tokens").asInt())
                .isEqualTo(2);
    }

    @Test
    void crashAfterTwoEventsResetsTheConnection() {
        GenerationExchange ge = exchange(
                GenerationRequest.Kind.CHAT, true, false, 5, FinishReason.LENGTH, new RequestFaults(0, 0, 0, 2));
        deliver(() -> ge.onToken(0, 1, 0));
        deliver(() -> ge.onToken(1, 2, 0));
        deliver(() -> ge.onToken(2, 3, 0));
        String raw = raw();
        assertThat(raw.split("data: ", -1)).hasSize(3); // role chunk + first token, then nothing
        assertThat(raw).doesNotContain("[DONE]");
        assertThat(channel.isOpen()).isFalse();
        deliver(() -> ge.onFinish(outcome(FinishReason.ABORT, 1)));
        assertThat(raw()).isEmpty();
    }

    @Test
    void anEngineAbortWhileTheClientListensEndsTheStreamWithAnErrorEvent() {
        GenerationExchange ge =
                exchange(GenerationRequest.Kind.COMPLETION, true, true, 5, FinishReason.LENGTH, RequestFaults.NONE);
        deliver(() -> ge.onToken(0, 1, 0));
        deliver(() -> ge.onFinish(outcome(FinishReason.ABORT, 1)));
        String body = decode(raw()).body();
        assertThat(body)
                .contains("data: {\"error\":{\"message\":")
                .contains("\"code\":500")
                .endsWith("data: [DONE]\n\n");
        assertThat(body).doesNotContain("usage");
    }

    @Test
    void eventsAfterTheClientLeftAreDropped() {
        GenerationExchange ge =
                exchange(GenerationRequest.Kind.CHAT, true, false, 3, FinishReason.LENGTH, RequestFaults.NONE);
        assertThat(raw()).doesNotContain("data: "); // just the headers
        lastExchange.cancel(); // what the connection handler does on channelInactive
        deliver(() -> ge.onToken(0, 1, 0));
        deliver(() -> ge.onFinish(outcome(FinishReason.ABORT, 1)));
        assertThat(raw()).isEmpty();
        assertThat(done).isEmpty();
    }
}
