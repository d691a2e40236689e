package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Rows of the plugins' table tests, written as space-separated cells: {@code "0 5 -1"} is three candidates, the last
 * with an unknown value ({@code -1} for counts, {@code NaN} for KV usage). Time stands still at {@link #NOW};
 * metrics were read 10 ms before it; randomness comes from the seed given.
 */
final class Table {

    static final long NOW = 1_000_000_000_000L;

    private Table() {}

    static int[] ints(String cells) {
        return cells.isBlank()
                ? new int[0]
                : Arrays.stream(cells.trim().split("\\s+"))
                        .mapToInt(Integer::parseInt)
                        .toArray();
    }

    static long[] longs(String cells) {
        return cells.isBlank()
                ? new long[0]
                : Arrays.stream(cells.trim().split("\\s+"))
                        .mapToLong(Long::parseLong)
                        .toArray();
    }

    static double[] doubles(String cells) {
        return cells.isBlank()
                ? new double[0]
                : Arrays.stream(cells.trim().split("\\s+"))
                        .mapToDouble(Double::parseDouble)
                        .toArray();
    }

    /** {@code "T F T"} as flags. */
    static boolean[] flags(String cells) {
        String[] c = cells.trim().split("\\s+");
        boolean[] out = new boolean[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i].equals("T");
        }
        return out;
    }

    static Endpoint endpoint(int i) {
        return Endpoint.of(new PoolEndpoint("pod" + i, "pod" + i, "10.0.0." + (i + 1), 8000, 0), Map.of());
    }

    /** Metrics read 10 ms before {@link #NOW}; {@code -1} and NaN are unknown; no LoRA info. */
    static ScrapedMetrics metrics(int queue, int running, double kv) {
        return new ScrapedMetrics(
                new ModelServerMetrics("vllm", queue, running, kv, null, null, -1, 16, 1000, List.of()),
                NOW - 10_000_000L,
                null);
    }

    /** Candidates pod0..pod(n-1) with these metrics and in-flight load. */
    static Candidates candidates(List<ScrapedMetrics> metrics, int[] inFlight, long[] inFlightTokens) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            eps.add(endpoint(i));
        }
        return Candidates.of(eps, metrics, inFlight, inFlightTokens);
    }

    static Candidates withQueues(String queues) {
        return of(ints(queues), null, null);
    }

    static Candidates withRunning(String running) {
        return of(null, ints(running), null);
    }

    static Candidates withKv(String kv) {
        return of(null, null, doubles(kv));
    }

    private static Candidates of(int[] queues, int[] running, double[] kv) {
        int n = queues != null ? queues.length : running != null ? running.length : kv.length;
        List<ScrapedMetrics> m = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            m.add(metrics(queues != null ? queues[i] : 0, running != null ? running[i] : 0, kv != null ? kv[i] : 0.0));
        }
        return candidates(m, new int[n], new long[n]);
    }

    /** Candidates with healthy metrics and these counts of our prompts waiting for their first token. */
    static Candidates withPrefilling(String prefilling) {
        int[] p = ints(prefilling);
        List<Endpoint> eps = new ArrayList<>();
        List<ScrapedMetrics> m = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            eps.add(endpoint(i));
            m.add(metrics(0, 0, 0.0));
        }
        return Candidates.of(eps, m, new int[p.length], new long[p.length], p);
    }

    /** Candidates with healthy metrics and our in-flight requests and tokens. */
    static Candidates withInFlight(int[] requests, long[] tokens) {
        List<ScrapedMetrics> m = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            m.add(metrics(0, 0, 0.0));
        }
        return candidates(m, requests, tokens);
    }

    /** A request for {@code model}, in session {@code session} ("" for none), with {@code prompt}. */
    static SchedulingContext ctx(String model, String session, byte[] prompt, PrefixHasher hasher, long seed) {
        PickRequest r = new PickRequest(
                "r", model, 0, prompt.length, "default-flow", session, new PromptBytes(prompt, 0, prompt.length));
        return new SchedulingContext(r, NOW, new SplittableRandom(seed), hasher);
    }

    static SchedulingContext ctx(long seed) {
        return ctx("m", "", new byte[0], null, seed);
    }

    static double[] score(Scorer s, SchedulingContext ctx, Candidates c) {
        double[] scores = new double[c.size()];
        s.score(ctx, c, scores);
        return scores;
    }

    static Set<String> set(String cells) {
        return cells.isBlank() ? Set.of() : Set.of(cells.trim().split("\\s+"));
    }
}
