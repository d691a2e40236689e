package io.infergate.api.load;

import io.infergate.api.Location;
import io.infergate.api.Problem;
import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.ConfigMap;
import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.EndpointSlice;
import io.infergate.api.model.FieldIndex;
import io.infergate.api.model.Gateway;
import io.infergate.api.model.HttpRoute;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferenceModelRewrite;
import io.infergate.api.model.InferenceObjective;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.model.Pod;
import io.infergate.api.model.Resource;
import io.infergate.api.model.Secret;
import io.infergate.api.model.Service;
import io.infergate.api.model.TcpRoute;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Loads Kubernetes-shaped manifests (multi-document YAML, or JSON, which YAML 1.2 reads too) into a
 * {@link ManifestSet}, keeping the file, line and column of every value.
 *
 * <p>Strict like {@code kubectl apply --validate=strict}: an unknown apiVersion or kind, an unknown field (the
 * message lists the accepted ones), a value of the wrong type, a missing required field, or an enum value
 * outside its set is a {@link Problem}. CRD defaults are applied. Loading never throws on bad input: it collects
 * every problem it can (a YAML syntax error ends that file, documents before it stay loaded) and still returns
 * every object it could build. Range, format, uniqueness and reference rules are checked afterwards by
 * {@code ManifestValidator}; {@code io.infergate.api.Manifests} runs both.
 *
 * <p>Instances are not thread-safe: one loader per load, on one thread. The static methods are safe to call
 * from any thread; reading files blocks.
 */
public final class ManifestLoader {

    private static final Map<String, KindDecoder> DECODERS = new LinkedHashMap<>();
    /** Kinds whose {@code status} is written by controllers: accepted in a file and ignored. */
    private static final Set<String> KINDS_WITH_STATUS = Set.of(
            Gateway.KIND,
            HttpRoute.KIND,
            TcpRoute.KIND,
            InferencePool.KIND,
            InferenceModel.KIND,
            InferenceObjective.KIND,
            InferenceModelRewrite.KIND,
            Service.KIND);

    static {
        register(ApiGroups.GATEWAY_V1, Gateway.KIND, GatewayApiDecoders::gateway);
        register(ApiGroups.GATEWAY_V1, HttpRoute.KIND, GatewayApiDecoders::httpRoute);
        register(
                ApiGroups.GATEWAY_V1ALPHA2,
                TcpRoute.KIND,
                (r, m, o) -> GatewayApiDecoders.tcpRoute(r, m, o, ApiGroups.GATEWAY_V1ALPHA2));
        register(
                ApiGroups.GATEWAY_V1,
                TcpRoute.KIND,
                (r, m, o) -> GatewayApiDecoders.tcpRoute(r, m, o, ApiGroups.GATEWAY_V1));
        register(ApiGroups.INFERENCE_V1, InferencePool.KIND, InferenceDecoders::poolV1);
        register(ApiGroups.INFERENCE_X_V1ALPHA2, InferencePool.KIND, InferenceDecoders::poolV1alpha2);
        register(ApiGroups.INFERENCE_X_V1ALPHA2, InferenceModel.KIND, InferenceDecoders::inferenceModel);
        register(ApiGroups.INFERENCE_X_V1ALPHA2, InferenceObjective.KIND, InferenceDecoders::inferenceObjective);
        register(ApiGroups.INFERENCE_X_V1ALPHA2, InferenceModelRewrite.KIND, InferenceDecoders::inferenceModelRewrite);
        register("v1", Service.KIND, CoreDecoders::service);
        register("v1", Pod.KIND, CoreDecoders::pod);
        register("v1", ConfigMap.KIND, CoreDecoders::configMap);
        register("v1", Secret.KIND, CoreDecoders::secret);
        register(ApiGroups.DISCOVERY_V1, EndpointSlice.KIND, CoreDecoders::endpointSlice);
        register(ApiGroups.INFERENCE_X_V1ALPHA1, EndpointPickerConfig.KIND, EndpointPickerConfigLoader::decodeDocument);
    }

    private final List<Resource> resources = new ArrayList<>();
    private final Map<Integer, FieldIndex> fields = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    /** The text of each file that holds a ConfigMap: its values may be configurations, read again later. */
    private final Map<String, String> sources = new HashMap<>();

    private int sequence;

    private static void register(String apiVersion, String kind, KindDecoder decoder) {
        DECODERS.put(apiVersion + " " + kind, decoder);
    }

    /** Loads and combines the files, in order (document order across files is the age fallback). */
    public static LoadResult load(List<Path> files) {
        ManifestLoader loader = new ManifestLoader();
        for (Path f : files) {
            loader.add(f);
        }
        return loader.result();
    }

    /** Loads one text; {@code sourceName} stands for the file name in problems. */
    public static LoadResult load(String sourceName, String text) {
        return new ManifestLoader().add(sourceName, new StringReader(text)).result();
    }

