package io.infergate.gateway.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.infergate.testing.Patience;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    EchoUpstream(String id) throws IOException {
        this(id, 200);
    }

    EchoUpstream(String id, int status) throws IOException {
        this(id, status, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new CountDownLatch(0));
    }

    /**
     * @param bind where to listen
     * @param gate requests (not {@code /metrics}) are counted on arrival and answered only once it is open; one
     *             thread per request, so held requests do not hold up others
     */
    EchoUpstream(String id, int status, InetSocketAddress bind, CountDownLatch gate) throws IOException {
        server = HttpServer.create(bind, 0);
        server.setExecutor(executor);
        server.createContext("/", ex -> answer(ex, id, status, gate));
        server.start();
    }

    /** Requests answered, {@code /metrics} left out. */
    int requests() {
        return requests.get();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange ex, String id, int status, CountDownLatch gate) throws IOException {
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
            try {
                if (!gate.await(Patience.EVENTUALLY.toMillis(), TimeUnit.MILLISECONDS)) {
                    code = 504; // the test never opened the gate: fail visibly rather than hang
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = 504;
            }
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
        executor.shutdownNow();
    }
}
