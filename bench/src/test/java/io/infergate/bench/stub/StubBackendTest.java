package io.infergate.bench.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.bench.load.OpenLoopLoad;
import io.infergate.testing.Patience;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StubBackendTest {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final StubBackend.Counters counters = new StubBackend.Counters();
    private final EmbeddedChannel channel = new EmbeddedChannel(StubBackend.pipeline(counters));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** One parsed HTTP/1.1 response as the stub wrote it. */
    record Response(int status, String head, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        boolean closes() {
            return head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
        }
    }

    private static String request(String method, String path, String body, String extraHeaders) {
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        return method + " " + path + " HTTP/1.1\r\nhost: stub\r\ncontent-type: application/json\r\ncontent-length: "
                + length + "\r\n" + extraHeaders + "\r\n" + body;
    }

    private Response exchange(String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return parse(out.toString());
    }

    private static Response parse(String raw) {
        int split = raw.indexOf("\r\n\r\n");
        assertThat(split).as("a complete response: %s", raw).isPositive();
        String head = raw.substring(0, split);
        String body = raw.substring(split + 4);
        int status = Integer.parseInt(head.substring(9, 12));
        String length = head.lines()
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .findFirst()
                .orElseThrow()
                .substring(15)
                .trim();
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(Integer.parseInt(length));
        return new Response(status, head, body);
    }

    @Test
    void chatCompletionEchoesTheModelWithOneTokenAndUsage() throws IOException {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi \\\"there\\\"\"}],\"model\":\"m\\\"x/é\"}";
        Response r = exchange(request("POST", "/v1/chat/completions", body, ""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.head()).containsIgnoringCase("content-type: application/json");
        assertThat(r.closes()).isFalse();
        JsonNode json = r.json();
        assertThat(json.get("object").asString()).isEqualTo("chat.completion");
        assertThat(json.get("model").asString()).isEqualTo("m\"x/é");
        assertThat(json.at("/choices/0/message/role").asString()).isEqualTo("assistant");
        assertThat(json.at("/choices/0/message/content").asString()).isEqualTo("ok");
        assertThat(json.at("/choices/0/finish_reason").asString()).isEqualTo("length");
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        assertThat(json.at("/usage/prompt_tokens").asInt()).isEqualTo(bytes / 4);
        assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(1);
        assertThat(json.at("/usage/total_tokens").asInt()).isEqualTo(bytes / 4 + 1);
    }

    @Test
    void completionsGetTextCompletionsAndLargeBodiesAreRead() throws IOException {
        byte[] big = OpenLoopLoad.body("big-model", 200 * 1024);
        Response r = exchange(request("POST", "/v1/completions", new String(big, StandardCharsets.UTF_8), ""));
        assertThat(r.status()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.get("object").asString()).isEqualTo("text_completion");
        assertThat(json.get("model").asString()).isEqualTo("big-model");
        assertThat(json.at("/choices/0/text").asString()).isEqualTo("ok");
        assertThat(counters.snapshot().bodyBytes()).isEqualTo(200 * 1024);
    }

    @Test
    void keepsTheConnectionForTheNextRequestUnlessAskedToClose() throws IOException {
        String body = new String(OpenLoopLoad.chatBody("a", 4096), StandardCharsets.UTF_8);
        assertThat(exchange(request("POST", "/v1/chat/completions", body, ""))
                        .json()
                        .get("model")
                        .asString())
                .isEqualTo("a");
        assertThat(channel.isOpen()).isTrue();
        Response last = exchange(request("POST", "/v1/chat/completions", body, "connection: close\r\n"));
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.closes()).isTrue();
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.snapshot().requests()).isEqualTo(2);
    }

    @Test
    void refusesBodiesWithoutAStringModelInTheOpenAiErrorShape() throws IOException {
        for (String bad : List.of("{\"messages\":[]}", "{\"model\":7}", "[\"model\"]", "{\"model\":", "not json", "")) {
            Response r = exchange(request("POST", "/v1/chat/completions", bad, ""));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().at("/error/type").asString()).isEqualTo("invalid_request_error");
            assertThat(r.json().at("/error/code").asInt()).isEqualTo(400);
            assertThat(channel.isOpen()).isTrue();
        }
    }

    @Test
    void answersModelsStatsAndRefusesOtherPathsAndMethods() throws IOException {
        exchange(request("POST", "/v1/completions", "{\"model\":\"m\"}", ""));
        Response models = exchange(request("GET", "/v1/models", "", ""));
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.json().get("object").asString()).isEqualTo("list");
        assertThat(models.json().get("data").size()).isZero();
        Response stats = exchange(request("GET", "/stats?x=1", "", ""));
        assertThat(stats.json().get("requests").asLong()).isEqualTo(3);
        assertThat(stats.json().get("body_bytes").asLong()).isEqualTo(13);
        assertThat(exchange(request("GET", "/v1/chat/completions", "", "")).status())
                .isEqualTo(405);
        assertThat(exchange(request("POST", "/v1/models", "{}", "")).status()).isEqualTo(405);
        assertThat(exchange(request("POST", "/v1/embeddings", "{\"model\":\"m\"}", ""))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void modelIsTheTopLevelStringFieldWhereverItIs() {
        assertThat(StubBackend.model(buf("{\"model\":\"a\",\"messages\":[]}"))).isEqualTo("a");
        assertThat(StubBackend.model(buf("{\"messages\":[{\"model\":\"inner\"}],\"x\":{\"model\":1},\"model\":\"b\"}")))
                .isEqualTo("b");
        assertThat(StubBackend.model(buf("{\"messages\":[{\"model\":\"inner\"}]}")))
                .isNull();
        assertThat(StubBackend.model(buf("{\"model\":null}"))).isNull();
        assertThat(StubBackend.model(buf(""))).isNull();
    }

    private static ByteBuf buf(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void servesEveryPortAndCountsConnectionsAndRequests() throws IOException {
        try (StubBackend stub = StubBackend.start("127.0.0.1", 0, 2, 1)) {
            List<Integer> ports = stub.ports();
            assertThat(ports).hasSize(2).doesNotHaveDuplicates();
            String body = new String(OpenLoopLoad.chatBody("p", 512), StandardCharsets.UTF_8);
            // two keep-alive requests on one connection to the first port, one on the second
            try (Socket s = new Socket("127.0.0.1", ports.get(0))) {
                for (int i = 0; i < 2; i++) {
                    assertThat(roundTrip(s, request("POST", "/v1/chat/completions", body, ""))
                                    .status())
                            .isEqualTo(200);
                }
            }
            try (Socket s = new Socket("127.0.0.1", ports.get(1))) {
                assertThat(roundTrip(s, request("POST", "/v1/chat/completions", body, ""))
                                .json()
                                .get("model")
                                .asString())
                        .isEqualTo("p");
            }
            StubBackend.Stats stats = stub.stats();
            assertThat(stats.connections()).isEqualTo(2);
            assertThat(stats.requests()).isEqualTo(3);
            assertThat(stats.bodyBytes()).isEqualTo(3 * 512);
        }
    }

    /** Writes one request and reads exactly one Content-Length framed response. */
    private static Response roundTrip(Socket s, String raw) throws IOException {
        // a safety net against a hang, never a measure of speed: a stub that stops answering fails the test
        s.setSoTimeout((int) Patience.EVENTUALLY.toMillis());
        OutputStream out = s.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int contentLength = -1;
        int headEnd = -1;
        while (headEnd < 0 || got.size() < headEnd + contentLength) {
            int c = in.read();
            assertThat(c).as("response ended early: %s", got).isNotNegative();
            got.write(c);
            if (headEnd < 0 && got.toString(StandardCharsets.UTF_8).endsWith("\r\n\r\n")) {
                String head = got.toString(StandardCharsets.UTF_8);
                headEnd = got.size();
                contentLength = Integer.parseInt(
                        head.toLowerCase(Locale.ROOT).replaceAll("(?s).*content-length: *([0-9]+).*", "$1"));
            }
        }
        return parse(got.toString(StandardCharsets.UTF_8));
    }

    @Test
    void refusesBadArgumentsAndPortsInUse() throws IOException {
        assertThatThrownBy(() -> StubBackend.start("127.0.0.1", 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: >= 1");
        assertThatThrownBy(() -> StubBackend.start("127.0.0.1", 65535, 2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("within 1..65535");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> StubBackend.start("127.0.0.1", taken.getLocalPort(), 1, 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind");
        }
    }
}