    /** Adds one file; an unreadable file is a problem, not an exception. */
    public ManifestLoader add(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            problems.add(Problem.error(
                    new Location(name, 0, 0),
                    "",
                    "",
                    "cannot read file: " + (e instanceof NoSuchFileException ? "no such file" : e.toString())));
            return this;
        }
        return add(name, new StringReader(text));
    }

    /** Adds every document read from {@code reader}; the reader is read to the end but not closed. */
    public ManifestLoader add(String sourceName, Reader reader) {
        String text;
        try {
            text = readAll(reader);
        } catch (IOException | RuntimeException e) {
            problems.add(Problem.error(new Location(sourceName, 0, 0), "", "", "cannot read: " + e));
            return this;
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(sourceName)
                .setSchema(new CoreSchema())
                .setAllowDuplicateKeys(true) // Obj reports duplicates with a field path
                .build();
        Iterator<Node> documents = YamlNesting.composeAll(settings, text);
        int before = resources.size();
        documents(sourceName, documents);
        for (int i = before; i < resources.size(); i++) {
            if (resources.get(i) instanceof ConfigMap) {
                sources.put(sourceName, text);
                break;
            }
        }
        return this;
    }

    private static String readAll(Reader reader) throws IOException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        for (int n = reader.read(buf); n >= 0; n = reader.read(buf)) {
            sb.append(buf, 0, n);
        }
        return sb.toString();
    }

    private void documents(String sourceName, Iterator<Node> documents) {
        while (true) {
            Node doc;
            try {
                if (!documents.hasNext()) {
                    break;
                }
                doc = documents.next();
            } catch (MarkedYamlEngineException e) {
                DecodeContext ctx = new DecodeContext(sourceName, problems);
                Location at =
                        ctx.location(e.getProblemMark().or(e::getContextMark).orElse(null));
                problems.add(Problem.error(
                        at,
                        "",
                        "",
                        "YAML syntax error: " + e.getProblem()
                                + (e.getContext() == null ? "" : " (" + e.getContext() + ")")));
                break;
            } catch (YamlEngineException e) {
                problems.add(Problem.error(Location.startOf(sourceName), "", "", "YAML error: " + e.getMessage()));
                break;
            }
            document(sourceName, doc);
        }
    }

    /** The set and problems of everything added so far. */
    public LoadResult result() {
        return new LoadResult(new ManifestSet(resources, fields, sources), problems);
    }

    private void document(String sourceName, Node doc) {
        if (doc == null || Obj.isNull(doc)) {
            return; // an empty document (e.g. a trailing ---) is not an object
        }
        DecodeContext ctx = new DecodeContext(sourceName, problems);
        Obj root = Obj.of(doc, "", ctx);
        if (root == null) {
            return;
        }
        String apiVersion = root.requiredString("apiVersion");
        String kind = root.requiredString("kind");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            return;
        }
        KindDecoder decoder = DECODERS.get(apiVersion + " " + kind);
        if (decoder == null) {
            unknownType(root, apiVersion, kind);
            return;
        }
        ctx.object(kind + "/" + peekName(doc));
        // GIE's EndpointPickerConfig has no metadata; in a manifest set it may have some
        ObjectMeta meta = kind.equals(EndpointPickerConfig.KIND) && !root.has("metadata")
                ? ObjectMeta.of(EndpointPickerConfig.DEFAULT_NAME)
                : MetaDecoder.decode(root);
        ctx.object(kind + "/" + meta.name());
        Origin origin = new Origin(ctx.location(doc), sequence++);
        if (KINDS_WITH_STATUS.contains(kind)) {
            root.ignore("status");
        }
        Resource r = decoder.decode(root, meta, origin);
        root.finish();
        resources.add(r);
        fields.put(origin.sequence(), new FieldIndex(origin.location(), ctx.fields()));
    }

    /** metadata.name if it is a plain string, so that problems inside metadata already name the object. */
    private static String peekName(Node doc) {
        if (doc instanceof MappingNode root) {
            for (NodeTuple t : root.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k
                        && k.getValue().equals("metadata")
                        && t.getValueNode() instanceof MappingNode meta) {
                    for (NodeTuple m : meta.getValue()) {
                        if (m.getKeyNode() instanceof ScalarNode mk
                                && mk.getValue().equals("name")
                                && m.getValueNode() instanceof ScalarNode v
                                && Tag.STR.equals(v.getTag())) {
                            return v.getValue();
                        }
                    }
                }
            }
        }
        return "";
    }

    private void unknownType(Obj root, String apiVersion, String kind) {
        Set<String> versionsOfKind = new TreeSet<>();
        Set<String> all = new TreeSet<>();
        for (String key : DECODERS.keySet()) {
            String[] vk = key.split(" ");
            all.add(vk[1]);
            if (vk[1].equals(kind)) {
                versionsOfKind.add(vk[0]);
            }
        }
        if (!versionsOfKind.isEmpty()) {
            root.ctx()
                    .error(
                            root.raw("apiVersion"),
                            "apiVersion",
                            "kind " + kind + " is not known in apiVersion " + apiVersion + " (expected: "
                                    + String.join(" or ", versionsOfKind) + ")");
        } else {
            String message = "unknown kind " + kind + " (expected one of: " + String.join(", ", all) + ")";
            if (kind.equals("List")) {
                message += "; write the items as documents separated by ---";
            }
            root.ctx().error(root.raw("kind"), "kind", message);
        }
    }
}
