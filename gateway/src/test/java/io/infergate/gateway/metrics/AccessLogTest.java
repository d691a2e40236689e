package io.infergate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.gateway.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void oneLogfmtLinePerRequest() {
        List<String> lines = new ArrayList<>();
        AccessLog log = new AccessLog(lines::add);
        log.onComplete(new RequestRecord(
                "req-1",
                "default/gw/http",
                "POST",
                "/v1/chat/completions",
                "food-review",
                "food-review-v1",
                "default/vllm",
                "127.0.0.1:8000",
                200,
                41_234_000L,
                912_400_000L,
                12,
                96,
                0,
                null,
                1));
        assertThat(lines)
                .containsExactly("request_id=req-1 method=POST path=/v1/chat/completions status=200 "
                        + "model=food-review target_model=food-review-v1 pool=default/vllm endpoint=127.0.0.1:8000 priority=0 "
                        + "ttft_ms=41.2 prompt_tokens=12 completion_tokens=96 duration_ms=912.4 attempts=1 "
                        + "listener=default/gw/http error=-");
    }

    @Test
    void absentValuesAreDashesAndOddValuesAreQuoted() {
        String line = AccessLog.format(new RequestRecord(
                "r 2",
                "l",
                "GET",
                "/v1/models",
                "a \"b\"",
                null,
                null,
                null,
                404,
                -1,
                1_000_000L,
                -1,
                -1,
                0,
                "invalid_request_error",
                0));
        assertThat(line)
                .startsWith("request_id=\"r 2\" method=GET path=/v1/models status=404 model=\"a \\\"b\\\"\" "
                        + "target_model=- pool=- endpoint=- priority=0 ttft_ms=- ")
                .endsWith(" attempts=0 listener=l error=invalid_request_error");
    }

    @Test
    void clientStringsAreEscapedAndCut() {
        String model = "evil\u0000\n\r\u000b\u001f\u007f" + "m".repeat(1000);
        String line = AccessLog.format(new RequestRecord(
                "id\nforged=1",
                "l",
                "POST",
                "/v1/completions",
                model,
                null,
                null,
                null,
                404,
                -1,
                1_000_000L,
                -1,
                -1,
                0,
                "invalid_request_error",
                0));
        assertThat(line).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
        assertThat(line)
                .startsWith("request_id=\"id\\nforged=1\" ")
                .contains(" model=\"evil\\u0000\\n\\r\\u000b\\u001f\\u007fmmm")
                .contains("...(+" + (model.length() - AccessLog.MAX_VALUE_CHARS) + ")\" target_model=- ");
        assertThat(line.length()).isLessThan(AccessLog.MAX_VALUE_CHARS + 400);
    }

    @Test
    void millisecondsHaveOneDecimalRoundedHalfUpAsTheFormatterWould() {
        long[] edges = {
            0,
            1,
            49_999,
            50_000,
            99_999,
            100_000,
            150_000,
            250_000,
            949_999,
            950_000,
            41_234_000L,
            912_450_000L,
            1_000_000_000_000L
        };
        SplittableRandom random = new SplittableRandom(7);
        List<Long> values = new ArrayList<>();
        for (long e : edges) {
            values.add(e);
        }
        for (int i = 0; i < 2_000; i++) {
            values.add(random.nextLong(0, 100_000_000_000L));
            values.add(random.nextLong(0, 200) * 50_000L); // every tie
        }
        for (long nanos : values) {
            StringBuilder b = new StringBuilder();
            AccessLog.millis(b, nanos);
            assertThat(b.toString()).as("%d ns", nanos).isEqualTo(String.format(Locale.ROOT, "%.1f", nanos / 1e6));
        }
    }
}
