package io.infergate.scheduler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.InferencePool.FailureMode;
import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every outcome an external endpoint picker can produce, as the pipeline decides it: the same decision kinds as an
 * in-process pick, refusals from the one table, the failure mode for no usable decision. Seeded randomness only.
 */
class PickerAnswersTest {

    private static final PoolId POOL = new PoolId("inference.networking.k8s.io", "ns", "pool");
    private static final Endpoint A = endpoint("a", "10.0.0.1");
    private static final Endpoint B = endpoint("b", "10.0.0.2");
    private static final Endpoint C = endpoint("c", "10.0.0.3");
    private static final PoolSnapshot SNAPSHOT = new PoolSnapshot(POOL, List.of(A, B, C));
    private static final PoolSnapshot EMPTY = new PoolSnapshot(POOL, List.of());
    private static final String BODY = "{\"model\":\"m\",\"prompt\":\"" + "x".repeat(38) + "\",\"max_tokens\":7}";

    private static Endpoint endpoint(String name, String ip) {
        return Endpoint.of(new PoolEndpoint(name, name, ip, 8000, 0), Map.of());
    }

    private static ParsedRequest request(long seed) {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        return new ParsedRequest(
                "req-1",
                new OpenAiRequestScanner().scan(body),
                body,
                0,
                body.length,
                null,
                null,
                "tenant",
                "",
                false,
                null,
                new SplittableRandom(seed),
                Runnable::run);
    }

    private static PickerAnswers.Routed routed(String destination, String model, byte[] replacement, FailureMode m) {
        return PickerAnswers.routed(request(1), SNAPSHOT, "epp", destination, model, replacement, m, 3);
    }

    @Test
    void theListedEndpointsOfThePoolInThePickersOrderWithTheSameTokenEstimates() {
        PickerAnswers.Routed r =
                routed("10.0.0.3:8000, 10.9.9.9:8000,10.0.0.1:8000", null, null, FailureMode.FAIL_CLOSE);

        assertThat(r.byPicker()).isTrue();
        Decision.Forward f = (Decision.Forward) r.decision();
        assertThat(f.endpoints()).containsExactly(C, A); // the address outside the pool is ignored
        assertThat(f.rewrite()).isNull();
        assertThat(f.replacement()).isNull();
        assertThat(f.promptTokens()).isEqualTo(10);
        assertThat(f.outputTokens()).isEqualTo(7);
        assertThat(f.request().targetModel()).isEqualTo("m");
        assertThat(f.request().fairnessId()).isEqualTo("tenant");
    }

    @Test
    void aBodyWithAnotherModelIsSentAndTheClientsNameRestored() {
        byte[] replacement = "{\"model\":\"m-v2\"}".getBytes(StandardCharsets.UTF_8);
        Decision.Forward f = (Decision.Forward) routed("10.0.0.2:8000", "m-v2", replacement, FailureMode.FAIL_CLOSE)
                .decision();

        assertThat(f.replacement()).isSameAs(replacement);
        assertThat(f.rewrite().upstream().name()).isEqualTo("m-v2");
        assertThat(f.rewrite().client().name()).isEqualTo("m");
        assertThat(f.request().targetModel()).isEqualTo("m-v2");

        Decision.Forward same = (Decision.Forward) routed("10.0.0.2:8000", "m", replacement, FailureMode.FAIL_CLOSE)
                .decision();
        assertThat(same.rewrite()).isNull();
        assertThat(same.replacement()).isSameAs(replacement);
    }

    @Test
    void anAnswerWithoutAUsableEndpointFailsClosedWithItsCode() {
        assertRefused(routed("10.0.0.1", null, null, FailureMode.FAIL_CLOSE), ErrorCode.PICKER_MALFORMED, 500);
        assertRefused(routed("", null, null, FailureMode.FAIL_CLOSE), ErrorCode.PICKER_UNAVAILABLE, 503);
        assertRefused(routed("10.9.9.9:8000", null, null, FailureMode.FAIL_CLOSE), ErrorCode.PICKER_UNAVAILABLE, 503);
    }

