package io.infergate.bench.sim;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the simulator's step-time model predicts for a fleet, read from its admin API
 * ({@code GET /replicas}, field {@code engine}): decode tokens produced and the summed modelled duration of
 * the steps that produced them. The difference of two readings gives the model's inter-token time over a
 * window, to hold client-side measurements against.
 *
 * @param decodeTokens          decode tokens over all replicas
 * @param decodeTokenModelNanos sum over those tokens of their step's modelled duration
 */
public record FleetModelStats(long decodeTokens, long decodeTokenModelNanos) {

    /**
     * Reads the admin API at {@code admin} (e.g. {@code http://127.0.0.1:9000}).
     *
     * @throws IOException when the admin API cannot be read or does not have the expected shape
     */
    public static FleetModelStats read(HttpClient client, URI admin) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(admin.resolve("/replicas"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + admin.resolve("/replicas") + ": HTTP " + r.statusCode());
        }
        JsonNode replicas;
        try {
            replicas = JsonMapper.shared().readTree(r.body()).path("replicas");
        } catch (JacksonException e) {
            throw new IOException("GET " + admin.resolve("/replicas") + ": not JSON: " + e.getOriginalMessage(), e);
        }
        if (!replicas.isArray()) {
            throw new IOException(
                    "GET " + admin.resolve("/replicas") + ": no 'replicas' array (expected the simulator admin API)");
        }
        long tokens = 0;
        long nanos = 0;
        for (JsonNode replica : replicas) {
            tokens += replica.path("engine").path("decodeTokens").asLong();
            nanos += replica.path("engine").path("decodeTokenModelNanos").asLong();
        }
        return new FleetModelStats(tokens, nanos);
    }

    /** The model's mean inter-token time in ms between {@code earlier} and this reading, or NaN without tokens. */
    public double meanItlMillisSince(FleetModelStats earlier) {
        long tokens = decodeTokens - earlier.decodeTokens;
        return tokens <= 0 ? Double.NaN : (decodeTokenModelNanos - earlier.decodeTokenModelNanos) / 1e6 / tokens;
    }
}
