package io.infergate.bench.lab;

import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.workload.Arrivals;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.bench.workload.Workloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The lab's per-priority overload scenario (issue 16): the {@code priority} workload (20 % Critical, 50 % Standard,
 * 30 % Sheddable ShareGPT-like chats) through the gateway's default profile, in virtual time, with and without flow
 * control, summarised per priority. "Capacity" is the highest rate of a given list at which, with flow control off,
 * every request completes with a TTFT within the SLO; overload runs are multiples of it.
 *
 * <p>Deterministic: the same settings, rates and seeds give the same figures. Stateless; each call runs the lab on
 * the calling thread (seconds of CPU for tens of simulated seconds). Bad arguments throw
 * {@link IllegalArgumentException}.
 */
public final class OverloadScenario {

    /** The policy the scenario routes with: the gateway's default profile. */
    public static final String POLICY = "infergate-default";

    /** The TTFT bound of "capacity" and of goodput, as the issue defines capacity (TTPT as the lab's SLO). */
    public static final Slo SLO = Slo.INTERACTIVE;

    private final LabSettings settings;
    private final Duration duration;

    /**
     * @param settings the fleet; its {@link LabSettings#flowControl()} is ignored (each run says)
     * @param duration how long requests arrive, > 0
     */
    public OverloadScenario(LabSettings settings, Duration duration) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.duration = Objects.requireNonNull(duration, "duration");
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
    }

    /**
     * One priority's requests in one run.
     *
     * @param priority   1 Critical, 0 Standard, -1 Sheddable
     * @param summary    TTFT and goodput of this priority's requests (goodput: completed within the SLO)
     * @param shed429    refused on purpose with 429 (shed, or a queue limit)
     * @param expired503 left the flow-control queue at its TTL with 503
     * @param unanswered aborted at the lab's drain limit without an answer (must be 0)
     * @param maxTtftMs  the longest TTFT of a completed request, 0 when none completed
     */
    public record PriorityResult(
            int priority, RunSummary summary, int shed429, int expired503, int unanswered, double maxTtftMs) {}

    /** One run: the rate, whether flow control was on, and the three priorities (Critical first). */
    public record Run(double rate, boolean flowControl, long seed, List<PriorityResult> priorities) {

        public PriorityResult priority(int p) {
            return priorities.stream()
                    .filter(r -> r.priority() == p)
                    .findFirst()
                    .orElseThrow();
        }

        public int unanswered() {
            return priorities.stream().mapToInt(PriorityResult::unanswered).sum();
        }
    }

    /** The workload's requests at {@code rate} for the scenario's duration, drawn with {@code seed}. */
    public List<WorkloadRequest> requests(double rate, long seed) {
        return Workloads.named("priority")
                .schedule(Arrivals.stages(1.0, List.of(Arrivals.Stage.of(rate, duration))), seed, Integer.MAX_VALUE);
    }

    /** Runs the workload at {@code rate} with the workload and fleet seeded by {@code seed}. */
    public Run run(double rate, long seed, boolean flowControl) {
        PolicyLab lab = new PolicyLab(settings.withSeed(seed).withFlowControl(flowControl));
        PolicyLab.Result result = lab.run(requests(rate, seed), List.of(), LabPolicies.named(POLICY));
        List<PriorityResult> out = new ArrayList<>(3);
        for (int p : new int[] {WorkloadRequest.CRITICAL, WorkloadRequest.STANDARD, WorkloadRequest.SHEDDABLE}) {
            List<RequestRecord> mine =
                    result.records().stream().filter(r -> r.priority() == p).toList();
            int shed = 0;
            int expired = 0;
            int unanswered = 0;
            long maxTtft = 0;
            for (RequestRecord r : mine) {
                if (r.status() == RequestRecord.Status.OK) {
                    maxTtft = Math.max(maxTtft, r.ttftNanos());
                }
                if (r.status() == RequestRecord.Status.SHED) {
                    if (r.httpStatus() == 429) {
                        shed++;
                    } else {
                        expired++;
                    }
                } else if (r.status() == RequestRecord.Status.FAILED && r.httpStatus() == 0) {
                    unanswered++;
                }
            }
            out.add(new PriorityResult(p, RunSummary.of(mine, SLO), shed, expired, unanswered, maxTtft / 1e6));
        }
        return new Run(rate, flowControl, seed, List.copyOf(out));
    }

    /**
     * The highest of {@code rates} (ascending) at which, with flow control off, every request of the run seeded by
     * {@code seed} completes with a TTFT within the SLO; NaN when none does.
     */
    public double capacity(List<Double> rates, long seed) {
        double best = Double.NaN;
        for (double rate : rates) {
            Run r = run(rate, seed, false);
            boolean allMet = r.priorities().stream()
                    .allMatch(p -> p.summary().completed() == p.summary().sent() && p.maxTtftMs() <= SLO.ttftMillis());
            if (!allMet) {
                break;
            }
            best = rate;
        }
        return best;
    }
}
