package io.infergate.gateway.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model server stand-in on an ephemeral loopback port that echoes what it was sent: the body of every answer
 * lists the request's headers, one {@code name: value} line per value, names lower-cased and sorted. Every answer
 * carries {@code x-upstream: <id>} and {@code x-drop-me: yes}, for response filters to act on. {@code /metrics}
 * answers an idle vLLM page so a pool's in-process picker finds it ready; other paths answer with the status given
 * (200 by default) and are counted. Tests start and close it.
 */
final class EchoUpstream implements AutoCloseable {

    private static final String METRICS = """
            vllm:num_requests_running{model_name="m"} 0
            vllm:num_requests_waiting{model_name="m"} 0
            vllm:gpu_cache_usage_perc{model_name="m"} 0
            """;

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    EchoUpstream(String id) throws IOException {
        this(id, 200);
    }

    EchoUpstream(String id, int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> answer(ex, id, status));
        server.start();
    }

    /** Requests answered, {@code /metrics} left out. */
    int requests() {
        return requests.get();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange ex, String id, int status) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        StringBuilder text = new StringBuilder();
        int code = 200;
        if (ex.getRequestURI().getPath().equals("/metrics")) {
            text.append(METRICS);
        } else {
            requests.incrementAndGet();
            code = status;
            Map<String, List<String>> sorted = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), v));
            sorted.forEach((k, vs) ->
                    vs.forEach(v -> text.append(k).append(": ").append(v).append('\n')));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", "text/plain");
        ex.getResponseHeaders().add("x-upstream", id);
        ex.getResponseHeaders().add("x-drop-me", "yes");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
