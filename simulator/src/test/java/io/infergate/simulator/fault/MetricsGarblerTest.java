package io.infergate.simulator.fault;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.simulator.metrics.PrometheusTextParser;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricsGarblerTest {

    private static final String TEXT = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="m"} 3.0
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="m"} 0.0
            """;

    @Test
    void theOriginalParses() {
        assertThatCode(() -> PrometheusTextParser.parse(TEXT)).doesNotThrowAnyException();
    }

    @Test
    void garbledTextNeverParses() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            String garbled = MetricsGarbler.garble(TEXT, random);
            assertThatThrownBy(() -> PrometheusTextParser.parse(garbled))
                    .as(garbled)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> PrometheusTextParser.parse(MetricsGarbler.garble("", random)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
