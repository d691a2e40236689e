package io.infergate.scheduler.scheduling.config;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.ProfileResult;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.SchedulingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Hand-built pods for running profiles without a datastore, numbered as GIE's hermetic tests number them: pod i at
 * 192.168.1.(i+1):8000. Metrics were read 10 ms before {@link #NOW}.
 */
final class Cluster {

    static final long NOW = 1_000_000_000L;

    private Cluster() {}

    static Endpoint endpoint(int i) {
        return Endpoint.of(
                new PoolEndpoint("pod" + i + "-rank-0", "pod" + i, "192.168.1." + (i + 1), 8000, 0), Map.of());
    }

    /** Queue, KV usage, and the running adapters of a server that holds at most 4. */
    static ScrapedMetrics metrics(int queue, double kv, String... running) {
        return metrics(queue, kv, 4, running);
    }

    static ScrapedMetrics metrics(int queue, double kv, int maxLoras, String... running) {
        return new ScrapedMetrics(
                new ModelServerMetrics("vllm", queue, 0, kv, Set.of(running), Set.of(), maxLoras, 16, 1000, List.of()),
                NOW - 10_000_000L,
                null);
    }

    /** Candidates pod0..pod(n-1) with these metrics, no in-flight load. */
    static Candidates candidates(ScrapedMetrics... metrics) {
        return candidates(new long[metrics.length], metrics);
    }

    /** Candidates with our in-flight tokens per pod. */
    static Candidates candidates(long[] inFlightTokens, ScrapedMetrics... metrics) {
        List<Endpoint> eps = new ArrayList<>();
        for (int i = 0; i < metrics.length; i++) {
            eps.add(endpoint(i));
        }
        return Candidates.of(eps, List.of(metrics), new int[metrics.length], inFlightTokens);
    }

    static SchedulingContext ctx(String model, byte[] prompt, PrefixHasher hasher, long seed) {
        PickRequest r = new PickRequest(
                "r", model, 0, prompt.length, "default-flow", "", new PromptBytes(prompt, 0, prompt.length));
        return new SchedulingContext(r, NOW, new SplittableRandom(seed), hasher);
    }

    static SchedulingContext ctx(String model, long seed) {
        return ctx(model, new byte[0], null, seed);
    }

    /** The profile's choice, best first; fails the test when the profile fails. */
    static ProfileResult.Chosen run(SchedulerProfile profile, SchedulingContext ctx, Candidates c) {
        ProfileResult r = profile.run(ctx, c);
        if (!(r instanceof ProfileResult.Chosen chosen)) {
            throw new AssertionError("profile failed: " + r);
        }
        return chosen;
    }

    /** The pod numbers of {@code endpoints}. */
    static List<Integer> pods(List<Endpoint> endpoints) {
        return endpoints.stream()
                .map(e -> Integer.parseInt(e.name().substring(3, e.name().indexOf('-'))))
                .toList();
    }

    /** {@code blocks} full prefix blocks of distinct bytes. */
    static byte[] prompt(PrefixHasher hasher, int blocks) {
        byte[] b = new byte[blocks * hasher.blockBytes()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
        }
        return b;
    }
}
