package io.infergate.api.model;

/** The API groups and versions Infergate understands, spelled exactly as Kubernetes spells them. */
public final class ApiGroups {

    public static final String CORE = "";
    public static final String GATEWAY = "gateway.networking.k8s.io";
    /** InferencePool v1 (GA). */
    public static final String INFERENCE = "inference.networking.k8s.io";
    /** The experimental group: legacy InferencePool, InferenceModel, InferenceObjective, InferenceModelRewrite. */
    public static final String INFERENCE_X = "inference.networking.x-k8s.io";

    public static final String DISCOVERY = "discovery.k8s.io";

    public static final String GATEWAY_V1 = GATEWAY + "/v1";
    public static final String GATEWAY_V1ALPHA2 = GATEWAY + "/v1alpha2";
    public static final String INFERENCE_V1 = INFERENCE + "/v1";
    public static final String INFERENCE_X_V1ALPHA2 = INFERENCE_X + "/v1alpha2";
    /** EndpointPickerConfig (not a CRD: the endpoint picker's own configuration file). */
    public static final String INFERENCE_X_V1ALPHA1 = INFERENCE_X + "/v1alpha1";

    public static final String DISCOVERY_V1 = DISCOVERY + "/v1";

    private ApiGroups() {}

    /** Whether {@code group} is one of the two groups an InferencePool lives in. */
    public static boolean isInferencePoolGroup(String group) {
        return INFERENCE.equals(group) || INFERENCE_X.equals(group);
    }
}
