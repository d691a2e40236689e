package io.infergate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.infergate.api.Manifests;
import io.infergate.app.serve.EmbeddedDefault;
import io.infergate.app.serve.ServeLauncher;
import io.infergate.app.serve.ServeRuntime;
import io.infergate.testing.Patience;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code infergate serve} without {@code --config}: the embedded default, on ephemeral ports. */
class EmbeddedDefaultIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.shared();

    private static ServeCommand command(String... args) {
        CommandLine.ParseResult parsed = Main.newCommandLine().parseArgs(args);
        return (ServeCommand) parsed.subcommand().commandSpec().userObject();
    }

    private HttpResponse<String> post(int port, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startsServesAndShutsDownCleanly() throws Exception {
        ServeRuntime runtime =
                command("serve", "--port", "0", "--admin-port", "0").start();
        assertThat(runtime).isNotNull();
        int port;
        List<Integer> replicaPorts;
        try {
            port = runtime.boundPorts().get("default/infergate/http");
            EmbeddedDefault embedded = runtime.embedded().orElseThrow();
            assertThat(embedded.replicas()).hasSize(4);
            replicaPorts = embedded.replicas().stream().map(r -> r.port()).toList();

            String base = EmbeddedDefault.baseModel();
            HttpResponse<String> stream = post(
                    port,
                    "{\"model\":\"" + base + "\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Hello!\"}],\"stream\":true,\"max_tokens\":8}");
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("content-type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            List<String> events =
                    stream.body().lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(events).last().isEqualTo("data: [DONE]");
            assertThat(events.subList(0, events.size() - 1))
                    .allSatisfy(e -> assertThat(e).contains("\"model\":\"" + base + "\""));

            HttpResponse<String> lora = post(
                    port,
                    "{\"model\":\"food-review\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Review: the soup was cold.\"}],\"max_tokens\":4}");
            assertThat(lora.statusCode()).isEqualTo(200);
            assertThat(json.readTree(lora.body()).get("model").asString()).isEqualTo("food-review");

            HttpResponse<String> models = get("http://127.0.0.1:" + port + "/v1/models");
            assertThat(models.statusCode()).isEqualTo(200);
            assertThat(json.readTree(models.body()).get("data").findValuesAsString("id"))
                    .contains(base, "food-review", "llama-batch");

            String admin = runtime.admin().orElseThrow().url();
            assertThat(get(admin + "/readyz").statusCode()).isEqualTo(200);
            JsonNode pool =
                    json.readTree(get(admin + "/api/pools").body()).get("pools").get(0);
            assertThat(pool.get("name").asString()).isEqualTo("vllm-llama3-8b");
            assertThat(pool.get("endpoints")).hasSize(4);
            // the gateway counts a request once its last byte reached the client, which may be after the client
            // read it
            await().untilAsserted(() -> assertThat(get(admin + "/metrics").body())
                    .contains("inference_pool_ready_pods{name=\"vllm-llama3-8b\",namespace=\"default\"} 4")
                    .contains("inference_objective_request_total{model_name=\"food-review\""));
            assertThat(get(admin + "/api/config").body()).contains("embedded default");

            StringWriter banner = new StringWriter();
            ServeLauncher.printBanner(runtime, "0.0.0.0", new PrintWriter(banner));
            assertThat(banner.toString())
                    .contains("curl -N http://localhost:" + port + "/v1/chat/completions")
                    .contains("\"model\":\"food-review\"")
                    .contains("curl -s http://localhost:" + port + "/v1/models");
        } finally {
            runtime.close();
            http.close();
        }
        assertThat(runtime.isRunning()).isFalse();
        assertRefused(port);
        for (int p : replicaPorts) {
            assertRefused(p);
        }
    }

    private static void assertRefused(int port) {
        assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        // refused at once on loopback; the bound is only against a hang
                        s.connect(new InetSocketAddress("127.0.0.1", port), (int) Patience.EVENTUALLY.toMillis());
                    }
                })
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void theManifestsValidateOnTheirOwn() {
        try (EmbeddedDefault e = EmbeddedDefault.start(2, 8080, 7)) {
            var loaded = Manifests.load("embedded-default.yaml", e.manifests());
            assertThat(loaded.problems()).isEmpty();
            assertThat(loaded.manifests().pods()).isNotEmpty();
        }
    }
}
