package io.infergate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the text exposition for tests: every line must be a {@code # HELP}, a {@code # TYPE} or a
 * sample of the family last typed; samples are keyed by {@code name{label="value",...}} exactly as written.
 */
final class Exposed {

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? (\\S+)");

    final Map<String, Double> samples = new LinkedHashMap<>();
    final Map<String, String> types = new LinkedHashMap<>();

    static Exposed parse(String text) {
        Exposed e = new Exposed();
        String family = null;
        for (String line : List.of(text.split("\n"))) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                assertThat(parts).as(line).hasSize(4);
                assertThat(e.types).as("family typed twice: " + line).doesNotContainKey(parts[2]);
                e.types.put(parts[2], parts[3]);
                family = parts[2];
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("not a sample line: " + line).isTrue();
            String name = m.group(1);
            assertThat(family).as("sample before TYPE: " + line).isNotNull();
            assertThat(name.equals(family)
                            || name.equals(family + "_bucket")
                            || name.equals(family + "_sum")
                            || name.equals(family + "_count"))
                    .as("sample outside its family " + family + ": " + line)
                    .isTrue();
            String key = name + (m.group(2) == null ? "" : m.group(2));
            assertThat(e.samples).as("duplicate sample: " + line).doesNotContainKey(key);
            String v = m.group(3);
            e.samples.put(key, v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v));
        }
        return e;
    }

    double value(String key) {
        assertThat(samples).as("samples").containsKey(key);
        return samples.get(key);
    }
}
