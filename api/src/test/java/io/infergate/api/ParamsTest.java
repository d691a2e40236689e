package io.infergate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.load.GoDuration;
import io.infergate.api.load.Params;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.EndpointPickerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plugin parameters: the tree, the typed reader and its problems, and Go durations. */
class ParamsTest {

    private static final String YAML = """
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            plugins:
            - type: queue-scorer
            - type: utilization-detector
              parameters:
                queueDepthThreshold: "5"
                kvCacheUtilThreshold: 1
                metricsStalenessThreshold: 200
                headroom: .nan
                big: 4294967296
                float: 16.0
                flag: yes
                ok: true
                list: [1, "two", {three: 3}]
                nested:
                  inner: 1s
                  typo: 2
                hex: 0x10
                nothing: null
            """;

    private final List<Problem> problems = new ArrayList<>();

    private Params params() {
        EndpointPickerConfigResult r = EndpointPickerConfigLoader.load("p.yaml", YAML);
        assertThat(r.problems()).isEmpty();
        EndpointPickerConfig.Plugin plugin = r.config().orElseThrow().plugins().get(1);
        return r.params(plugin, problems::add);
    }

    private List<String> formatted() {
        return problems.stream().map(Problem::format).toList();
    }

    @Test
    void wrongTypesAreReportedAtTheirLineAndReadAsAbsent() {
        Params p = params();
        assertThat(p.integer("queueDepthThreshold")).isEmpty();
        assertThat(p.duration("metricsStalenessThreshold")).isEmpty();
        assertThat(p.number("headroom")).isEmpty();
        assertThat(p.integer("big")).isEmpty();
        assertThat(p.integer("float")).isEmpty();
        assertThat(p.bool("flag")).isEmpty();
        assertThat(p.hasErrors()).isTrue();
        assertThat(formatted())
                .containsExactly(
                        "p.yaml:7:26: error: plugins[1].parameters.queueDepthThreshold: found string \"5\" (expected: an"
                                + " integer)",
                        "p.yaml:9:32: error: plugins[1].parameters.metricsStalenessThreshold: found integer 200 (expected: a"
                                + " Go duration such as 200ms, 1.5s, 5m or 1h30m (units: ns, us, ms, s, m, h), quoted if YAML"
                                + " would read it as a number)",
                        "p.yaml:10:15: error: plugins[1].parameters.headroom: found number .nan (expected: a finite number)",
                        "p.yaml:11:10: error: plugins[1].parameters.big: integer 4294967296 is out of range (expected: a"
                                + " 32-bit integer)",
                        "p.yaml:12:12: error: plugins[1].parameters.float: found number 16.0 (expected: an integer)",
                        "p.yaml:13:11: error: plugins[1].parameters.flag: found string \"yes\" (expected: a boolean)");
    }

    @Test
    void rightTypesReadAsGoJsonWould() {
        Params p = params();
        assertThat(p.number("kvCacheUtilThreshold").getAsDouble()).isEqualTo(1.0); // an integer is a float too
        assertThat(p.longInteger("big").getAsLong()).isEqualTo(4_294_967_296L);
        assertThat(p.number("float").getAsDouble()).isEqualTo(16.0);
        assertThat(p.bool("ok")).contains(true);
        assertThat(p.integer("hex").getAsInt()).isEqualTo(16);
        assertThat(p.has("nothing")).isFalse(); // null is absent
        assertThat(p.string("absent")).isEmpty();
        assertThat(p.list("list")).extracting(ConfigTree::toJson).containsExactly("1", "\"two\"", "{\"three\":3}");
        Params nested = p.object("nested").orElseThrow();
        assertThat(nested.duration("inner")).contains(Duration.ofSeconds(1));
        nested.finish(Severity.WARNING);
        assertThat(formatted())
                .containsExactly("p.yaml:18:13: warning: plugins[1].parameters.nested.typo: unknown"
                        + " parameter \"typo\" (accepted: inner)");
        assertThat(p.hasErrors()).isFalse();
    }

