package io.infergate.api.validate;

import io.infergate.api.model.ApiGroups;
import io.infergate.api.model.InferenceModel;
import io.infergate.api.model.InferenceModelRewrite;
import io.infergate.api.model.InferenceObjective;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.PoolFaultLimits;
import io.infergate.api.model.PoolRef;
import io.infergate.api.model.Resource;
import io.infergate.api.model.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Inference Extension rules (GIE {@code api/v1/inferencepool_types.go}, {@code apix/v1alpha2/*_types.go}):
 * InferencePool (v1 and v1alpha2), InferenceModel, InferenceObjective, InferenceModelRewrite, and their references. CRD
 * immutability rules (e.g. "modelName is immutable") compare an update with the stored object; a file has no previous
 * version, so they do not apply.
 */
final class InferenceRules {

    static final int MAX_WEIGHT = 1_000_000;

    private InferenceRules() {}

    static void check(Reporter r) {
        ManifestSet set = r.set();
        for (InferencePool p : set.inferencePools()) {
            pool(r, p);
        }
        for (InferenceModel m : set.inferenceModels()) {
            model(r, m);
        }
        modelNameClashes(r);
        for (InferenceObjective o : set.inferenceObjectives()) {
            poolRef(r, o, o.poolRef());
        }
        for (InferenceModelRewrite w : set.inferenceModelRewrites()) {
            rewrite(r, w);
        }
        rewriteShadows(r);
    }

    private static void pool(Reporter r, InferencePool p) {
        PoolFaultLimits.of(
                p.metadata().annotations(), (name, problem) -> r.error(p, "metadata.annotations." + name, problem));
        boolean v1 = !p.isLegacy();
        String selectorPath = v1 ? "spec.selector.matchLabels" : "spec.selector";
        if (v1) {
            r.maxItems(p, selectorPath, p.selector().size(), 64);
        }
        for (Map.Entry<String, String> e : p.selector().entrySet()) {
            String path = selectorPath + "." + e.getKey();
            String badKey = Formats.labelKey(e.getKey());
            if (badKey != null) {
                r.error(p, path, badKey);
            }
            String badValue = Formats.labelValue(e.getValue());
            if (badValue != null) {
                r.error(p, path, badValue);
            }
        }
        List<Integer> ports = p.targetPorts();
        if (v1) {
            r.maxItems(p, "spec.targetPorts", ports.size(), 8);
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < ports.size(); i++) {
                r.range(p, "spec.targetPorts[" + i + "].number", ports.get(i), 1, 65535);
                if (!seen.add(ports.get(i))) {
                    // the CRD's CEL message, verbatim
                    r.error(
                            p,
                            "spec.targetPorts[" + i + "].number",
                            "port number must be unique (" + ports.get(i) + " appears more than once)");
                }
            }
        } else if (!ports.isEmpty()) {
            r.range(p, "spec.targetPortNumber", ports.get(0), 1, 65535);
        }
        p.endpointPicker().ifPresent(e -> endpointPicker(r, p, e, v1 ? "spec.endpointPickerRef" : "spec.extensionRef"));
    }

    private static void endpointPicker(Reporter r, InferencePool p, InferencePool.EndpointPickerRef e, String path) {
        String badGroup = Formats.group(e.group());
        if (badGroup != null) {
            r.error(p, path + ".group", badGroup);
        }
        String badKind = Formats.kind(e.kind());
        if (badKind != null) {
            r.error(p, path + ".kind", badKind);
        }
        String badName = Formats.objectName(e.name());
        if (badName != null) {
            r.error(p, path + ".name", badName);
        }
        String portPath = p.isLegacy() ? path + ".portNumber" : path + ".port.number";
        if (e.kind().equals("Service") && e.port().isEmpty()) {
            // the CRD's CEL message, verbatim
            r.error(p, path, "port is required when kind is 'Service' or unspecified (defaults to 'Service')");
        }
        e.port().ifPresent(port -> r.range(p, portPath, port, 1, 65535));
        if ("infergate.io".equals(e.group()) && "EndpointPicker".equals(e.kind())) {
            return; // names the in-process picker explicitly
        }
        if (!e.isService()) {
            r.warning(
                    p,
                    path + ".kind",
                    "endpoint picker of group \"" + e.group() + "\" kind " + e.kind()
                            + " cannot be resolved by Infergate (expected: a core Service, or group infergate.io kind"
                            + " EndpointPicker for the in-process picker); requests to this pool follow its failureMode");
            return;
        }
        if (e.name().isEmpty()) {
            return;
        }
        Optional<Service> svc = r.set().service(p.metadata().namespace(), e.name());
        if (svc.isEmpty()) {
            r.warning(
                    p,
                    path + ".name",
                    "Service " + p.metadata().namespace() + "/" + e.name()
                            + " is not declared; the in-process endpoint picker serves this pool (declare the Service to"
                            + " use an external EPP)");
            return;
        }
        if (svc.get().type().equals("ExternalName")) {
            r.error(
                    p,
                    path + ".name",
                    "Service " + e.name() + " is of type ExternalName (expected: a Service with"
                            + " endpoints; ExternalName Services must not be used as endpoint pickers)");
        } else if (e.port().isPresent() && svc.get().port(e.port().getAsInt()).isEmpty()) {
            r.error(
                    p,
                    portPath,
                    "Service " + e.name() + " has no port " + e.port().getAsInt() + " (expected one of: "
                            + svc.get().ports().stream()
                                    .map(sp -> String.valueOf(sp.port()))
                                    .toList() + ")");
        }
    }

    private static void model(Reporter r, InferenceModel m) {
        if (m.modelName().length() > 256) {
            r.error(m, "spec.modelName", "is " + m.modelName().length() + " characters long (expected: at most 256)");
        }
        List<InferenceModel.TargetModel> targets = m.targetModels();
        r.maxItems(m, "spec.targetModels", targets.size(), 10);
        long withWeight = targets.stream().filter(t -> t.weight().isPresent()).count();
        if (withWeight != 0 && withWeight != targets.size()) {
            // the CRD's CEL message, verbatim
            r.error(
                    m,
                    "spec.targetModels",
                    "Weights should be set for all models, or none of the models. (found " + withWeight + " of "
                            + targets.size() + " with a weight)");
        }
        for (int i = 0; i < targets.size(); i++) {
            InferenceModel.TargetModel t = targets.get(i);
            String path = "spec.targetModels[" + i + "]";
            if (t.name().length() > 253) {
                r.error(m, path + ".name", "is " + t.name().length() + " characters long (expected: at most 253)");
            }
            int index = i;
            t.weight().ifPresent(w -> r.range(m, "spec.targetModels[" + index + "].weight", w, 1, MAX_WEIGHT));
        }
        poolRef(r, m, m.poolRef());
    }

    /** Two InferenceModels claiming one modelName in one pool: the oldest wins, the others get a warning. */
    private static void modelNameClashes(Reporter r) {
        Map<String, List<InferenceModel>> byClaim = new HashMap<>();
        for (InferenceModel m : r.set().inferenceModels()) {
            if (!m.modelName().isEmpty()) {
                byClaim.computeIfAbsent(ManifestSet.modelClaimKey(m), k -> new ArrayList<>())
                        .add(m);
            }
        }
        for (List<InferenceModel> claim : byClaim.values()) {
            if (claim.size() < 2) {
                continue;
            }
            claim.sort(Resource.OLDEST_FIRST);
            InferenceModel winner = claim.get(0);
            for (InferenceModel loser : claim.subList(1, claim.size())) {
                r.warning(
                        loser,
                        "spec.modelName",
                        "modelName \"" + loser.modelName() + "\" is already claimed in pool "
                                + loser.poolRef().name() + " by the older " + winner.displayName() + " ("
                                + winner.origin().location()
                                + "); this InferenceModel is ignored (reason ModelNameInUse)");
            }
        }
    }

    private static void rewrite(Reporter r, InferenceModelRewrite w) {
        poolRef(r, w, w.poolRef());
        for (int i = 0; i < w.rules().size(); i++) {
            InferenceModelRewrite.Rule rule = w.rules().get(i);
            String path = "spec.rules[" + i + "]";
            if (rule.targets().isEmpty()) {
                r.error(w, path + ".targets", "found no targets (expected: at least 1)");
            }
            for (int j = 0; j < rule.matches().size(); j++) {
                if (rule.matches().get(j).isEmpty()) {
                    r.error(
                            w,
                            path + ".matches[" + j + "].model.value",
                            "found an empty model name (expected: at" + " least 1 character)");
                }
            }
            for (int j = 0; j < rule.targets().size(); j++) {
                InferenceModelRewrite.Target t = rule.targets().get(j);
                r.range(w, path + ".targets[" + j + "].weight", t.weight(), 1, MAX_WEIGHT);
                if (t.modelRewrite().isEmpty() && r.set().isWritten(w, path + ".targets[" + j + "].modelRewrite")) {
                    r.error(
                            w,
                            path + ".targets[" + j + "].modelRewrite",
                            "found an empty model name (expected: the" + " model name to send to the model server)");
                }
            }
        }
    }

    /**
     * An exact match for a model already matched exactly by an older rewrite of the same pool, or by an earlier
     * rule of the same rewrite, never applies. Legal, but almost certainly not what was meant.
     */
    private static void rewriteShadows(Reporter r) {
        Map<String, String> claimed = new HashMap<>();
        List<InferenceModelRewrite> sorted = new ArrayList<>(r.set().inferenceModelRewrites());
        sorted.sort(Resource.OLDEST_FIRST);
        for (InferenceModelRewrite w : sorted) {
            PoolRef p = w.poolRef();
            for (int i = 0; i < w.rules().size(); i++) {
                List<String> matches = w.rules().get(i).matches();
                for (int j = 0; j < matches.size(); j++) {
                    String key = w.metadata().namespace() + "|" + p.group() + "|" + p.name() + "|" + matches.get(j);
                    String by = w.displayName() + " rule " + i;
                    String first = claimed.putIfAbsent(key, by);
                    if (first != null) {
                        r.warning(
                                w,
                                "spec.rules[" + i + "].matches[" + j + "].model.value",
                                "model \"" + matches.get(j)
                                        + "\" is already matched exactly by " + first + ", which takes precedence; this"
                                        + " match never applies");
                    }
                }
            }
        }
    }

    /** A poolRef must name an InferencePool of the referenced group in the same namespace. */
    static void poolRef(Reporter r, Resource owner, PoolRef ref) {
        String ns = owner.metadata().namespace();
        if (!ref.kind().equals(InferencePool.KIND)) {
            r.error(owner, "spec.poolRef.kind", "found kind " + ref.kind() + " (expected: InferencePool)");
            return;
        }
        if (!ApiGroups.isInferencePoolGroup(ref.group())) {
            r.error(
                    owner,
                    "spec.poolRef.group",
                    "found group \"" + ref.group() + "\" (expected: " + ApiGroups.INFERENCE + " or "
                            + ApiGroups.INFERENCE_X + ")");
            return;
        }
        if (ref.name().isEmpty()) {
            return; // reported as missing by the loader
        }
        if (r.set().inferencePool(ref.group(), ns, ref.name()).isPresent()) {
            return;
        }
        String groupNote =
                r.set().isWritten(owner, "spec.poolRef.group") ? "" : " (the default for " + owner.kind() + ")";
        List<InferencePool> other = r.set().inferencePoolsNamed(ns, ref.name());
        String hint = other.isEmpty()
                ? ""
                : "; an InferencePool of that name exists in group "
                        + other.get(0).group() + " (set spec.poolRef.group to it)";
        r.error(
                owner,
                "spec.poolRef.name",
                "InferencePool " + ns + "/" + ref.name() + " of group " + ref.group() + groupNote + " is not declared"
                        + hint);
    }
}
