package io.infergate.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.bench.results.RequestRecord;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The lab-vs-real benchmark's machinery on a short run: both paths answer every request. How close their TTFTs are is
 * the benchmark's number ({@code docs/benchmarks.md}), not a test's: the real side is wall-clock.
 */
class LabRealTimeAgreementIT {

    @Test
    void bothPathsAnswerEveryRequestOfTheSameSchedule() throws Exception {
        LabRealTimeAgreement.Spec spec = new LabRealTimeAgreement.Spec(7, 2, Duration.ofSeconds(3), Duration.ZERO);

        LabRealTimeAgreement.Result r = LabRealTimeAgreement.run(spec);

        assertThat(r.real())
                .as("real-time records")
                .isNotEmpty()
                .allSatisfy(rec -> assertThat(rec.status()).isEqualTo(RequestRecord.Status.OK));
        assertThat(r.lab())
                .as("lab records")
                .hasSameSizeAs(r.real())
                .allSatisfy(rec -> assertThat(rec.status()).isEqualTo(RequestRecord.Status.OK));
        assertThat(r.row())
                .startsWith("| 7 | " + r.real().size() + " | " + r.real().size() + " | ");
        assertThat(r.ttftP50Gap()).isNotNaN();
    }

    @Test
    void aSpecSaysWhatItExpects() {
        assertThat(LabRealTimeAgreement.Spec.published(3))
                .isEqualTo(new LabRealTimeAgreement.Spec(3, 3, Duration.ofSeconds(25), Duration.ofSeconds(5)));
        Assertions.assertThatThrownBy(() -> new LabRealTimeAgreement.Spec(1, 0, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("expected: rate > 0");
    }
}
