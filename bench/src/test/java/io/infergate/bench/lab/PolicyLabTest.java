package io.infergate.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.bench.results.RequestRecord;
import io.infergate.bench.results.RunSummary;
import io.infergate.bench.results.Slo;
import io.infergate.bench.workload.Arrivals;
import io.infergate.bench.workload.SharedPrefix;
import io.infergate.bench.workload.Workload;
import io.infergate.bench.workload.WorkloadRequest;
import io.infergate.bench.workload.Workloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PolicyLabTest {

    static final Workload SMALL = new Workload(
            "small",
            "test",
            Workloads.MODEL,
            List.of(),
            0,
            seed -> new SharedPrefix(SharedPrefix.Config.SMALL, Workloads.MODEL, seed));

    static LabSettings settings(int replicas) {
        return LabSettings.defaults().withReplicas(replicas);
    }

    static List<WorkloadRequest> requests(Workload w, double rate, int seconds, long seed) {
        return w.schedule(
                Arrivals.stages(1.0, List.of(Arrivals.Stage.of(rate, Duration.ofSeconds(seconds)))),
                seed,
                Integer.MAX_VALUE);
    }

    static Function<LabEnvironment, LabPolicy> roundRobin() {
        return LabPolicies.named("round-robin");
    }

    @Test
    void theSameSeedGivesTheSameRecordsBitForBit() {
        List<WorkloadRequest> reqs = requests(SMALL, 20, 10, 3);
        PolicyLab lab = new PolicyLab(settings(4).withSeed(3));

        PolicyLab.Result a = lab.run(reqs, List.of(), LabPolicies.named("gie-v1-default"));
        PolicyLab.Result b = lab.run(reqs, List.of(), LabPolicies.named("gie-v1-default"));

        assertThat(a.records()).isEqualTo(b.records());
        assertThat(a.perEndpoint()).isEqualTo(b.perEndpoint());
        assertThat(a.simulatedNanos()).isEqualTo(b.simulatedNanos());
    }

    @Test
    void everyRequestEndsExactlyOnceAndALightLoadIsAllServed() {
        List<WorkloadRequest> reqs = requests(SMALL, 10, 10, 1);

        PolicyLab.Result r = new PolicyLab(settings(2)).run(reqs, List.of(), roundRobin());

        assertThat(r.records()).hasSize(reqs.size());
        assertThat(r.records()).allSatisfy(rec -> {
            assertThat(rec.status()).isEqualTo(RequestRecord.Status.OK);
            assertThat(rec.outputTokens()).isEqualTo(SharedPrefix.Config.SMALL.outputTokens());
        });
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(r.records().get(i).arrivalNanos()).isEqualTo(reqs.get(i).arrivalNanos());
        }
        assertThat(r.perEndpoint()[0] + r.perEndpoint()[1]).isEqualTo(reqs.size());
    }

    @Test
    void theClientSeesFourNetworkDelaysMoreToItsFirstTokenAndToItsLast() {
        List<WorkloadRequest> one = requests(SMALL, 1, 1, 5).subList(0, 1);
        LabSettings none = new LabSettings(
                LabSettings.defaults().engine(),
                1,
                Duration.ofMillis(50),
                Duration.ofMillis(2),
                Duration.ZERO,
                Duration.ofMinutes(5),
                1);
        LabSettings oneMs = new LabSettings(
                none.engine(),
                1,
                none.scrapeInterval(),
                none.scrapeDelay(),
                Duration.ofMillis(1),
                none.drainLimit(),
                1);

        RequestRecord fast =
                new PolicyLab(none).run(one, List.of(), roundRobin()).records().getFirst();
        RequestRecord slow =
                new PolicyLab(oneMs).run(one, List.of(), roundRobin()).records().getFirst();

        // client -> router -> engine, then token -> router -> client
        assertThat(slow.ttftNanos() - fast.ttftNanos()).isEqualTo(4_000_000L);
        assertThat(slow.e2eNanos() - fast.e2eNanos()).isEqualTo(4_000_000L);
    }

    @Test
    void refusalsAreRecordedAsShedOrFailedByTheirStatus() {
        List<WorkloadRequest> reqs = requests(SMALL, 10, 2, 1);
        Function<LabEnvironment, LabPolicy> refusing = env -> new LabPolicy() {
            int n;

            @Override
            public String name() {
                return "refusing";
            }

            @Override
            public Route route(LabRequest request, LabView view) {
                return n++ % 2 == 0 ? Route.refused(429, "shed") : Route.refused(503, "none");
            }
        };

        PolicyLab.Result r = new PolicyLab(settings(1)).run(reqs, List.of(), refusing);

        RunSummary s = RunSummary.of(r.records(), Slo.INTERACTIVE);
        assertThat(s.sent()).isEqualTo(reqs.size());
        assertThat(s.completed()).isZero();
        assertThat(s.shed()).isEqualTo((reqs.size() + 1) / 2);
        assertThat(s.failed()).isEqualTo(reqs.size() / 2);
        assertThat(s.goodputFraction()).isZero();
    }

    @Test
    void requestsStillRunningAtTheDrainLimitAreAbortedAndCountedFailedNeverLost() {
        LabSettings tight = new LabSettings(
                LabSettings.defaults().engine(),
                1,
                Duration.ofMillis(50),
                Duration.ofMillis(2),
                Duration.ofNanos(250_000),
                Duration.ofMillis(500),
                1);
        List<WorkloadRequest> reqs = requests(SMALL, 200, 2, 1);

        PolicyLab.Result r = new PolicyLab(tight).run(reqs, List.of(), roundRobin());

        RunSummary s = RunSummary.of(r.records(), Slo.INTERACTIVE);
        assertThat(s.sent()).isEqualTo(reqs.size());
        assertThat(s.failed()).isPositive();
        assertThat(s.completed() + s.failed()).isEqualTo(reqs.size());
    }

    @Test
    void aPolicySeesItsOwnInFlightRequestsAndTheScrapedMetrics() {
        List<Integer> inFlightSeen = new ArrayList<>();
        List<Boolean> scraped = new ArrayList<>();
        Function<LabEnvironment, LabPolicy> probe = env -> new LabPolicy() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public Route route(LabRequest request, LabView view) {
                inFlightSeen.add(view.inFlight(0));
                scraped.add(view.metrics(0).everRead());
                return Route.to(0);
            }
        };
        // three requests 10 s apart: each finds none in flight; then a burst of three at once
        List<WorkloadRequest> base = requests(SMALL, 1, 10, 2);
        List<WorkloadRequest> reqs = List.of(
                base.get(0).withArrivalNanos(0),
                base.get(1).withArrivalNanos(10_000_000_000L),
                base.get(2).withArrivalNanos(20_000_000_000L),
                base.get(3).withArrivalNanos(30_000_000_000L),
                base.get(4).withArrivalNanos(30_000_000_000L),
                base.get(5).withArrivalNanos(30_000_000_000L));

        new PolicyLab(settings(1)).run(reqs, List.of(), probe);

        assertThat(inFlightSeen).containsExactly(0, 0, 0, 0, 1, 2);
        // the first scrape, sent at 0, lands after 2 ms: the first route (at 250 µs) has no metrics, like a gateway
        // that just started; later ones do
        assertThat(scraped).containsExactly(false, true, true, true, true, true);
    }

    @Test
    void prefixAwarePickingHitsThePrefixCacheMoreThanRoundRobin() {
        List<WorkloadRequest> reqs = requests(SMALL, 40, 20, 4);
        PolicyLab lab = new PolicyLab(settings(4).withSeed(4));

        double rr = RunSummary.of(lab.run(reqs, List.of(), roundRobin()).records(), Slo.INTERACTIVE)
                .prefixHitRate();
        double gie = RunSummary.of(
                        lab.run(reqs, List.of(), LabPolicies.named("gie-v1-default"))
                                .records(),
                        Slo.INTERACTIVE)
                .prefixHitRate();

        assertThat(gie).isGreaterThan(rr + 0.1);
    }

    @Test
    void loraRequestsRunOnEnginesWithTheAdaptersRegistered() {
        Workload lora = Workloads.named("multi-lora");
        LabSweep sweep = new LabSweep(
                lora,
                Map.of("round-robin", roundRobin()),
                List.of(20.0),
                List.of(1L),
                Duration.ofSeconds(5),
                Duration.ZERO,
                1.0,
                Slo.INTERACTIVE,
                settings(2),
                1);

        PolicyLab.Result r =
                new PolicyLab(sweep.settingsFor(1)).run(sweep.requests(20, 1), lora.adapters(), roundRobin());

        assertThat(r.records())
                .isNotEmpty()
                .allSatisfy(rec -> assertThat(rec.status()).isEqualTo(RequestRecord.Status.OK));
        assertThat(r.records().size()).isGreaterThan(50);
        assertThat(r.loraLoads()).isPositive();
    }

    @Test
    void withFlowControlSheddableRequestsWaitInTheQueueInsteadOfBeingDropped() {
        Workload priority = Workloads.named("priority");
        List<WorkloadRequest> reqs = requests(priority, 600, 4, 2);
        LabSettings plain = settings(2).withSeed(2);

        RunSummary dropped = RunSummary.of(
                new PolicyLab(plain)
                        .run(reqs, List.of(), LabPolicies.named("gie-v1-default"))
                        .records(),
                Slo.INTERACTIVE);
        PolicyLab.Result queued =
                new PolicyLab(plain.withFlowControl(true)).run(reqs, List.of(), LabPolicies.named("gie-v1-default"));
        RunSummary q = RunSummary.of(queued.records(), Slo.INTERACTIVE);

        assertThat(dropped.shed())
                .as("the saturation detector drops sheddable requests")
                .isPositive();
        assertThat(q.sent()).isEqualTo(reqs.size());
        assertThat(q.shed()).isLessThan(dropped.shed());
        assertThat(q.completed()).isGreaterThan(dropped.completed());
        assertThat(queued.records())
                .filteredOn(r -> r.status() == RequestRecord.Status.SHED)
                .allSatisfy(r -> assertThat(r.httpStatus()).isIn(429, 503));
    }

    @Test
    void requestsOutOfArrivalOrderAreRejected() {
        List<WorkloadRequest> reqs = requests(SMALL, 10, 2, 1);
        List<WorkloadRequest> reversed = new ArrayList<>(reqs);
        Collections.reverse(reversed);

        assertThatThrownBy(() -> new PolicyLab(settings(1)).run(reversed, List.of(), roundRobin()))
                .hasMessageContaining("not sorted by arrival");
    }
}
