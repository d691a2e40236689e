package io.infergate.scheduler.scheduling.config;

import io.infergate.api.load.EndpointPickerConfigLoader;
import io.infergate.api.load.EndpointPickerConfigResult;
import io.infergate.api.load.LoadResult;
import io.infergate.api.load.ManifestLoader;
import io.infergate.api.model.ConfigMap;
import io.infergate.scheduler.prefix.PrefixIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loading EndpointPickerConfigs for the tests: the copied fixtures, and inline text named {@value #FILE}. */
final class Epc {

    static final Path DIR = Path.of("src/test/resources/epc");
    static final Path EXAMPLE_F = DIR.resolve("gie-example-f.yaml");
    static final Path FULL = DIR.resolve("full-v1.5.yaml");
    static final String FILE = "epc.yaml";
    static final String HEADER = """
            apiVersion: inference.networking.x-k8s.io/v1alpha1
            kind: EndpointPickerConfig
            """;

    private Epc() {}

    /** Example 1.6f's ConfigMap value {@code key} ({@code default-plugins.yaml} or {@code plugins-v2.yaml}). */
    static EndpointPickerConfigResult exampleF(String key) {
        LoadResult manifests = ManifestLoader.load(List.of(EXAMPLE_F));
        ConfigMap cm = manifests.manifests().configMaps().stream()
                .filter(c -> c.metadata().name().equals("plugins-config"))
                .findFirst()
                .orElseThrow();
        return EndpointPickerConfigLoader.fromConfigMap(manifests.manifests(), cm, key);
    }

    /** {@code body} after the apiVersion and kind lines, loaded as a standalone file {@value #FILE}. */
    static EndpointPickerConfigResult load(String body) {
        return EndpointPickerConfigLoader.load(FILE, HEADER + body);
    }

    static SchedulerSetup build(String body) {
        return SchedulerSetupFactory.build(load(body), null);
    }

    static SchedulerSetup build(String body, SchedulerSetupFactory.Options options) {
        return SchedulerSetupFactory.build(load(body), null, options);
    }

    static SchedulerSetup build(EndpointPickerConfigResult r, PrefixIndex index) {
        return SchedulerSetupFactory.build(r, index);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 1-based line of {@code text} holding {@code needle} (exactly once), plus the {@link #HEADER} lines. */
    static int lineOf(String body, String needle) {
        String text = HEADER + body;
        int at = text.indexOf(needle);
        if (at < 0 || text.indexOf(needle, at + 1) >= 0) {
            throw new IllegalArgumentException("not exactly once: " + needle);
        }
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }
}
