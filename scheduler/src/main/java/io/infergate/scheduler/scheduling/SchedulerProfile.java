package io.infergate.scheduler.scheduling;

import io.infergate.scheduler.pick.Endpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One GIE scheduling profile: filters in order, then weighted scorers, then a picker that returns up to
 * {@code maxEndpoints} endpoints, best first (the rest are fallbacks for retries). Immutable; {@link #run} may be
 * called from many threads at once (each call has its own candidates and context).
 *
 * @param maxEndpoints GIE's {@code maxNumOfEndpoints}, >= 1
 */
public record SchedulerProfile(
        String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker, int maxEndpoints) {

    public SchedulerProfile {
        Objects.requireNonNull(name, "name");
        filters = List.copyOf(filters);
        scorers = List.copyOf(scorers);
        Objects.requireNonNull(picker, "picker");
        if (maxEndpoints < 1) {
            throw new IllegalArgumentException("maxEndpoints: " + maxEndpoints + " (expected: >= 1)");
        }
    }

    /**
     * Runs the profile on {@code candidates}, which the filters narrow in place, keeping every scorer's scores for
     * {@link ProfileResult.Chosen#explanation()}.
     */
    public ProfileResult run(SchedulingContext ctx, Candidates candidates) {
        return run(ctx, candidates, true);
    }

    /**
     * Like {@link #run(SchedulingContext, Candidates)}, with the same choice, but without keeping the scorers'
     * scores: one scratch array serves every scorer (a decision nobody explains then allocates two arrays per
     * candidate instead of one per scorer and candidate). The result's {@link ProfileResult.Chosen#explanation()}
     * throws {@link IllegalStateException}.
     */
    public ProfileResult runUnexplained(SchedulingContext ctx, Candidates candidates) {
        return run(ctx, candidates, false);
    }

    private ProfileResult run(SchedulingContext ctx, Candidates candidates, boolean explain) {
        if (candidates.isEmpty()) {
            return new ProfileResult.Failed("no candidate endpoints");
        }
        for (Filter f : filters) {
            f.filter(ctx, candidates);
            if (candidates.isEmpty()) {
                return new ProfileResult.Failed("no endpoints available: filter " + f.name() + " left none");
            }
        }
        int n = candidates.size();
        double[] totals = new double[n];
        double[][] scores = explain ? new double[scorers.size()][] : null;
        double[] scratch = explain ? null : new double[n];
        for (int k = 0; k < scorers.size(); k++) {
            WeightedScorer ws = scorers.get(k);
            double[] s;
            if (explain) {
                s = new double[n];
                scores[k] = s;
            } else {
                s = scratch;
                if (k > 0) {
                    Arrays.fill(s, 0.0); // scorers may leave positions unwritten and mean 0
                }
            }
            ws.scorer().score(ctx, candidates, s);
            for (int i = 0; i < n; i++) {
                double v = s[i];
                s[i] = v >= 0 ? Math.min(v, 1.0) : 0.0; // clamps negatives and NaN to 0, > 1 to 1
                totals[i] += s[i] * ws.weight();
            }
        }
        int[] picked = picker.pick(ctx, candidates, totals, Math.min(maxEndpoints, n));
        if (picked.length == 0) {
            return new ProfileResult.Failed("picker " + picker.name() + " chose no endpoint");
        }
        List<Endpoint> chosen = new ArrayList<>(picked.length);
        for (int i : picked) {
            chosen.add(candidates.endpoint(i));
        }
        return new ProfileResult.Chosen(
                chosen,
                explain
                        ? () -> explanation(candidates, scores, totals)
                        : () -> {
                            throw new IllegalStateException("profile " + name + " ran without keeping its scores");
                        });
    }

    private Explanation explanation(Candidates candidates, double[][] scores, double[] totals) {
        List<String> names = new ArrayList<>(scorers.size());
        double[] weights = new double[scorers.size()];
        for (int k = 0; k < scorers.size(); k++) {
            names.add(scorers.get(k).scorer().name());
            weights[k] = scorers.get(k).weight();
        }
        return new Explanation(candidates.endpoints(), names, weights, scores, totals);
    }
}
