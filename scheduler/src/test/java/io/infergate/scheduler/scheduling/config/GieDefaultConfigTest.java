package io.infergate.scheduler.scheduling.config;

import static io.infergate.scheduler.scheduling.config.Cluster.candidates;
import static io.infergate.scheduler.scheduling.config.Cluster.ctx;
import static io.infergate.scheduler.scheduling.config.Cluster.metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.WeightedScorer;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import io.infergate.scheduler.scheduling.plugins.MaxScorePicker;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** No configuration: GIE v1.5.0's loadDefaultConfig, which is BuiltInProfiles' gie-v1-default but for N. */
class GieDefaultConfigTest {

    private static final EndpointPickerConfigResult BLANK = EndpointPickerConfigLoader.load("--config-text", "");

    private static String describe(SchedulerProfile p) {
        StringBuilder b = new StringBuilder(p.name()).append(':');
        p.filters().forEach(f -> b.append(' ').append(f.type()));
        for (WeightedScorer s : p.scorers()) {
            b.append(' ')
                    .append(s.scorer().type())
                    .append('/')
                    .append(s.scorer().name())
                    .append('*')
                    .append(s.weight());
        }
        return b.append(" -> ")
                .append(p.picker().type())
                .append(" x")
                .append(p.maxEndpoints())
                .toString();
    }

    @Test
    void aBlankConfigurationIsGiesDefault() {
        assertThat(BLANK.isBlank()).isTrue();
        SchedulerSetup setup = SchedulerSetupFactory.build(BLANK, null);

        assertThat(setup.problems()).isEmpty();
        assertThat(setup.defaultConfig()).isTrue();
        assertThat(describe(setup.profile()))
                .isEqualTo("default: queue-scorer/queue-scorer*2.0"
                        + " kv-cache-utilization-scorer/kv-cache-utilization-scorer*2.0"
                        + " prefix-cache-scorer/prefix-cache-scorer*3.0 -> max-score-picker x1");
        assertThat(setup.profile().picker()).isInstanceOf(MaxScorePicker.class);
        assertThat(setup.prefixHasher().blockSizeTokens()).isEqualTo(PrefixHasher.DEFAULT_BLOCK_SIZE_TOKENS);
        assertThat(setup.prefixHasher().maxPrefixBlocks()).isEqualTo(PrefixHasher.DEFAULT_MAX_PREFIX_BLOCKS);
        assertThat(setup.prefixIndex().defaultCapacity()).isEqualTo(PrefixIndex.DEFAULT_LRU_CAPACITY_PER_ENDPOINT);
        assertThat(setup.saturationDetector()).isEqualTo(UtilizationSaturationDetector.Config.DEFAULT);
        assertThat(setup.flowControl()).isNull();
        assertThat(setup.metricsSource()).isEqualTo(SchedulerSetup.MetricsSource.DEFAULT);
    }

    @Test
    void itMatchesTheBuiltInProfileExceptForTheEndpointCount() {
        PrefixHasher hasher = PrefixHasher.defaults();
        SchedulerProfile builtIn = BuiltInProfiles.named(BuiltInProfiles.GIE_V1_DEFAULT, new PrefixIndex(), hasher);
        SchedulerProfile gie = SchedulerSetupFactory.build(BLANK, null).profile();
        SchedulerProfile gateway = SchedulerSetupFactory.build(
                        BLANK, null, SchedulerSetupFactory.Options.DEFAULT.withMinEndpoints(BuiltInProfiles.FALLBACKS))
                .profile();

        assertThat(describe(gie))
                .isEqualTo(describe(builtIn)
                        .replace(BuiltInProfiles.GIE_V1_DEFAULT + ":", "default:")
                        .replace(" x3", " x1"));
        assertThat(describe(gateway))
                .isEqualTo(describe(builtIn).replace(BuiltInProfiles.GIE_V1_DEFAULT + ":", "default:"));
        assertThat(gateway.maxEndpoints()).isEqualTo(BuiltInProfiles.FALLBACKS);
    }

    @Test
    void itReproducesTheWorkedExampleAndKeepsItsFirstChoiceWithFallbacks() {
        // the worked example of docs/scheduling.md:
        // A (q 0, kv 0.2, prefix 0/10) 3.6, B (5, 0.5, 5/10) 3.5, C (10, 0.9, 10/10) 3.2
        for (int min : new int[] {1, 3}) {
            SchedulerSetup setup = SchedulerSetupFactory.build(
                    BLANK, null, SchedulerSetupFactory.Options.DEFAULT.withMinEndpoints(min));
            PrefixHasher hasher = setup.prefixHasher();
            byte[] prompt = Cluster.prompt(hasher, 10);
            long[] hashes = hasher.hash("m", "", prompt, 0, prompt.length);
            setup.prefixIndex().add(Cluster.endpoint(1), Arrays.copyOf(hashes, 5));
            setup.prefixIndex().add(Cluster.endpoint(2), hashes);

            var r = Cluster.run(
                    setup.profile(),
                    ctx("m", prompt, hasher, 1),
                    candidates(metrics(0, 0.2), metrics(5, 0.5), metrics(10, 0.9)));

            assertThat(r.explanation().totals()).containsExactly(new double[] {3.6, 3.5, 3.2}, within(1e-9));
            assertThat(Cluster.pods(r.endpoints()))
                    .containsExactly(min == 1 ? new Integer[] {0} : new Integer[] {0, 1, 2});
        }
    }

    @Test
    void theDefaultConfigurationIsGiesFieldForField() {
        var c = SchedulerSetupFactory.gieDefaultConfig();
        assertThat(c.plugins())
                .extracting(p -> p.name() + ":" + p.type())
                .containsExactly(
                        "queue-scorer:queue-scorer",
                        "kv-cache-utilization-scorer:kv-cache-utilization-scorer",
                        "prefix-cache-scorer:prefix-cache-scorer",
                        "metrics-data-source:metrics-data-source",
                        "core-metrics-extractor:core-metrics-extractor");
        assertThat(c.schedulingProfiles())
                .singleElement()
                .satisfies(p -> assertThat(p.plugins())
                        .extracting(pp -> pp.pluginRef() + "*" + pp.weight().getAsDouble())
                        .containsExactly(
                                "queue-scorer*2.0", "kv-cache-utilization-scorer*2.0", "prefix-cache-scorer*3.0"));
        assertThat(c.featureGates()).isEmpty();
        assertThat(c.dataLayer().orElseThrow().sources()).singleElement().satisfies(s -> {
            assertThat(s.pluginRef()).isEqualTo("metrics-data-source");
            assertThat(s.extractors()).containsExactly("core-metrics-extractor");
        });
    }

    @Test
    void aGivenPrefixIndexIsUsedAsIs() {
        PrefixIndex index = new PrefixIndex();
        SchedulerSetup setup = SchedulerSetupFactory.build(BLANK, index);
        assertThat(setup.prefixIndex()).isSameAs(index);
    }
}
