package io.infergate.api.load;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferenceModelRewrite;
import io.infergate.api.model.InferenceObjective;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Origin;
import io.infergate.api.model.PoolRef;
import io.infergate.api.model.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Decoders for the Inference Extension kinds (GIE {@code api/v1}, {@code apix/v1alpha2}; see {@code
 * docs/architecture.md}). Both InferencePool versions produce the same {@link InferencePool} record; the CRD defaults
 * (FailClose, kind Service, group "", appProtocol http, poolRef groups) are applied here.
 */
final class InferenceDecoders {

    private static final Map<String, InferencePool.AppProtocol> APP_PROTOCOLS =
            Spellings.of(InferencePool.AppProtocol.values(), InferencePool.AppProtocol::yaml);
    private static final Map<String, InferencePool.FailureMode> FAILURE_MODES =
            Spellings.of(InferencePool.FailureMode.values(), InferencePool.FailureMode::yaml);
    private static final Map<String, InferenceModel.Criticality> CRITICALITIES =
            Spellings.of(InferenceModel.Criticality.values(), InferenceModel.Criticality::yaml);

    private InferenceDecoders() {}

    static Resource poolV1(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = GatewayApiDecoders.spec(root);
        Map<String, String> selector = Map.of();
        List<Integer> ports = new ArrayList<>();
        InferencePool.AppProtocol app = InferencePool.AppProtocol.HTTP;
        Optional<InferencePool.EndpointPickerRef> epp = Optional.empty();
        if (spec != null) {
            Optional<Obj> sel = spec.requiredObject("selector");
            if (sel.isPresent()) {
                selector =
                        sel.get().requiredStringMap("matchLabels", "1..64 labels; an empty selector selects nothing");
                sel.get().finish();
            }
            for (Obj p : spec.requiredObjects("targetPorts", "1..8 target ports")) {
                p.requiredInteger("number").ifPresent(ports::add);
                p.finish();
            }
            app = spec.enumValue("appProtocol", APP_PROTOCOLS).orElse(InferencePool.AppProtocol.HTTP);
            epp = spec.object("endpointPickerRef").map(e -> {
                String group = e.string("group").orElse(ApiGroups.CORE);
                String kind = e.string("kind").orElse("Service");
                String name = e.requiredString("name");
                OptionalInt port = OptionalInt.empty();
                Optional<Obj> p = e.object("port");
                if (p.isPresent()) {
                    port = p.get().requiredInteger("number");
                    p.get().finish();
                }
                InferencePool.FailureMode mode =
                        e.enumValue("failureMode", FAILURE_MODES).orElse(InferencePool.FailureMode.FAIL_CLOSE);
                e.finish();
                return new InferencePool.EndpointPickerRef(group, kind, name, port, mode);
            });
            spec.finish();
        }
        root.ignore("status");
        return new InferencePool(meta, origin, ApiGroups.INFERENCE_V1, selector, ports, app, epp);
    }

    static Resource poolV1alpha2(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = GatewayApiDecoders.spec(root);
        Map<String, String> selector = Map.of();
        List<Integer> ports = new ArrayList<>();
        Optional<InferencePool.EndpointPickerRef> epp = Optional.empty();
        if (spec != null) {
            selector = spec.requiredStringMap("selector", "at least 1 label; an empty selector selects nothing");
            spec.requiredInteger("targetPortNumber").ifPresent(ports::add);
            Optional<Obj> ext = spec.requiredObject("extensionRef");
            epp = ext.map(e -> {
                String group = e.string("group").orElse(ApiGroups.CORE);
                String kind = e.string("kind").orElse("Service");
                String name = e.requiredString("name");
                // v1alpha2: "When unset, implementations SHOULD use 9002" -> normalized so v1 and v1alpha2 agree
                int port = e.integer("portNumber").orElse(InferencePool.DEFAULT_V1ALPHA2_EPP_PORT);
                InferencePool.FailureMode mode =
                        e.enumValue("failureMode", FAILURE_MODES).orElse(InferencePool.FailureMode.FAIL_CLOSE);
                e.finish();
                return new InferencePool.EndpointPickerRef(group, kind, name, OptionalInt.of(port), mode);
            });
            spec.finish();
        }
        root.ignore("status");
        return new InferencePool(
                meta, origin, ApiGroups.INFERENCE_X_V1ALPHA2, selector, ports, InferencePool.AppProtocol.HTTP, epp);
    }

