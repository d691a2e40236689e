package io.infergate.api.model;

import java.util.Map;
import java.util.Objects;

/**
 * A core {@code v1} ConfigMap, accepted so that manifest bundles such as the Inference Extension's (which carry
 * the EndpointPickerConfig in one) load unchanged. Its data is kept as text; nothing here interprets it.
 *
 * @param binaryData base64 text as written
 */
public record ConfigMap(ObjectMeta metadata, Origin origin, Map<String, String> data, Map<String, String> binaryData)
        implements Resource {

    public static final String KIND = "ConfigMap";

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
}
