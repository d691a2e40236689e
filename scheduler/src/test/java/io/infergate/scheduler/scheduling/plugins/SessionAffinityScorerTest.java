package io.infergate.scheduler.scheduling.plugins;

import static io.infergate.scheduler.scheduling.plugins.Table.ctx;
import static io.infergate.scheduler.scheduling.plugins.Table.doubles;
import static io.infergate.scheduler.scheduling.plugins.Table.score;
import static io.infergate.scheduler.scheduling.plugins.Table.withQueues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.scheduler.scheduling.Candidates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ours {@code session-affinity-scorer}: 1.0 on the endpoint the session last went to, 0 elsewhere. */
class SessionAffinityScorerTest {

    @ParameterizedTest(name = "picked pod{1} for [{0}], then [{2}] scores [{3}]")
    @CsvSource({
        "s1,  1,  s1,  0.0 1.0 0.0",
        "s1,  2,  s1,  0.0 0.0 1.0",
        "s1,  1,  s2,  0.0 0.0 0.0",
        "s1,  1,  '',  0.0 0.0 0.0",
        "'',  1,  '',  0.0 0.0 0.0",
    })
    void followsTheSessionsLastPick(String pickedSession, int pickedPod, String session, String expected) {
        SessionAffinityScorer s = new SessionAffinityScorer(10);
        Candidates c = withQueues("0 0 0");
        s.picked(ctx("m", pickedSession, new byte[0], null, 1), c.endpoint(pickedPod));

        assertThat(score(s, ctx("m", session, new byte[0], null, 1), c)).containsExactly(doubles(expected));
    }

    @Test
    void remembersAtMostMaxSessionsLeastRecentlyUsedFirstOut() {
        SessionAffinityScorer s = new SessionAffinityScorer(2);
        Candidates c = withQueues("0 0");
        s.picked(ctx("m", "a", new byte[0], null, 1), c.endpoint(0));
        s.picked(ctx("m", "b", new byte[0], null, 1), c.endpoint(1));
        score(s, ctx("m", "a", new byte[0], null, 1), c); // a is used again: b is now the eldest
        s.picked(ctx("m", "c", new byte[0], null, 1), c.endpoint(1));

        assertThat(s.sessions()).isEqualTo(2);
        assertThat(score(s, ctx("m", "a", new byte[0], null, 1), c)).containsExactly(1.0, 0.0);
        assertThat(score(s, ctx("m", "b", new byte[0], null, 1), c)).containsExactly(0.0, 0.0);
    }

    @Test
    void refusesLessThanOneSession() {
        assertThatThrownBy(() -> new SessionAffinityScorer(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSessions: 0 (expected: >= 1)");
    }
}
