package io.infergate.scheduler.scheduling.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.Severity;
import io.infergate.api.load.Params;
import io.infergate.api.model.ConfigTree;
import io.infergate.api.model.PluginTypes;
import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PromptBytes;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.Plugin;
import io.infergate.scheduler.scheduling.PostPick;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import io.infergate.scheduler.scheduling.config.PluginRegistry;
import io.infergate.scheduler.scheduling.config.PrefixSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered plugin type keeps, checked for each type of {@link PluginRegistry#STANDARD} (a new
 * type is covered as soon as it is registered):
 * <ul>
 *   <li>its factory builds it from its defaults without a problem, and its instance carries the registered type
 *       name; an unknown parameter is reported naming it, and every parameter it reads, given a value of the wrong
 *       kind, is an error naming that parameter (never an exception);</li>
 *   <li>a scorer scores every candidate in [0, 1], also with unknown (NaN), never-read, stale or failed metrics,
 *       zero and huge queues and loads, and after learning from a pick; it leaves the candidates alone and takes
 *       an empty list;</li>
 *   <li>a filter keeps a subset of its input, in order, and takes an empty list;</li>
 *   <li>a picker picks distinct candidates, at most as many as asked and at least one when there is one;</li>
 *   <li>the same input and the same seed give the same output;</li>
 *   <li>nothing blocks: every call here is a plain call on the test thread, with a synchronous prefix learner and
 *       a fixed clock ({@link #NOW}); there is no timing in these tests.</li>
 * </ul>
 */
class PluginContractTest {

    static final long NOW = 5_000_000_000_000L;
    static final String MODEL = "adapter-a";
    static final String PARAMETERS = "plugins[0].parameters";
    static final Location AT = new Location("kit.yaml", 1, 1);
    static final String UNKNOWN = "kitUnknownParameter";

    /** Parameters a type needs to be built at all; every other type builds from no parameters. */
    static final Map<String, Map<String, ConfigTree>> REQUIRED = Map.of(
            DecisionTreeFilter.TYPE,
            Map.of(
                    "current",
                    mapping(
                            PARAMETERS + ".current",
                            Map.of("pluginRef", string(PARAMETERS + ".current.pluginRef", "kit-filter")))));

    /**
     * Parameters a type reads without checking their value, as GIE does; each needs a reason. {@code blockSize} is
     * GIE v1.x's legacy prefix parameter, accepted and ignored (PrefixSettings).
     */
    static final Map<String, Set<String>> UNCHECKED = Map.of(
            PrefixCacheScorer.TYPE, Set.of("blockSize"),
            PluginTypes.APPROX_PREFIX_CACHE_PRODUCER, Set.of("blockSize"));

    static Stream<String> types() {
        return PluginRegistry.STANDARD.supportedTypes().stream();
    }

    // --- factories and parameters

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void buildsFromItsDefaultsUnderItsRegisteredName(String type) {
        Built b = build(type, Map.of());

        assertThat(b.problems).isEmpty();
        assertThat(b.instance).isNotInstanceOf(PluginInstance.Invalid.class);
        assertThat(b.instance.type()).isEqualTo(type);
        assertThat(b.instance.name()).isEqualTo("kit");
        if (b.instance.isProfilePlugin()) {
            Plugin plugin = plugin(b.instance);
            assertThat(plugin.type()).isEqualTo(type);
            assertThat(plugin.name()).isEqualTo("kit");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void anUnknownParameterIsReportedByName(String type) {
        Built b = build(type, Map.of(UNKNOWN, integer(PARAMETERS + "." + UNKNOWN, "1")));

        assertThat(b.problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo(PARAMETERS + "." + UNKNOWN);
            assertThat(p.message()).startsWith("unknown parameter \"" + UNKNOWN + "\" (accepted: ");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aParameterOfTheWrongKindIsAnErrorNamingIt(String type) {
        for (String parameter : parameters(type)) {
            if (UNCHECKED.getOrDefault(type, Set.of()).contains(parameter)) {
                continue;
            }
            String path = PARAMETERS + "." + parameter;
            // an object where every parameter takes a scalar or a list, or a {pluginRef}/{decisionTree} entry
            Built b =
                    build(type, Map.of(parameter, mapping(path, Map.of("kitProbe", integer(path + ".kitProbe", "1")))));

            assertThat(b.problems).as("%s.%s", type, parameter).anySatisfy(p -> {
                assertThat(p.severity()).isEqualTo(Severity.ERROR);
                assertThat(p.field()).startsWith(path);
                assertThat(p.message()).isNotBlank();
            });
        }
    }

    @Test
    void theKitFindsTheParametersEachTypeReads() {
        assertThat(parameters(UtilizationFilter.TYPE))
                .containsExactly(
                        "queueDepthThreshold", "kvCacheUtilThreshold", "metricsStalenessThreshold", "headroom");
        assertThat(parameters(DecisionTreeFilter.TYPE))
                .containsExactly("current", "nextOnSuccess", "nextOnFailure", "nextOnSuccessOrFailure");
        assertThat(parameters(MaxScorePicker.TYPE)).containsExactly("maxNumOfEndpoints");
        assertThat(parameters(QueueScorer.TYPE)).isEmpty();
        UNCHECKED.forEach((type, names) -> assertThat(parameters(type)).containsAll(names));
    }

    // --- scorers, filters, pickers

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aScorerScoresEveryCandidateInZeroToOneAndLeavesTheCandidatesAlone(String type) {
        Built b = build(type, Map.of());
        if (!(b.instance instanceof PluginInstance.Scorer s)) {
            return;
        }
        for (Map.Entry<String, Function<Integer, Candidates>> scenario :
                scenarios().entrySet()) {
            for (int round = 0; round < 2; round++) { // the second round after learning from a pick
                Candidates c = scenario.getValue().apply(round);
                List<Endpoint> before = c.endpoints();
                double[] scores = new double[c.size()];
                SchedulingContext ctx = ctx(7);

                s.scorer().score(ctx, c, scores);

                assertThat(Arrays.stream(scores).boxed().toList())
                        .as("%s, %s, round %d", type, scenario.getKey(), round)
                        .allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
                assertThat(c.endpoints()).isEqualTo(before);
                if (s.scorer() instanceof PostPick learner && c.size() > 0) {
                    learner.picked(ctx, c.endpoint(0));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aFilterKeepsASubsetOfItsInputInOrder(String type) {
        Built b = build(type, Map.of());
        SelectingFilter f = b.instance.asFilter();
        if (f == null) {
            return;
        }
        for (Map.Entry<String, Function<Integer, Candidates>> scenario :
                scenarios().entrySet()) {
            Candidates c = scenario.getValue().apply(0);
            List<Endpoint> before = c.endpoints();

            boolean[] keep = f.select(ctx(7), c);
            assertThat(keep.length).isGreaterThanOrEqualTo(c.size());
            assertThat(c.endpoints()).as("select leaves the candidates alone").isEqualTo(before);

            f.filter(ctx(7), c);
            List<Endpoint> after = c.endpoints();
            assertThat(before).as("%s, %s", type, scenario.getKey()).containsAll(after);
            assertThat(after).isEqualTo(before.stream().filter(after::contains).toList());
            assertThat(after).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void aPickerPicksDistinctCandidates(String type) {
        Built b = build(type, Map.of());
        if (!(b.instance instanceof PluginInstance.Picker p)) {
            return;
        }
        for (Map.Entry<String, Function<Integer, Candidates>> scenario :
                scenarios().entrySet()) {
            Candidates c = scenario.getValue().apply(0);
            for (int max : new int[] {1, 2, 64}) {
                int[] picked = p.picker().pick(ctx(7), c, totals(c.size()), max);

                assertThat(picked.length)
                        .as("%s, %s, max %d", type, scenario.getKey(), max)
                        .isEqualTo(Math.min(max, c.size()));
                assertThat(Arrays.stream(picked).boxed().toList())
                        .doesNotHaveDuplicates()
                        .allSatisfy(i -> assertThat(i).isBetween(0, c.size() - 1));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void theSameInputAndSeedGiveTheSameOutput(String type) {
        for (Map.Entry<String, Function<Integer, Candidates>> scenario :
                scenarios().entrySet()) {
            assertThat(run(type, scenario.getValue(), 11))
                    .as("%s, %s", type, scenario.getKey())
                    .isEqualTo(run(type, scenario.getValue(), 11));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void takesAnEmptyCandidateList(String type) {
        Built b = build(type, Map.of());
        Candidates empty = Candidates.of(List.of(), List.of());
        assertThatCode(() -> {
                    switch (b.instance) {
                        case PluginInstance.Scorer s -> s.scorer().score(ctx(1), empty, new double[0]);
                        case PluginInstance.Picker p ->
                            assertThat(p.picker().pick(ctx(1), empty, new double[0], 3))
                                    .isEmpty();
                        default -> {
                            if (b.instance.asFilter() != null) {
                                b.instance.asFilter().filter(ctx(1), empty);
                            }
                        }
                    }
                })
                .doesNotThrowAnyException();
        assertThat(empty.size()).isZero();
    }

    // --- the kit

    /** What the plugin did with a fresh instance of {@code type} on a fresh scenario, as comparable text. */
    private static String run(String type, Function<Integer, Candidates> scenario, long seed) {
        PluginInstance instance = build(type, Map.of()).instance;
        StringBuilder out = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            Candidates c = scenario.apply(round);
            SchedulingContext ctx = ctx(seed + round);
            switch (instance) {
                case PluginInstance.Scorer s -> {
                    double[] scores = new double[c.size()];
                    s.scorer().score(ctx, c, scores);
                    out.append(Arrays.toString(scores));
                    if (s.scorer() instanceof PostPick learner && c.size() > 0) {
                        learner.picked(ctx, c.endpoint(c.size() - 1));
                    }
                }
                case PluginInstance.Picker p ->
                    out.append(Arrays.toString(p.picker().pick(ctx, c, totals(c.size()), 3)));
                default -> {
                    if (instance.asFilter() != null) {
                        instance.asFilter().filter(ctx, c);
                        out.append(c.endpoints());
                        if (instance.asFilter() instanceof PostPick learner && c.size() > 0) {
                            learner.picked(ctx, c.endpoint(0));
                        }
                    }
                }
            }
            out.append('|');
        }
        return out.toString();
    }

    record Built(PluginInstance instance, List<Problem> problems) {}

    /** Builds {@code type} named {@code kit} from {@link #REQUIRED} and {@code parameters}, finishing leniently. */
    static Built build(String type, Map<String, ConfigTree> parameters) {
        Map<String, ConfigTree> all = new LinkedHashMap<>(REQUIRED.getOrDefault(type, Map.of()));
        all.putAll(parameters);
        List<Problem> problems = new ArrayList<>();
        Params p = Params.of(mapping(PARAMETERS, all), "", problems);
        PluginFactory factory = PluginRegistry.STANDARD.factory(type).orElseThrow();
        PluginInstance[] out = new PluginInstance[1];
        assertThatCode(() -> out[0] = factory.create("kit", p, new KitHandle()))
                .as(type)
                .doesNotThrowAnyException();
        p.finish(Severity.WARNING);
        return new Built(out[0], problems);
    }

    /** The parameters {@code type} reads, from the list its unknown-parameter message gives. */
    static Set<String> parameters(String type) {
        String message = build(type, Map.of(UNKNOWN, integer(PARAMETERS + "." + UNKNOWN, "1"))).problems.stream()
                .filter(p -> p.field().endsWith(UNKNOWN))
                .findFirst()
                .orElseThrow()
                .message();
        String list =
                message.substring(message.indexOf("(accepted: ") + "(accepted: ".length(), message.lastIndexOf(')'));
        return list.equals("none") ? Set.of() : new LinkedHashSet<>(Arrays.asList(list.split(", ")));
    }

    private static Plugin plugin(PluginInstance i) {
        return switch (i) {
            case PluginInstance.Scorer s -> s.scorer();
            case PluginInstance.Picker p -> p.picker();
            default -> i.asFilter();
        };
    }

    /** The setup as a factory sees it: GIE's prefix defaults, a synchronous index, any filter by reference. */
    static final class KitHandle implements PluginFactory.Handle {

        private final PrefixIndex index = new PrefixIndex(
                PrefixSettings.DEFAULT.lruCapacityPerServer(), PrefixIndex.AddOrder.PROMPT_ORDER, Runnable::run);

        @Override
        public PrefixSettings prefixSettings() {
            return PrefixSettings.DEFAULT;
        }

        @Override
        public PrefixHasher prefixHasher() {
            return PrefixSettings.DEFAULT.hasher();
        }

        @Override
        public PrefixIndex prefixIndex() {
            return index;
        }

        @Override
        public Optional<SelectingFilter> filter(String ref, Params reporter, ConfigTree at) {
            return Optional.of(LeastBandFilter.queue(ref));
        }
    }

    /**
     * Candidate sets by name, each made afresh per call (the argument is the round: 1 after a pick was learnt).
     */
    static Map<String, Function<Integer, Candidates>> scenarios() {
        Map<String, Function<Integer, Candidates>> m = new LinkedHashMap<>();
        m.put(
                "mixed",
                r -> candidates(
                        new int[] {0, 3, 9},
                        new long[] {0, 300, 9000},
                        fresh(0, 0.1, 1, MODEL),
                        fresh(5, 0.5, 4),
                        fresh(50, 0.9, 30, "other")));
        m.put("one", r -> candidates(new int[] {2}, new long[] {200}, fresh(3, 0.3, 2)));
        m.put(
                "unknown metrics (NaN)",
                r -> candidates(
                        new int[2],
                        new long[2],
                        read(ModelServerMetrics.unknown("vllm", List.of())),
                        read(ModelServerMetrics.unknown("vllm", List.of()))));
        m.put(
                "never scraped",
                r -> candidates(
                        new int[] {1, 0},
                        new long[] {10, 0},
                        ScrapedMetrics.notYet("vllm"),
                        ScrapedMetrics.notYet("vllm")));
        m.put(
                "stale and failed",
                r -> candidates(
                        new int[] {0, 1, 2},
                        new long[] {0, 1, 2},
                        new ScrapedMetrics(fresh(1, 0.2, 1).metrics(), NOW - 3_600_000_000_000L, null),
                        fresh(1, 0.2, 1).failed("connection refused"),
                        fresh(2, 0.4, 1)));
        m.put(
                "some known, some not",
                r -> candidates(
                        new int[] {0, 0, 0},
                        new long[3],
                        fresh(4, 0.4, 2),
                        ScrapedMetrics.notYet("vllm"),
                        read(ModelServerMetrics.unknown("vllm", List.of()))));
        m.put("all zero", r -> candidates(new int[3], new long[3], fresh(0, 0, 0), fresh(0, 0, 0), fresh(0, 0, 0)));
        m.put(
                "huge",
                r -> candidates(
                        new int[] {Integer.MAX_VALUE, 0},
                        new long[] {Long.MAX_VALUE, 0},
                        fresh(Integer.MAX_VALUE, 1.0, Integer.MAX_VALUE),
                        fresh(0, 0, 0)));
        m.put("empty", r -> Candidates.of(List.of(), List.of()));
        return m;
    }

    static Candidates candidates(int[] inFlight, long[] inFlightTokens, ScrapedMetrics... metrics) {
        List<Endpoint> eps = new ArrayList<>();
        int[] prefilling = new int[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            eps.add(Endpoint.of(new PoolEndpoint("pod" + i, "pod" + i, "10.0.0." + (i + 1), 8000, 0), Map.of()));
            prefilling[i] = inFlight[i] / 2;
        }
        return Candidates.of(eps, List.of(metrics), inFlight, inFlightTokens, prefilling);
    }

    static ScrapedMetrics fresh(int queue, double kv, int running, String... adapters) {
        return read(
                new ModelServerMetrics("vllm", queue, running, kv, Set.of(adapters), Set.of(), 4, 16, 1000, List.of()));
    }

    static ScrapedMetrics read(ModelServerMetrics m) {
        return new ScrapedMetrics(m, NOW - 10_000_000L, null);
    }

    /** A request for {@link #MODEL} in a session, with a prompt of a few prefix blocks, at {@link #NOW}. */
    static SchedulingContext ctx(long seed) {
        byte[] prompt = new byte[4 * PrefixSettings.DEFAULT.hasher().blockBytes()];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = (byte) ('a' + i % 26);
        }
        PickRequest r = new PickRequest(
                "r", MODEL, 0, prompt.length, "default-flow", "session-1", new PromptBytes(prompt, 0, prompt.length));
        return new SchedulingContext(r, NOW, new SplittableRandom(seed), PrefixSettings.DEFAULT.hasher());
    }

    /** Total scores as a profile hands them to a picker: in [0, 1], with ties. */
    static double[] totals(int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = (i % 3) / 2.0;
        }
        return t;
    }

    static ConfigTree.Mapping mapping(String path, Map<String, ConfigTree> entries) {
        return new ConfigTree.Mapping(AT, path, entries);
    }

    static ConfigTree string(String path, String text) {
        return new ConfigTree.Scalar(AT, path, ConfigTree.Scalar.Kind.STRING, text);
    }

    static ConfigTree integer(String path, String text) {
        return new ConfigTree.Scalar(AT, path, ConfigTree.Scalar.Kind.INTEGER, text);
    }
}
