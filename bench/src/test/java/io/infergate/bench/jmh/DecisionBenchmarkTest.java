package io.infergate.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decision benchmark's set-up and operation, called directly: each decision picks, the state stays realistic. */
class DecisionBenchmarkTest {

    /** Virtual time per clock read (one per decision): a quick machine's pace, the same however loaded this one is. */
    private static final long NANOS_PER_READ = 10_000;

    /** A benchmark on virtual time, so its decisions (metric ages, stickiness, pick times) do not depend on speed. */
    private static DecisionBenchmark benchmark() {
        DecisionBenchmark b = new DecisionBenchmark();
        AtomicLong now = new AtomicLong(1_000_000_000L);
        b.nanoTime = () -> now.addAndGet(NANOS_PER_READ);
        return b;
    }

    @ParameterizedTest
    @CsvSource({
        "8, 1, " + BuiltInProfiles.INFERGATE_DEFAULT,
        "8, 16, " + BuiltInProfiles.GIE_V1_DEFAULT,
        "64, 16, " + BuiltInProfiles.INFERGATE_DEFAULT
    })
    void everyDecisionPicksAnEndpointOfThePoolAndTheWarmedIndexMatchesSharedPrefixes(
            int endpoints, int kib, String profile) {
        DecisionBenchmark b = benchmark();
        b.endpoints = endpoints;
        b.promptKiB = kib;
        b.profile = profile;
        b.setUp();
        List<Endpoint> pool = b.pool().snapshot().endpoints();
        assertThat(pool).hasSize(endpoints);
        assertThat(b.prompts())
                .hasSize(ChatPrompts.COUNT)
                .allSatisfy(p -> assertThat(p.request().prompt().length()).isEqualTo(kib * 1024));
        assertThat(b.scheduler().profile().name()).isEqualTo(profile);

        Set<Endpoint> chosen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            Endpoint e = b.decide();
            assertThat(pool).contains(e);
            chosen.add(e);
        }

        assertThat(chosen).as("load and metrics spread the decisions").hasSizeGreaterThan(1);
        // metrics follow the load the decisions put on endpoints, so even gie-v1-default (no in-flight scorer)
        // spreads the prefixes it learns over several endpoints instead of piling everything on one
        assertThat(pool.stream().filter(e -> b.index().size(e.hostPort()) > 0).count())
                .isGreaterThan(1);
        // in flight: exactly the ring of leases, never drifting
        assertThat(pool.stream().mapToInt(b.inFlight()::inFlight).sum())
                .isEqualTo(endpoints * DecisionBenchmark.IN_FLIGHT_PER_ENDPOINT);
        // the warm-up left a populated index: every prompt's system prompt (half the bytes) is known somewhere
        PrefixHasher hasher = PrefixHasher.defaults();
        assertThat(b.index().size()).isPositive();
        for (ChatPrompts.Prompt p : b.prompts().subList(0, 32)) {
            long[] hashes = hasher.hash(p.model(), "", p.body(), p.offset(), p.length());
            int best = 0;
            for (int m : b.index().matchLengths(hashes, pool)) {
                best = Math.max(best, m);
            }
            assertThat(best)
                    .as("blocks of %s matched", p.request().requestId())
                    .isGreaterThanOrEqualTo(Math.min(hashes.length, kib * 1024 / 2 / hasher.blockBytes()));
        }

        b.tearDown();
        assertThat(pool.stream().mapToInt(b.inFlight()::inFlight).sum()).isZero();
    }

    @Test
    void withABackgroundLearnerDecisionsStillPickAndTheIndexLearnsByTheEnd() {
        DecisionBenchmark b = benchmark();
        b.endpoints = 8;
        b.promptKiB = 1;
        b.profile = BuiltInProfiles.GIE_V1_DEFAULT;
        b.learner = DecisionBenchmark.BACKGROUND;
        b.setUp();
        List<Endpoint> pool = b.pool().snapshot().endpoints();
        for (int i = 0; i < 50; i++) {
            assertThat(pool).contains(b.decide());
        }

        b.tearDown(); // closing the learner finishes the queued adds

        assertThat(b.index().size()).isPositive();
    }
}
