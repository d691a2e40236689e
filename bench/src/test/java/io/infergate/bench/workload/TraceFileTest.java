package io.infergate.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFileTest {

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) {
        List<WorkloadRequest> rs = Schedule.of(
                PriorityMix.DEFAULT.apply(new MultiTurn(MultiTurn.Config.LLMD_MULTI_TURN_CHAT, "m", 1), 2),
                Arrivals.poisson(5),
                3,
                60);
        List<WorkloadRequest> withOdd = new ArrayList<>(rs);
        withOdd.add(new WorkloadRequest(7, "lora-x", -3, "quote \" tab \t é ✓\nline", 2, 9, "", "t"));
        Path f = dir.resolve("w.jsonl");
        TraceFile.write(f, withOdd);
        assertThat(TraceFile.read(f)).isEqualTo(withOdd);
    }

    @Test
    void defaultsOptionalFields() throws IOException {
        List<WorkloadRequest> rs = TraceFile.read(
                new StringReader(
                        "\n{\"arrivalNanos\":5,\"model\":\"m\",\"prompt\":\"abcdefghi\",\"maxOutputTokens\":3,\"extra\":1}\n"),
                "t");
        assertThat(rs).containsExactly(new WorkloadRequest(5, "m", 0, "abcdefghi", 3, 3, "", ""));
    }

    @Test
    void malformedLinesNameTheLineAndField() {
        String good = "{\"arrivalNanos\":0,\"model\":\"m\",\"prompt\":\"p\",\"maxOutputTokens\":1}";
        assertThatThrownBy(() -> TraceFile.read(
                        new StringReader(
                                good + "\n" + good + "\n"
                                        + "{\"arrivalNanos\":0,\"model\":\"m\",\"prompt\":\"p\",\"maxOutputTokens\":\"many\"}\n"),
                        "trace.jsonl"))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageContaining("trace.jsonl line 3")
                .hasMessageContaining("maxOutputTokens")
                .satisfies(e -> assertThat(((TraceFormatException) e).line()).isEqualTo(3));
        assertThatThrownBy(() -> TraceFile.read(
                        new StringReader(good + "\n{\"model\":\"m\",\"prompt\":\"p\"," + "\"maxOutputTokens\":1}"),
                        "t"))
                .hasMessage("t line 2: field arrivalNanos: missing");
        assertThatThrownBy(() -> TraceFile.read(new StringReader("{not json"), "t"))
                .hasMessageStartingWith("t line 1: not JSON");
        assertThatThrownBy(() -> TraceFile.read(
                        new StringReader(
                                "{\"arrivalNanos\":-1,\"model\":\"m\"," + "\"prompt\":\"p\",\"maxOutputTokens\":1}"),
                        "t"))
                .hasMessageStartingWith("t line 1: field arrivalNanos: -1");
    }

    @Test
    void writesOneLinePerRequest() throws IOException {
        StringWriter w = new StringWriter();
        TraceFile.write(w, List.of(WorkloadRequest.of("m", 1, "a\nb", 2, "s", "f")));
        assertThat(w.toString())
                .isEqualTo("{\"arrivalNanos\":0,\"model\":\"m\",\"priority\":1,\"prompt\":\"a\\nb\","
                        + "\"inputTokens\":1,\"maxOutputTokens\":2,\"sessionId\":\"s\",\"fairnessId\":\"f\"}\n");
    }
}
