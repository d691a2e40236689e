package io.infergate.scheduler.model;

/**
 * The request headers model resolution reads, spelled in lower case as HTTP/2 and Envoy deliver them (HTTP/1.1
 * header names are case-insensitive; the data plane looks them up ignoring case). They are control headers:
 * the data plane must not forward them to the model server.
 */
public final class ModelHeaders {

    /** Forces the target model name; a matching rewrite rule or InferenceModel still overrides it. */
    public static final String MODEL_NAME_REWRITE = "x-gateway-model-name-rewrite";
    /** Names an InferenceObjective of the pool ({@code metadata.name}); its priority applies to the request. */
    public static final String INFERENCE_OBJECTIVE = "x-gateway-inference-objective";
    /** The flow-control fairness id; {@link #DEFAULT_FAIRNESS_ID} when absent. */
    public static final String FAIRNESS_ID = "x-gateway-inference-fairness-id";

    public static final String DEFAULT_FAIRNESS_ID = "default-flow";

    private ModelHeaders() {}
}
