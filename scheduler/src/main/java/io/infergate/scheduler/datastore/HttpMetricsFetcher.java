package io.infergate.scheduler.datastore;

import io.infergate.scheduler.pick.Endpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * {@code GET http://host:port/metrics} with the JDK client (HTTP/1.1, keep-alive), as GIE's
 * {@code metrics-data-source} does by default. Thread-safe; one instance serves every endpoint.
 */
public final class HttpMetricsFetcher implements MetricsFetcher {

    private final HttpClient client;
    private final String scheme;
    private final String path;

    /**
     * @param executor runs the client's completion callbacks (a small control-plane pool; never an event loop)
     * @param scheme   {@code http} or {@code https}
     * @param path     e.g. {@code /metrics}
     */
    public HttpMetricsFetcher(Executor executor, String scheme, String path) {
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("scheme: " + scheme + " (expected: http or https)");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
        }
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        this.scheme = scheme;
        this.path = path;
    }

    @Override
    public CompletableFuture<byte[]> fetch(Endpoint endpoint, Duration timeout) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(scheme + "://" + endpoint.hostPort() + path))
                    .timeout(timeout)
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> {
                    if (r.statusCode() / 100 != 2) {
                        throw new CompletionException(
                                new IOException("HTTP " + r.statusCode() + " from " + request.uri()));
                    }
                    return r.body();
                });
    }
}
