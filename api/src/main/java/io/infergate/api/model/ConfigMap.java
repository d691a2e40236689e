package io.infergate.api.model;

import java.util.Map;
import java.util.Objects;

/**
 * A core {@code v1} ConfigMap, accepted so that manifest bundles such as the Inference Extension's (which carry
 * the EndpointPickerConfig in one) load unchanged. Its data is kept as text. The one reading of it is Body-Based
 * Routing's: a ConfigMap labelled {@value #BBR_MANAGED_LABEL}{@code : "true"} maps LoRA adapter names to a base
 * model ({@link BbrConfigMap}).
 *
 * @param binaryData base64 text as written
 */
public record ConfigMap(ObjectMeta metadata, Origin origin, Map<String, String> data, Map<String, String> binaryData)
        implements Resource {

    public static final String KIND = "ConfigMap";

    /** The label that hands a ConfigMap to Body-Based Routing (GIE v1.4 and later); only the value "true" counts. */
    public static final String BBR_MANAGED_LABEL = "inference.networking.k8s.io/bbr-managed";

    public ConfigMap {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        data = Copies.map(data, "data");
        binaryData = Copies.map(binaryData, "binaryData");
    }

    @Override
    public String apiVersion() {
        return "v1";
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Whether Body-Based Routing reads this ConfigMap: its {@value #BBR_MANAGED_LABEL} label is exactly "true". */
    public boolean isBbrManaged() {
        return "true".equals(metadata.labels().get(BBR_MANAGED_LABEL));
    }
}
