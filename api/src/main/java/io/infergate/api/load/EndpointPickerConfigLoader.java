package io.infergate.api.load;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.ConfigMap;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.FieldIndex;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.model.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads GIE's EndpointPickerConfig ({@code inference.networking.x-k8s.io/v1alpha1}) strictly, from three places:
 * <ol>
 *   <li>a standalone file or text in exactly GIE's format, what {@code --config-file} and {@code --config-text} take:
 *       one YAML (or JSON) document with {@code apiVersion}, {@code kind} and the configuration, and no
 *       {@code metadata} (GIE's type has none, and its strict decoder refuses it): {@link #load(Path)},
 *       {@link #load(String, String)};</li>
 *   <li>a document of a manifest set: {@link ManifestLoader} decodes the kind with this loader's rules, with an
 *       optional {@code metadata} (name {@value EndpointPickerConfig#DEFAULT_NAME} when absent), and
 *       {@link ManifestSet#endpointPickerConfigs()} lists them;</li>
 *   <li>a value of a ConfigMap's {@code data}, as GIE's Helm chart and example manifests ship it:
 *       {@link #fromConfigMap(ManifestSet, ConfigMap, String, Optional)}.</li>
 * </ol>
 * Strict like GIE's decoder (Kubernetes' strict serializer): an unknown or duplicate field, a value of the wrong
 * type, a missing apiVersion or kind is a {@link Problem} with file, line, column and field path; so is every
 * finding of {@link io.infergate.api.validate.EndpointPickerConfigRules}, which runs as part of loading. Plugin
 * {@code parameters} are free-form here (a {@link io.infergate.api.model.ConfigTree}): the plugin that reads them
 * checks them, through {@link Params}.
 *
 * <p>Stateless and thread-safe; reading a file blocks. Never throws on bad input.
 */
public final class EndpointPickerConfigLoader {

    private EndpointPickerConfigLoader() {}

    /** Loads a {@code --config-file}; an unreadable file is a problem, not an exception. */
    public static EndpointPickerConfigResult load(Path file) {
        String name = file.toString();
        try {
            return load(name, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return failed(
                    name,
                    "",
                    Problem.error(
                            new Location(name, 0, 0),
                            "",
                            "",
                            "cannot read file: " + (e instanceof NoSuchFileException ? "no such file" : e.toString())));
        }
    }

    /**
     * Loads a {@code --config-text} (or a file's content); {@code sourceName} stands for the file name in problems.
     * Empty text gives a {@linkplain EndpointPickerConfigResult#isBlank() blank} result: GIE then runs its default
     * configuration.
     */
    public static EndpointPickerConfigResult load(String sourceName, String text) {
        return decodeText(sourceName, text, "", UnaryOperator.identity(), (at, message) -> message);
    }

    /**
     * Loads {@code data[key]} of a ConfigMap of {@code set}, placing problems with the text of the file the ConfigMap
     * came from: the text the set kept when it was loaded ({@link ManifestSet#sourceText}), else the file as it is
     * now on disk; see {@link #fromConfigMap(ManifestSet, ConfigMap, String, Optional)}.
     */
    public static EndpointPickerConfigResult fromConfigMap(ManifestSet set, ConfigMap configMap, String key) {
        String file = configMap.origin().location().file();
        return fromConfigMap(set, configMap, key, set.sourceText(file).or(() -> readQuietly(file)));
    }

    /**
     * Loads {@code data[key]} of a ConfigMap of {@code set} as a standalone configuration (GIE's format, no metadata),
     * with the same strict decoding and rules as every other configuration. Problems name the object
     * {@code ConfigMap/<name>} and give field paths inside the value ({@code plugins[0].type}).
     *
     * <p>Positions: when {@code sourceText} is the text of the file the ConfigMap was loaded from and the value was
     * written as a literal block scalar ({@code key: |}, as GIE's charts and examples do), positions are the exact
     * lines and columns of that file; every line of the value is checked against the file first. Otherwise (another
     * scalar style, a text that does not match, no text) every problem is placed where the value starts in the
     * file (the line of the key), and its message ends with the line and column inside the value.
     */
    public static EndpointPickerConfigResult fromConfigMap(
            ManifestSet set, ConfigMap configMap, String key, Optional<String> sourceText) {
        String object = ConfigMap.KIND + "/" + configMap.metadata().name();
        String file = configMap.origin().location().file();
        String value = configMap.data().get(key);
        if (value == null) {
            return failed(
                    file,
                    object,
                    Problem.error(
                            set.locate(configMap, "data"),
                            object,
                            "data",
                            "no key \""
                                    + key + "\" (keys: "
                                    + (configMap.data().isEmpty()
                                            ? "none"
                                            : String.join(", ", configMap.data().keySet()))
                                    + ")"));
        }
        String label = file + "#data[" + key + "]";
        Location valueAt = set.locate(configMap, "data." + key);
        Optional<BlockShift> shift = sourceText.flatMap(t -> BlockShift.of(t, valueAt, value));
        if (shift.isPresent()) {
            return decodeText(label, value, object, at -> shift.get().apply(file, at), (at, message) -> message);
        }
        // no line of the value can be trusted to be a line of the file: point at the value, say where inside it
        return decodeText(
                label,
                value,
                object,
                at -> valueAt,
                (at, message) -> at.line() == 0
                        ? message
                        : message + " (at line " + at.line() + ", column " + at.column() + " of data[" + key + "])");
    }

    /**
     * Why {@code text} (a ConfigMap value, say) is not an EndpointPickerConfig, judged from its first document
     * without decoding it: {@code "kind Secret"}, {@code "no kind field"}, {@code "a list"}, {@code "no document"}.
     * Empty when its first document declares {@code kind: EndpointPickerConfig}, and also when the text is not
     * readable YAML: only the strict loader can say what is wrong with it then, at the right line. Never throws.
     */
    public static Optional<String> whyNotAConfig(String text) {
        LoadSettings settings = LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true)
                .build();
        Node doc;
        try {
            Iterator<Node> documents = YamlNesting.composeAll(settings, text);
            doc = null;
            while (doc == null && documents.hasNext()) {
                Node next = documents.next();
                doc = next == null || Obj.isNull(next) ? null : next;
            }
        } catch (YamlEngineException e) {
            return Optional.empty();
        }
        if (doc == null) {
            return Optional.of("no document");
        }
        if (!(doc instanceof MappingNode m)) {
            return Optional.of(Obj.describe(doc));
        }
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("kind")) {
                return t.getValueNode() instanceof ScalarNode v && v.getValue().equals(EndpointPickerConfig.KIND)
                        ? Optional.empty()
                        : Optional.of("kind "
                                + (t.getValueNode() instanceof ScalarNode v
                                        ? v.getValue()
                                        : Obj.describe(t.getValueNode())));
            }
        }
        return Optional.of("no kind field");
    }

    /** The {@link ManifestLoader} decoder of the kind: metadata already read (or defaulted) by the caller. */
    static Resource decodeDocument(Obj root, ObjectMeta meta, Origin origin) {
        EndpointPickerConfigDecoder decoder =
                new EndpointPickerConfigDecoder(root.ctx(), root.node(), UnaryOperator.identity());
        EndpointPickerConfig config = decoder.decode(root, meta, origin);
        decoder.validate(config);
        return config;
    }

    /**
     * @param place  where a position inside {@code text} is in the file the user edits
     * @param remark the message of a problem at a position inside {@code text}, as the user reads it
     */
    private static EndpointPickerConfigResult decodeText(
            String label,
            String text,
            String object,
            UnaryOperator<Location> place,
            BiFunction<Location, String, String> remark) {
        List<Problem> problems = new ArrayList<>();
        DecodeContext ctx = new DecodeContext(label, problems);
        ctx.object(object);
        Location start = place.apply(Location.startOf(label));
        if (text.isEmpty()) {
            return new EndpointPickerConfigResult(Optional.empty(), object, new FieldIndex(start, Map.of()), List.of());
        }
        Node doc = document(label, text, ctx, problems, object);
        Optional<EndpointPickerConfig> config = Optional.empty();
        if (doc != null) {
            config = decodeDocument(doc, ctx, place);
        } else if (problems.isEmpty()) {
            problems.add(Problem.error(
                    Location.startOf(label),
                    object,
                    "",
                    "found no document (expected: an " + EndpointPickerConfig.KIND + " with apiVersion "
                            + ApiGroups.INFERENCE_X_V1ALPHA1 + ")"));
        }
        Location docStart = doc == null ? start : place.apply(ctx.location(doc));
        Map<String, Location> fields = new HashMap<>();
        ctx.fields().forEach((path, at) -> fields.put(path, place.apply(at)));
        List<Problem> placed = problems.stream()
                .map(p -> new Problem(
                        p.severity(),
                        place.apply(p.location()),
                        p.object(),
                        p.field(),
                        remark.apply(p.location(), p.message())))
                .sorted(Problem.BY_POSITION)
                .toList();
        return new EndpointPickerConfigResult(config, object, new FieldIndex(docStart, fields), placed);
    }

    /** The one document of the text, or null (a syntax error, nothing but comments); reports a second one. */
    private static Node document(String label, String text, DecodeContext ctx, List<Problem> problems, String object) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(label)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // Obj reports duplicates with a field path
                .build();
        Iterator<Node> documents = YamlNesting.composeAll(settings, text);
        Node first = null;
        try {
            while (documents.hasNext()) {
                Node doc = documents.next();
                if (doc == null || Obj.isNull(doc)) {
                    continue;
                }
                if (first != null) {
                    ctx.error(
                            doc,
                            "",
                            "a second document (expected: exactly one " + EndpointPickerConfig.KIND
                                    + "; GIE reads one configuration)");
                    break;
                }
                first = doc;
            }
        } catch (MarkedYamlEngineException e) {
            Location at = ctx.location(e.getProblemMark().or(e::getContextMark).orElse(null));
            problems.add(Problem.error(
                    at,
                    object,
                    "",
                    "YAML syntax error: " + e.getProblem()
                            + (e.getContext() == null ? "" : " (" + e.getContext() + ")")));
            return null;
        } catch (YamlEngineException e) {
            problems.add(Problem.error(Location.startOf(label), object, "", "YAML error: " + e.getMessage()));
            return null;
        }
        return first;
    }

    private static Optional<EndpointPickerConfig> decodeDocument(
            Node doc, DecodeContext ctx, UnaryOperator<Location> place) {
        Obj root = Obj.of(doc, "", ctx);
        if (root == null) {
            return Optional.empty();
        }
        String apiVersion = root.requiredString("apiVersion");
        String kind = root.requiredString("kind");
        boolean usable = !apiVersion.isEmpty() && !kind.isEmpty();
        if (!apiVersion.isEmpty() && !apiVersion.equals(ApiGroups.INFERENCE_X_V1ALPHA1)) {
            ctx.error(
                    root.raw("apiVersion"),
                    "apiVersion",
                    "found \"" + apiVersion + "\" (expected: " + ApiGroups.INFERENCE_X_V1ALPHA1 + ")");
            usable = false;
        }
        if (!kind.isEmpty() && !kind.equals(EndpointPickerConfig.KIND)) {
            ctx.error(root.raw("kind"), "kind", "found \"" + kind + "\" (expected: " + EndpointPickerConfig.KIND + ")");
            usable = false;
        }
        if (!usable) {
            return Optional.empty(); // not a configuration: its other fields would only add noise
        }
        EndpointPickerConfigDecoder decoder = new EndpointPickerConfigDecoder(ctx, doc, place);
        Origin origin = new Origin(place.apply(ctx.location(doc)), 0);
        EndpointPickerConfig config = decoder.decode(root, ObjectMeta.of(EndpointPickerConfig.DEFAULT_NAME), origin);
        root.finish();
        decoder.validate(config);
        return Optional.of(config);
    }

    private static EndpointPickerConfigResult failed(String file, String object, Problem problem) {
        return new EndpointPickerConfigResult(
                Optional.empty(), object, new FieldIndex(Location.startOf(file), Map.of()), List.of(problem));
    }

    private static Optional<String> readQuietly(String file) {
        try {
            Path p = Path.of(file);
            return Files.isRegularFile(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException | InvalidPathException | SecurityException e) {
            return Optional.empty(); // positions then stay relative to the value
        }
    }

    /**
     * Where a literal block scalar's content sits in its file: content line 1 is file line {@code firstLine}, and
     * every content line is indented by {@code indent} columns.
     */
    private record BlockShift(int firstLine, int indent) {

        Location apply(String file, Location inValue) {
            if (inValue.line() == 0) {
                return new Location(file, 0, 0);
            }
            return new Location(
                    file, firstLine + inValue.line() - 1, inValue.column() == 0 ? 0 : indent + inValue.column());
        }

        /** The shift, when the value at {@code valueAt} is a literal block whose lines all appear in the text. */
        static Optional<BlockShift> of(String text, Location valueAt, String value) {
            String[] lines = text.split("\r?\n", -1);
            int header = valueAt.line() - 1;
            int col = valueAt.column() - 1;
            if (header < 0
                    || header >= lines.length
                    || col < 0
                    || col >= lines[header].length()
                    || lines[header].charAt(col) != '|') {
                return Optional.empty();
            }
            String[] content = value.split("\n", -1);
            int indent = -1;
            for (int k = 0; k < content.length; k++) {
                if (content[k].isEmpty()) {
                    continue;
                }
                int line = header + 1 + k;
                if (line >= lines.length) {
                    return Optional.empty();
                }
                String src = lines[line];
                if (indent < 0) {
                    indent = src.length() - content[k].length();
                    if (indent < 0 || !src.substring(0, indent).isBlank()) {
                        return Optional.empty();
                    }
                }
                if (src.length() != indent + content[k].length()
                        || !src.startsWith(content[k], indent)
                        || !src.substring(0, indent).isBlank()) {
                    return Optional.empty();
                }
            }
            return indent < 0 ? Optional.empty() : Optional.of(new BlockShift(header + 2, indent));
        }
    }
}
