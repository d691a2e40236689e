package io.infergate.api.model;

import io.infergate.api.Severity;
import io.infergate.api.load.YamlNesting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * How the Inference Extension's Body-Based Routing (BBR, GIE v1.4 to v1.5, {@code pkg/bbr}) reads a ConfigMap
 * labelled {@value ConfigMap#BBR_MANAGED_LABEL}{@code : "true"}: {@code data.baseModel} is a base model name and
 * {@code data.adapters} an optional YAML list of LoRA adapter names served on it. A request whose {@code model} is
 * one of those adapters, or the base model itself, gets {@code X-Gateway-Base-Model-Name: <baseModel>}.
 *
 * <p>As BBR does: both are trimmed; a blank or null {@code adapters} means no adapters; empty list entries are
 * skipped; numbers and booleans in the list count as names, taken as written (BBR converts them to text too). BBR
 * refuses the whole ConfigMap when {@code baseModel} is missing or blank or when {@code adapters} is not a list of
 * scalars; those are {@link Severity#ERROR} findings here. Clashes between ConfigMaps are the validator's business,
 * not this record's.
 *
 * <p>Immutable. {@link #read} never throws on bad data: everything wrong is a {@link Finding}.
 *
 * @param configMap the source
 * @param baseModel trimmed; empty when missing or blank (then an error finding says so)
 * @param adapters  one trimmed name per YAML list item, in list order, so that index {@code i} is the field
 *                  {@code data.adapters[i]}; empty strings stand for the entries BBR skips
 * @param findings  what is wrong or ignored, with field paths such as {@code data.adapters[2]}
 */
public record BbrConfigMap(ConfigMap configMap, String baseModel, List<String> adapters, List<Finding> findings) {

    public static final String BASE_MODEL_KEY = "baseModel";
    public static final String ADAPTERS_KEY = "adapters";
    public static final String BASE_MODEL_FIELD = "data." + BASE_MODEL_KEY;
    public static final String ADAPTERS_FIELD = "data." + ADAPTERS_KEY;

    private static final String EXPECTED_LIST = "expected: a YAML list of adapter names, one \"- name\" per line";

    public BbrConfigMap {
        Objects.requireNonNull(configMap, "configMap");
        Copies.str(baseModel, "baseModel");
        adapters = Copies.list(adapters, "adapters");
        findings = Copies.list(findings, "findings");
    }

    /** Something wrong ({@link Severity#ERROR}: BBR would refuse the ConfigMap) or ignored in one field. */
    public record Finding(Severity severity, String field, String message) {
        public Finding {
            Objects.requireNonNull(severity, "severity");
            Copies.str(field, "field");
            Copies.str(message, "message");
        }
    }

    /** The bbr-managed ConfigMaps of a set, read, oldest first ({@link Resource#OLDEST_FIRST}). */
    public static List<BbrConfigMap> all(ManifestSet set) {
        List<ConfigMap> managed = new ArrayList<>();
        for (ConfigMap cm : set.configMaps()) {
            if (cm.isBbrManaged()) {
                managed.add(cm);
            }
        }
        managed.sort(Resource.OLDEST_FIRST);
        return managed.stream().map(BbrConfigMap::read).toList();
    }

    /** Reads one ConfigMap as BBR would, whether or not it carries the label. */
    public static BbrConfigMap read(ConfigMap cm) {
        List<Finding> findings = new ArrayList<>();
        String base = cm.data().get(BASE_MODEL_KEY);
        if (base == null) {
            findings.add(error(
                    BASE_MODEL_FIELD,
                    "missing (expected: the base model name that this ConfigMap's"
                            + " adapters map to, e.g. meta-llama/Llama-3.1-8B-Instruct; Body-Based Routing ignores a"
                            + " ConfigMap without one)"));
            base = "";
        } else {
            base = base.strip();
            if (base.isEmpty()) {
                findings.add(error(
                        BASE_MODEL_FIELD,
                        "is empty (expected: the base model name that this ConfigMap's"
                                + " adapters map to; Body-Based Routing ignores a ConfigMap without one)"));
            } else if (hasControlCharacter(base)) {
                findings.add(error(
                        BASE_MODEL_FIELD,
                        "contains a line break or another control character (expected:"
                                + " a name that can be sent as the X-Gateway-Base-Model-Name header value)"));
                base = "";
            }
        }
        String raw = cm.data().get(ADAPTERS_KEY);
        List<String> adapters = raw == null || raw.isBlank() ? List.of() : adapters(raw, findings);
        return new BbrConfigMap(cm, base, adapters, findings);
    }

    /** The non-empty adapter names, in list order (duplicates kept). */
    public List<String> adapterNames() {
        return adapters.stream().filter(a -> !a.isEmpty()).toList();
    }

    /** Whether BBR would refuse this ConfigMap (an error finding). */
    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
    }

    private static List<String> adapters(String raw, List<Finding> findings) {
        Optional<Node> parsed;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(ADAPTERS_FIELD)
                    .setSchema(new CoreSchema())
                    .build();
            parsed = YamlNesting.composeOne(settings, raw);
        } catch (MarkedYamlEngineException e) {
            String where = e.getProblemMark()
                    .or(e::getContextMark)
                    .map(BbrConfigMap::lineOfValue)
                    .orElse("");
            findings.add(
                    error(ADAPTERS_FIELD, "is not valid YAML: " + e.getProblem() + where + " (" + EXPECTED_LIST + ")"));
            return List.of();
        } catch (YamlEngineException e) {
            findings.add(error(ADAPTERS_FIELD, "is not valid YAML: " + e.getMessage() + " (" + EXPECTED_LIST + ")"));
            return List.of();
        }
        if (parsed.isEmpty() || isNull(parsed.get())) {
            return List.of();
        }
        if (!(parsed.get() instanceof SequenceNode seq)) {
            findings.add(error(
                    ADAPTERS_FIELD,
                    "found " + describe(parsed.get()) + " (" + EXPECTED_LIST
                            + "; Body-Based Routing ignores a ConfigMap whose adapters are not a list)"));
            return List.of();
        }
        List<String> out = new ArrayList<>(seq.getValue().size());
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String field = ADAPTERS_FIELD + "[" + i + "]";
            if (!(item instanceof ScalarNode s)) {
                findings.add(error(
                        field,
                        "found " + describe(item) + " (expected: an adapter name; Body-Based"
                                + " Routing ignores a ConfigMap whose adapters are not all names)"));
                out.add("");
                continue;
            }
            String name = isNull(s) ? "" : s.getValue().strip();
            if (name.isEmpty()) {
                findings.add(new Finding(
                        Severity.WARNING,
                        field,
                        "empty adapter name; skipped, as Body-Based" + " Routing does (expected: an adapter name)"));
            }
            out.add(name);
        }
        return out;
    }

    private static Finding error(String field, String message) {
        return new Finding(Severity.ERROR, field, message);
    }

    private static String lineOfValue(Mark m) {
        return " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + " of the value";
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
    }

    private static String describe(Node n) {
        return switch (n) {
            case SequenceNode s -> "a list";
            case MappingNode m -> "a map";
            case ScalarNode s -> "a single name \"" + s.getValue() + "\"";
            default -> "a " + n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