    private static void assertRefused(PickerAnswers.Routed r, ErrorCode code, int status) {
        assertThat(r.byPicker()).isFalse();
        Decision.Refuse refuse = (Decision.Refuse) r.decision();
        assertThat(refuse.code()).isEqualTo(code);
        assertThat(refuse.status()).isEqualTo(status);
    }

    @Test
    void failingOpenForwardsTheClientsBodyToRandomReadyEndpoints() {
        byte[] replacement = "{\"model\":\"m-v2\"}".getBytes(StandardCharsets.UTF_8);
        PickerAnswers.Routed r = routed("not a list", "m-v2", replacement, FailureMode.FAIL_OPEN);

        assertThat(r.byPicker()).isFalse();
        Decision.Forward f = (Decision.Forward) r.decision();
        assertThat(f.endpoints()).hasSize(3).containsExactlyInAnyOrder(A, B, C);
        assertThat(f.replacement()).isNull(); // the picker's rewrite does not happen
        assertThat(f.rewrite()).isNull();
        assertThat(f.request().targetModel()).isEqualTo("m");
        assertThat(f.promptTokens()).isEqualTo(10);

        // the same seed, the same order; at most the retry budget
        Decision.Forward again = (Decision.Forward)
                PickerAnswers.failed(request(1), SNAPSHOT, "timeout", false, FailureMode.FAIL_OPEN, 3);
        assertThat(again.endpoints()).isEqualTo(f.endpoints());
        Decision.Forward two = (Decision.Forward)
                PickerAnswers.failed(request(1), SNAPSHOT, "timeout", false, FailureMode.FAIL_OPEN, 2);
        assertThat(two.endpoints()).hasSize(2);
    }

    @Test
    void noDecisionIsTheFailureMode() {
        Decision.Refuse timeout = (Decision.Refuse) PickerAnswers.failed(
                request(1), SNAPSHOT, "epp gave no decision within PT10S", false, FailureMode.FAIL_CLOSE, 3);
        assertThat(timeout.code()).isEqualTo(ErrorCode.PICKER_UNAVAILABLE);
        assertThat(timeout.status()).isEqualTo(503);
        assertThat(timeout.message()).isEqualTo("epp gave no decision within PT10S");

        Decision.Refuse malformed = (Decision.Refuse)
                PickerAnswers.failed(request(1), SNAPSHOT, "epp sent junk", true, FailureMode.FAIL_CLOSE, 3);
        assertThat(malformed.code()).isEqualTo(ErrorCode.PICKER_MALFORMED);
        assertThat(malformed.status()).isEqualTo(500);

        Decision.Refuse nothingOpen =
                (Decision.Refuse) PickerAnswers.failed(request(1), EMPTY, "down", false, FailureMode.FAIL_OPEN, 3);
        assertThat(nothingOpen.code()).isEqualTo(ErrorCode.NO_ENDPOINT);
        assertThat(nothingOpen.message()).contains("down; failing open");
    }

    @Test
    void anImmediateResponseIsARefusalFromTheTableKeepingItsStatus() {
        assertThat(PickerAnswers.immediate("epp", 429, "busy"))
                .isEqualTo(new Decision.Refuse(ErrorCode.SHED, 429, "busy", null));
        assertThat(PickerAnswers.immediate("epp", 404, "inference error: NotFound - no such model"))
                .isEqualTo(new Decision.Refuse(
                        ErrorCode.PICKER_REJECTED, 404, "inference error: NotFound - no such model", null));
        assertThat(PickerAnswers.immediate("epp", 503, ""))
                .isEqualTo(new Decision.Refuse(
                        ErrorCode.PICKER_UNAVAILABLE, 503, "endpoint picker epp answered 503", null));
        assertThat(PickerAnswers.immediate("epp", 200, "ok")).isNull(); // not an error: passed on as it is
    }

    @Test
    void rejectionsKeepTheirStatusUnderOneOfTwoCodes() {
        assertThat(ErrorCode.ofRejection(429)).isEqualTo(ErrorCode.SHED);
        assertThat(ErrorCode.ofRejection(503)).isEqualTo(ErrorCode.NO_ENDPOINT);
        assertThat(ErrorCode.ofPickerAnswer(399)).isNull();
        assertThat(ErrorCode.ofPickerAnswer(600)).isNull();
    }
}
