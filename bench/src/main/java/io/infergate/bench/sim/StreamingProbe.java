package io.infergate.bench.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop streaming load: {@code streams} clients, each sending one streaming completion after
 * another to the targets in turn, measuring time to first token and the gap between consecutive tokens
 * as the client sees them. Used to find how many concurrent streams a simulator process carries while
 * its inter-token times stay true to the model.
 *
 * <p>Each stream runs on a virtual thread with a blocking reader; measurements go to lock-free HdrHistogram
 * recorders in microseconds. Requests that fail are counted, never retried. {@link #run} blocks for the
 * warm-up plus the measured duration.
 *
 * @param targets      base URLs such as {@code http://127.0.0.1:8000}
 * @param model        the {@code model} to request
 * @param streams      concurrent streams
 * @param promptChars  prompt length in characters (about 4 per token)
 * @param outputTokens tokens per request ({@code max_tokens} with {@code ignore_eos})
 */
public record StreamingProbe(List<URI> targets, String model, int streams, int promptChars, int outputTokens,
                             Duration warmup, Duration duration) {

    public StreamingProbe {
        targets = List.copyOf(targets);
        if (targets.isEmpty() || streams < 1 || promptChars < 1 || outputTokens < 2) {
            throw new IllegalArgumentException("targets " + targets.size() + ", streams " + streams + ", promptChars "
                    + promptChars + ", outputTokens " + outputTokens + " (expected: >= 1, >= 1, >= 1, >= 2)");
        }
    }

    /** Client-side measurements over the measured window (warm-up excluded). */
    public record Result(org.HdrHistogram.Histogram ttftMicros, org.HdrHistogram.Histogram itlMicros,
                         long completed, long failed, long tokens, double seconds) {
    }

    public Result run() throws InterruptedException {
        Recorder ttft = new Recorder(3);
        Recorder itl = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String body = requestBody();
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < streams; s++) {
                int first = s;
                pool.execute(() -> {
                    for (int i = first; System.nanoTime() < end; i += streams) {
                        URI target = targets.get(i % targets.size()).resolve("/v1/completions");
                        try {
                            long n = streamOnce(client, target, body, measureFrom, end, ttft, itl);
                            if (System.nanoTime() >= measureFrom) {
                                completed.incrementAndGet();
                                tokens.addAndGet(n);
                            }
                        } catch (IOException | UncheckedIOException e) {
                            failed.incrementAndGet();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
            }
        }
        client.close();
        return new Result(ttft.getIntervalHistogram(), itl.getIntervalHistogram(), completed.get(), failed.get(),
                tokens.get(), duration.toNanos() / 1e9);
    }

    private long streamOnce(HttpClient client, URI target, String body, long measureFrom, long end, Recorder ttft,
                            Recorder itl) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target).header("content-type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode() + " from " + target);
        }
        long last = -1;
        long n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: ") || line.equals("data: [DONE]") || !line.contains("\"text\"")) {
                    continue;
                }
                long now = System.nanoTime();
                boolean measured = now >= measureFrom && now < end;
                if (last < 0) {
                    if (measured) {
                        ttft.recordValue((now - sent) / 1000);
                    }
                } else if (measured) {
                    itl.recordValue((now - last) / 1000);
                }
                last = now;
                n++;
            }
        }
        return n;
    }

    private String requestBody() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode b = json.createObjectNode();
        b.put("model", model);
        StringBuilder prompt = new StringBuilder(promptChars);
        String words = "the quick brown fox jumps over a lazy dog while the gateway routes every token ";
        while (prompt.length() < promptChars) {
            prompt.append(words, 0, Math.min(words.length(), promptChars - prompt.length()));
        }
        b.put("prompt", prompt.toString());
        b.put("max_tokens", outputTokens);
        b.put("ignore_eos", true);
        b.put("stream", true);
        try {
            return json.writeValueAsString(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