    static Resource inferenceModel(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = GatewayApiDecoders.spec(root);
        if (spec == null) {
            return new InferenceModel(
                    meta,
                    origin,
                    "",
                    Optional.empty(),
                    new PoolRef(ApiGroups.INFERENCE_X, "InferencePool", ""),
                    List.of());
        }
        String modelName = spec.requiredString("modelName");
        Optional<InferenceModel.Criticality> criticality = spec.enumValue("criticality", CRITICALITIES);
        List<InferenceModel.TargetModel> targets = new ArrayList<>();
        for (Obj t : spec.objects("targetModels")) {
            targets.add(new InferenceModel.TargetModel(t.requiredString("name"), t.integer("weight")));
            t.finish();
        }
        PoolRef pool = poolRef(spec, ApiGroups.INFERENCE_X);
        spec.finish();
        root.ignore("status");
        return new InferenceModel(meta, origin, modelName, criticality, pool, targets);
    }

    static Resource inferenceObjective(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = GatewayApiDecoders.spec(root);
        if (spec == null) {
            return new InferenceObjective(
                    meta, origin, OptionalInt.empty(), new PoolRef(ApiGroups.INFERENCE, "InferencePool", ""));
        }
        OptionalInt priority = spec.integer("priority");
        PoolRef pool = poolRef(spec, ApiGroups.INFERENCE);
        spec.finish();
        root.ignore("status");
        return new InferenceObjective(meta, origin, priority, pool);
    }

    static Resource inferenceModelRewrite(Obj root, ObjectMeta meta, Origin origin) {
        Obj spec = GatewayApiDecoders.spec(root);
        if (spec == null) {
            return new InferenceModelRewrite(
                    meta, origin, new PoolRef(ApiGroups.INFERENCE, "InferencePool", ""), List.of());
        }
        PoolRef pool = poolRef(spec, ApiGroups.INFERENCE);
        if (!spec.has("rules")) {
            spec.missing("rules");
        }
        List<InferenceModelRewrite.Rule> rules = new ArrayList<>();
        for (Obj r : spec.objects("rules")) {
            List<String> matches = new ArrayList<>();
            for (Obj m : r.objects("matches")) {
                Optional<Obj> model = m.requiredObject("model");
                if (model.isPresent()) {
                    Obj mm = model.get();
                    mm.enumValue("type", Map.of("Exact", "Exact"));
                    matches.add(mm.requiredString("value"));
                    mm.finish();
                }
                m.finish();
            }
            List<InferenceModelRewrite.Target> targets = new ArrayList<>();
            for (Obj t : r.objects("targets")) {
                String model = t.requiredString("modelRewrite");
                int weight = t.requiredInteger("weight").orElse(1);
                targets.add(new InferenceModelRewrite.Target(model, weight));
                t.finish();
            }
            r.finish();
            rules.add(new InferenceModelRewrite.Rule(matches, targets));
        }
        spec.finish();
        root.ignore("status");
        return new InferenceModelRewrite(meta, origin, pool, rules);
    }

    private static PoolRef poolRef(Obj spec, String defaultGroup) {
        Optional<Obj> ref = spec.requiredObject("poolRef");
        if (ref.isEmpty()) {
            return new PoolRef(defaultGroup, InferencePool.KIND, "");
        }
        Obj r = ref.get();
        PoolRef p = new PoolRef(
                r.string("group").orElse(defaultGroup),
                r.string("kind").orElse(InferencePool.KIND),
                r.requiredString("name"));
        r.finish();
        return p;
    }
}