    @Test
    void rangesAndCallerProblemsAreReportedAtTheValueOrTheObject() {
        Params p = params();
        assertThat(p.integer("hex", 1, 8)).isEmpty();
        assertThat(p.number("kvCacheUtilThreshold", 0.0, 0.9)).isEmpty();
        p.error("missing", "required for this test");
        assertThat(formatted())
                .containsExactly(
                        "p.yaml:19:10: error: plugins[1].parameters.hex: found 16 (expected: 1..8)",
                        "p.yaml:8:27: error: plugins[1].parameters.kvCacheUtilThreshold: found 1.0 (expected: 0.0..0.9)",
                        "p.yaml:7:5: error: plugins[1].parameters.missing: required for this test");
    }

    @Test
    void unknownParametersAreReportedAtTheChosenSeverity() {
        Params p = params();
        p.integer("queueDepthThreshold");
        problems.clear();
        p.finish(Severity.ERROR);
        assertThat(problems).hasSize(11);
        assertThat(problems.get(0).format())
                .isEqualTo(
                        "p.yaml:8:27: error: plugins[1].parameters"
                                + ".kvCacheUtilThreshold: unknown parameter \"kvCacheUtilThreshold\" (accepted: queueDepthThreshold)");
    }

    @Test
    void onlyTheFirstFinishReports() {
        Params p = params();
        p.finish(Severity.ERROR);
        int reported = problems.size();
        p.finish(Severity.WARNING);
        assertThat(problems).hasSize(reported).allMatch(Problem::isError);
    }

    @Test
    void listItemsAreReadAsObjectsSharingTheSink() {
        Params p = params();
        List<ConfigTree> items = p.list("list");
        assertThat(p.object(items.get(0))).isEmpty();
        Params third = p.object(items.get(2)).orElseThrow();
        assertThat(third.integer("three")).hasValue(3);
        third.string("four");
        third.error("four", "required here");
        assertThat(formatted())
                .containsExactly(
                        "p.yaml:15:12: error: plugins[1].parameters.list[0]: found integer 1 (expected: an object)",
                        "p.yaml:15:22: error: plugins[1].parameters.list[2].four: required here");
        assertThat(p.hasErrors()).isTrue();
    }

    @Test
    void treesCompareByContentNotPosition() {
        String a = "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n"
                + "- type: queue-scorer\n  parameters: {x: 1, y: [a, {z: true}]}\n";
        String b = "\n\n" + a.replace("{x: 1, y: [a, {z: true}]}", "\n    x: 1\n    y:\n    - a\n    - z: true");
        ConfigTree.Mapping ta = EndpointPickerConfigLoader.load("a.yaml", a)
                .config()
                .orElseThrow()
                .plugins()
                .get(0)
                .parameters();
        ConfigTree.Mapping tb = EndpointPickerConfigLoader.load("b.yaml", b)
                .config()
                .orElseThrow()
                .plugins()
                .get(0)
                .parameters();
        assertThat(ta).isEqualTo(tb).hasSameHashCodeAs(tb);
        assertThat(ta.location()).isNotEqualTo(tb.location());
        assertThat(ta.toJson()).isEqualTo("{\"x\":1,\"y\":[\"a\",{\"z\":true}]}");
    }

