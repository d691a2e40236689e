package io.infergate.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An InferencePool, normalized from either {@code inference.networking.k8s.io/v1} or the legacy
 * {@code inference.networking.x-k8s.io/v1alpha2}; {@link #apiVersion()} remembers which. Immutable.
 *
 * <p>Normalization: v1alpha2 {@code selector} (a plain map) becomes {@link #selector()} like v1
 * {@code selector.matchLabels}; {@code targetPortNumber} becomes a one-element {@link #targetPorts()};
 * {@code extensionRef} becomes {@link #endpointPicker()} with {@code portNumber} defaulted to 9002 (the port
 * the v1alpha2 spec says implementations SHOULD use). Both versions default group {@code ""}, kind
 * {@code Service}, failureMode {@code FailClose}; v1 defaults appProtocol to {@code http}.
 *
 * <p>Each ready Pod matching {@link #selector()} (same namespace, AND of labels) times each target port is
 * one endpoint.
 */
public record InferencePool(
        ObjectMeta metadata,
        Origin origin,
        String apiVersion,
        Map<String, String> selector,
        List<Integer> targetPorts,
        AppProtocol appProtocol,
        Optional<EndpointPickerRef> endpointPicker)
        implements Resource {

    public static final String KIND = "InferencePool";
    /** The EPP port v1alpha2 says to use when {@code extensionRef.portNumber} is unset. */
    public static final int DEFAULT_V1ALPHA2_EPP_PORT = 9002;

    public InferencePool {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(origin, "origin");
        Copies.str(apiVersion, "apiVersion");
        selector = Copies.map(selector, "selector");
        targetPorts = Copies.list(targetPorts, "targetPorts");
        Objects.requireNonNull(appProtocol, "appProtocol");
        Objects.requireNonNull(endpointPicker, "endpointPicker");
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Whether this pool came from the legacy {@code v1alpha2} API. */
    public boolean isLegacy() {
        return ApiGroups.INFERENCE_X.equals(group());
    }

    /** Whether the pod labels satisfy every selector entry (an empty selector matches nothing). */
    public boolean selects(Map<String, String> podLabels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(podLabels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public enum AppProtocol {
        HTTP("http"),
        H2C("kubernetes.io/h2c");

        private final String yaml;

        AppProtocol(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    public enum FailureMode {
        FAIL_OPEN("FailOpen"),
        FAIL_CLOSE("FailClose");

        private final String yaml;

        FailureMode(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    /**
     * The endpoint picker (EPP) reference. {@code port} is the Service port, not a target port; empty only for
     * a non-Service kind. In standalone mode the picker runs in-process and the reference is informational
     * unless a gateway wires an external EPP to it; {@link #failureMode()} still applies.
     */
    public record EndpointPickerRef(String group, String kind, String name, OptionalInt port, FailureMode failureMode) {
        public EndpointPickerRef {
            Copies.str(group, "group");
            Copies.str(kind, "kind");
            Copies.str(name, "name");
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(failureMode, "failureMode");
        }

        public boolean isService() {
            return group.isEmpty() && Service.KIND.equals(kind);
        }
    }
}
