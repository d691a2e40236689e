package io.infergate.extproc.server;

import io.infergate.api.model.EndpointPickerConfig;
import io.infergate.api.model.InferencePool;
import io.infergate.api.model.ManifestSet;
import io.infergate.api.model.ObjectMeta;
import io.infergate.api.model.Resource;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.scheduling.config.PoolSchedulingResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The picker's {@code --config-file}: one EndpointPickerConfig that schedules the served pool whatever the pool's
 * own annotations say, as the reference picker reads its configuration from a file. It is applied the way a user
 * would write it in a manifest: the configuration becomes a document in the pool's namespace and the pool gets the
 * {@value PoolSchedulingResolver#PROFILE_ANNOTATION} annotation naming it, so the same resolver builds it. Immutable.
 */
public record PickerConfigOverride(EndpointPickerConfig config) {

    /** The document name the configuration gets (a name no user object is likely to have). */
    public static final String DOCUMENT_NAME = "infergate-epp-config-file";

    public PickerConfigOverride {
        Objects.requireNonNull(config, "config");
    }

    /** The set with the configuration added and the pool annotated; the set itself when it lacks the pool. */
    public ManifestSet apply(ManifestSet set, PoolId pool) {
        List<Resource> out = new ArrayList<>(set.all().size() + 1);
        boolean found = false;
        for (Resource r : set.all()) {
            if (r instanceof InferencePool p && PoolId.of(p).equals(pool)) {
                Map<String, String> annotations =
                        new LinkedHashMap<>(p.metadata().annotations());
                annotations.put(PoolSchedulingResolver.PROFILE_ANNOTATION, DOCUMENT_NAME);
                ObjectMeta m = p.metadata();
                out.add(new InferencePool(
                        new ObjectMeta(m.name(), m.namespace(), m.labels(), annotations, m.creationTimestamp()),
                        p.origin(),
                        p.apiVersion(),
                        p.selector(),
                        p.targetPorts(),
                        p.appProtocol(),
                        p.endpointPicker()));
                found = true;
            } else {
                out.add(r);
            }
        }
        if (!found) {
            return set;
        }
        EndpointPickerConfig c = config;
        out.add(new EndpointPickerConfig(
                new ObjectMeta(DOCUMENT_NAME, pool.namespace(), Map.of(), Map.of(), Optional.empty()),
                c.origin(),
                c.featureGates(),
                c.plugins(),
                c.schedulingProfiles(),
                c.saturationDetector(),
                c.dataLayer(),
                c.flowControl(),
                c.parser()));
        return new ManifestSet(out, Map.of());
    }
}