    @Test
    void parameterTreesThatAreNotJsonAreErrors() {
        String yaml = "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n"
                + "- type: queue-scorer\n  parameters:\n    a: !!binary aGVsbG8=\n    a: 2\n";
        assertThat(EndpointPickerConfigLoader.load("t.yaml", yaml).problems())
                .extracting(Problem::format)
                .containsExactly(
                        "t.yaml:6:8: error: plugins[0].parameters.a: found a value tagged"
                                + " tag:yaml.org,2002:binary (expected: an object, a list, a string, a number, a"
                                + " boolean or null, as in JSON)",
                        "t.yaml:7:5: error: plugins[0].parameters.a: duplicate field \"a\"");
        String cyclic = "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n"
                + "- type: queue-scorer\n  parameters:\n    a: &loop [*loop]\n";
        assertThat(EndpointPickerConfigLoader.load("t.yaml", cyclic).problems())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("nested more than 64 levels deep"));
    }

    // --- Go durations: cases from Go's time package tests

    @Test
    void goDurationsParseAsGoParsesThem() {
        Object[][] cases = {
            {"0", 0L},
            {"5s", 5_000_000_000L},
            {"30s", 30_000_000_000L},
            {"1478s", 1_478_000_000_000L},
            {"-5s", -5_000_000_000L},
            {"+5s", 5_000_000_000L},
            {"-0", 0L},
            {"+0", 0L},
            {"5.0s", 5_000_000_000L},
            {"5.6s", 5_600_000_000L},
            {"5.s", 5_000_000_000L},
            {".5s", 500_000_000L},
            {"1.004s", 1_004_000_000L},
            {"100.00100s", 100_001_000_000L},
            {"10ns", 10L},
            {"11us", 11_000L},
            {"12\u00b5s", 12_000L},
            {"12\u03bcs", 12_000L},
            {"13ms", 13_000_000L},
            {"15m", 900_000_000_000L},
            {"16h", 57_600_000_000_000L},
            {"3h30m", 12_600_000_000_000L},
            {"10.5s4m", 250_500_000_000L},
            {"-2m3.4s", -123_400_000_000L},
            {"1h2m3s4ms5us6ns", 3_723_004_005_006L},
            {"39h9m14.425s", 140_954_425_000_000L},
            {"52763797000ns", 52_763_797_000L},
            {"0.3333333333333333333h", 1_200_000_000_000L},
            {"9007199254740993ns", 9_007_199_254_740_993L},
            {"9223372036854775807ns", Long.MAX_VALUE},
            {"9223372036854775.807us", Long.MAX_VALUE},
            {"9223372036s854ms775us807ns", Long.MAX_VALUE},
            {"-9223372036854775808ns", Long.MIN_VALUE},
            {"-9223372036854775.808us", Long.MIN_VALUE},
            {"-2562047h47m16.854775808s", Long.MIN_VALUE},
            {".100000000000000000000h", 360_000_000_000L},
            {"0.830103483285477580700h", 2_988_372_539_827L},
        };
        for (Object[] c : cases) {
            assertThat(GoDuration.parse((String) c[0]).toNanos())
                    .as((String) c[0])
                    .isEqualTo((long) c[1]);
        }
    }

    @Test
    void notGoDurationsAreRefusedWithGosReason() {
        String[] invalid = {
            "",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "9223372036854775808ns",
            "-9223372036854775809ns",
            "9223372036854775.808us",
            "9223372036s854ms775us808ns",
            "3000000h"
        };
        for (String s : invalid) {
            assertThatThrownBy(() -> GoDuration.parse(s))
                    .as(s)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("invalid duration");
        }
        assertThatThrownBy(() -> GoDuration.parse("3")).hasMessage("missing unit");
        assertThatThrownBy(() -> GoDuration.parse("1.0.s")).hasMessage("missing unit");
        assertThatThrownBy(() -> GoDuration.parse("1d")).hasMessage("unknown unit \"d\"");
        assertThatThrownBy(() -> GoDuration.parse("200 ms")).hasMessage("unknown unit \" ms\"");
    }

    @Test
    void goDurationsFormatAsGoFormatsThem() {
        assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDuration.format(Duration.ofMillis(200))).isEqualTo("200ms");
        assertThat(GoDuration.format(Duration.ofNanos(1_500))).isEqualTo("1.5\u00b5s");
        assertThat(GoDuration.format(Duration.ofMillis(1_500))).isEqualTo("1.5s");
        assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
        assertThat(GoDuration.format(Duration.ofSeconds(-61))).isEqualTo("-1m1s");
    }
}
