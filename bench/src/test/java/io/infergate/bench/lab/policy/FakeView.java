package io.infergate.bench.lab.policy;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.bench.lab.LabRequest;
import io.infergate.bench.lab.LabView;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PromptBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A hand-set {@link LabView} for policy tests: {@code n} endpoints ({@code 10.0.0.<i>:8000}), in-flight counts and
 * tokens, scraped metrics (none read by default), a block size and a virtual clock, all mutable. Also builds
 * {@link LabRequest}s from text. Single-threaded, like the lab.
 */
final class FakeView implements LabView {

    static final String MODEL = "m";

    private final List<Endpoint> endpoints;
    private final int[] inFlight;
    private final long[] inFlightTokens;
    private final ScrapedMetrics[] metrics;
    private long nowNanos;
    private int blockSize = 16;

    private FakeView(int n) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PoolEndpoint pe = new PoolEndpoint("pod" + i + "-rank-0", "pod" + i, "10.0.0." + (i + 1), 8000, 0);
            list.add(Endpoint.of(pe, Map.of()));
        }
        this.endpoints = List.copyOf(list);
        this.inFlight = new int[n];
        this.inFlightTokens = new long[n];
        this.metrics = new ScrapedMetrics[n];
        Arrays.fill(metrics, ScrapedMetrics.notYet("vllm"));
    }

    static FakeView of(int n) {
        return new FakeView(n);
    }

    FakeView inFlight(int... counts) {
        System.arraycopy(counts, 0, inFlight, 0, counts.length);
        return this;
    }

    FakeView inFlightTokens(long... tokens) {
        System.arraycopy(tokens, 0, inFlightTokens, 0, tokens.length);
        return this;
    }

    FakeView metrics(int i, ScrapedMetrics m) {
        metrics[i] = m;
        return this;
    }

    FakeView blockSize(int tokens) {
        this.blockSize = tokens;
        return this;
    }

    FakeView at(long nanos) {
        this.nowNanos = nanos;
        return this;
    }

    FakeView advanceSeconds(double seconds) {
        this.nowNanos += (long) (seconds * 1e9);
        return this;
    }

    Endpoint endpoint(int i) {
        return endpoints.get(i);
    }

    @Override
    public long nowNanos() {
        return nowNanos;
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public int inFlight(int i) {
        return inFlight[i];
    }

    @Override
    public long inFlightTokens(int i) {
        return inFlightTokens[i];
    }

    @Override
    public ScrapedMetrics metrics(int i) {
        return metrics[i];
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    /** A completion request for {@code text}, one engine token per character (token id = the char's value). */
    static LabRequest request(String id, String text) {
        return request(id, text, text.chars().toArray());
    }

    /** A completion request for {@code text} with the given engine tokens. */
    static LabRequest request(String id, String text, int[] tokens) {
        byte[] prompt = text.getBytes(StandardCharsets.UTF_8);
        byte[] body = ("{\"model\":\"" + MODEL + "\",\"prompt\":\"" + text + "\",\"max_tokens\":16}")
                .getBytes(StandardCharsets.UTF_8);
        PickRequest pick = new PickRequest(
                id, MODEL, 0, prompt.length, "default-flow", "", new PromptBytes(prompt, 0, prompt.length));
        WorkloadRequest source = WorkloadRequest.of(MODEL, WorkloadRequest.STANDARD, text, 16, "", "");
        return new LabRequest(id, source, body, pick, tokens, text, source.maxOutputTokens());
    }

    /** {@code count} token ids starting at {@code first}, consecutive. */
    static int[] tokens(int first, int count) {
        int[] t = new int[count];
        for (int i = 0; i < count; i++) {
            t[i] = first + i;
        }
        return t;
    }

    /** {@code a} followed by {@code b}. */
    static int[] concat(int[] a, int[] b) {
        int[] t = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, t, a.length, b.length);
        return t;
    }
}
