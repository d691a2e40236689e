package io.infergate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.scheduler.pipeline.ErrorCode;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryRuleTest {

    /** The default rule, the behaviour the gateway always had: one row per failure kind and situation. */
    @ParameterizedTest(name = "{0} on attempt {1} of {2}, reused={3}, started={4} -> {5}")
    @CsvSource(textBlock = """
            # failure  attempt targets reused started expected
            connect,   0,      3,      false, false,  next
            connect,   1,      3,      false, false,  next
            connect,   2,      3,      false, false,  none
            connect,   0,      1,      false, false,  none
            connect,   2,      5,      false, false,  none
            closed,    0,      3,      false, false,  next
            closed,    2,      3,      false, false,  none
            closed,    0,      3,      true,  false,  fresh
            closed,    2,      3,      true,  false,  fresh
            closed,    0,      1,      true,  false,  fresh
            closed,    0,      3,      true,  true,   none
            closed,    0,      3,      false, true,   none
            5xx,       0,      3,      false, false,  next
            5xx,       0,      3,      true,  false,  next
            599,       1,      3,      false, false,  next
            999,       0,      2,      false, false,  next
            5xx,       1,      2,      false, false,  none
            5xx,       0,      1,      false, false,  none
            5xx,       2,      4,      true,  false,  none
            idle,      0,      3,      false, false,  none
            idle,      0,      3,      true,  false,  none
            idle,      0,      3,      false, true,   none
            """)
    void defaultRule(String failure, int attempt, int targets, boolean reused, boolean started, String expected) {
        RetryDecision d =
                RetryRule.DEFAULT.decide(failure(failure), new AttemptState(attempt, targets, reused, started));

        assertThat(d).isEqualTo(decision(expected));
    }

    @Test
    void defaultTriesThreeTargets() {
        assertThat(RetryRule.DEFAULT.maxAttempts()).isEqualTo(3);
        assertThat(RetryRule.DEFAULT.retryServerErrors()).isTrue();
    }

    @Test
    void aRuleWithoutServerErrorRetriesPassesTheFirst5xxOn() {
        RetryRule rule = new RetryRule(3, false);

        assertThat(rule.decide(new AttemptFailure.ServerError(503), new AttemptState(0, 3, false, false)))
                .isEqualTo(RetryDecision.NO_RETRY);
        assertThat(rule.decide(new AttemptFailure.Closed(), new AttemptState(0, 3, false, false)))
                .isEqualTo(RetryDecision.NEXT_ENDPOINT);
    }

    @Test
    void oneAttemptStillRetriesAStaleKeepAliveConnection() {
        RetryRule rule = new RetryRule(1, true);

        assertThat(rule.decide(new AttemptFailure.ConnectFailed(false), new AttemptState(0, 3, false, false)))
                .isEqualTo(RetryDecision.NO_RETRY);
        assertThat(rule.decide(new AttemptFailure.Closed(), new AttemptState(0, 3, true, false)))
                .isEqualTo(RetryDecision.FRESH_CONNECTION);
    }

    @Test
    void failuresMapToTheirErrorCodes() {
        assertThat(AttemptFailure.ConnectFailed.of(new ConnectTimeoutException("slow"))
                        .errorCode())
                .isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
        assertThat(AttemptFailure.ConnectFailed.of(new ConnectException("refused"))
                        .errorCode())
                .isEqualTo(ErrorCode.UPSTREAM_FAILED);
        assertThat(new AttemptFailure.Closed().errorCode()).isEqualTo(ErrorCode.UPSTREAM_FAILED);
        assertThat(new AttemptFailure.ServerError(500).errorCode()).isEqualTo(ErrorCode.UPSTREAM_ERROR);
        assertThat(new AttemptFailure.ServerError(500).answerStatus()).isEqualTo(502);
        assertThat(new AttemptFailure.ServerError(503).answerStatus()).isEqualTo(503);
        assertThat(new AttemptFailure.ServerError(504).answerStatus()).isEqualTo(504);
        assertThat(new AttemptFailure.ServerError(600).answerStatus()).isEqualTo(502);
        assertThat(new AttemptFailure.Closed().answerStatus()).isEqualTo(502);
        assertThat(new AttemptFailure.Idle().errorCode()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
    }

    @Test
    void badValuesAreRefused() {
        assertThatThrownBy(() -> new RetryRule(0, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttemptFailure.ServerError(404)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AttemptState(3, 3, false, false)).isInstanceOf(IllegalArgumentException.class);
    }

    private static AttemptFailure failure(String kind) {
        return switch (kind) {
            case "connect" -> new AttemptFailure.ConnectFailed(false);
            case "closed" -> new AttemptFailure.Closed();
            case "5xx" -> new AttemptFailure.ServerError(503);
            case "idle" -> new AttemptFailure.Idle();
            default -> new AttemptFailure.ServerError(Integer.parseInt(kind));
        };
    }

    private static RetryDecision decision(String kind) {
        return switch (kind) {
            case "next" -> RetryDecision.NEXT_ENDPOINT;
            case "fresh" -> RetryDecision.FRESH_CONNECTION;
            case "none" -> RetryDecision.NO_RETRY;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Envoy's retry budget defaults: 20 % of active requests may be retrying, at least 3. */
    @ParameterizedTest(name = "attempt {0}, {2} of {1} active retrying -> {3}")
    @CsvSource(textBlock = """
            # attempt active retrying expected
            0,        1,     0,       next
            0,        10,    2,       next
            0,        10,    3,       none
            0,        100,   19,      next
            0,        100,   20,      none
            0,        1000,  199,     next
            0,        1000,  200,     none
            1,        10,    3,       next
            1,        10,    50,      next
            """)
    void aRequestStartsRetryingOnlyWithinTheBudget(int attempt, int active, int retrying, String expected) {
        RetryDecision d = RetryRule.DEFAULT.decide(
                new AttemptFailure.ServerError(503), new AttemptState(attempt, 3, false, false, active, retrying));
        assertThat(d).isEqualTo(decision(expected));
        // a stale keep-alive connection is not a retry: never refused for the budget
        assertThat(RetryRule.DEFAULT.decide(
                        new AttemptFailure.Closed(), new AttemptState(attempt, 3, true, false, active, retrying)))
                .isEqualTo(RetryDecision.FRESH_CONNECTION);
    }
}
