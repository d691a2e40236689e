package io.infergate.gateway.proxy;

import io.infergate.scheduler.model.ModelHeaders;
import io.infergate.scheduler.pipeline.ParsedRequest;
import io.infergate.scheduler.pipeline.PickerProtocol;
import io.netty.util.AsciiString;

/** Header names the data plane reads or writes, prepared once as {@link AsciiString}s (lower case). */
public final class HeaderNames {

    public static final AsciiString X_REQUEST_ID = AsciiString.cached(ParsedRequest.REQUEST_ID_HEADER);
    /** {@code scores} asks for the picker's per-scorer scores (only when the gateway allows it). */
    public static final AsciiString DEBUG = AsciiString.cached("x-infergate-debug");
    /** The response header that carries them. */
    public static final AsciiString SCORES = AsciiString.cached("x-infergate-scores");
    /** The client's session id, for session affinity. */
    public static final AsciiString SESSION_ID = AsciiString.cached(ParsedRequest.SESSION_ID_HEADER);
    /** Set from the body's {@code model} before route matching (what GIE's Body-Based Routing sets). */
    public static final AsciiString X_GATEWAY_MODEL_NAME = AsciiString.cached("x-gateway-model-name");
    /** Set with {@link #X_GATEWAY_MODEL_NAME}; see {@link RequestRouter} for the value. */
    public static final AsciiString X_GATEWAY_BASE_MODEL_NAME = AsciiString.cached("x-gateway-base-model-name");

    public static final AsciiString MODEL_NAME_REWRITE = AsciiString.cached(ModelHeaders.MODEL_NAME_REWRITE);
    public static final AsciiString INFERENCE_OBJECTIVE = AsciiString.cached(ModelHeaders.INFERENCE_OBJECTIVE);
    public static final AsciiString FAIRNESS_ID = AsciiString.cached(ModelHeaders.FAIRNESS_ID);
    /**
     * Prefix of the endpoint-picker protocol headers ({@code x-gateway-destination-endpoint},
     * {@code ...-subset}, {@code ...-served}). A client must never choose its own upstream address, so every
     * header with this prefix is removed from incoming requests.
     */
    public static final String DESTINATION_ENDPOINT_PREFIX = PickerProtocol.DESTINATION_ENDPOINT;
    /** Prefix of the other inference control headers ({@code x-gateway-inference-objective}, ...). */
    public static final String INFERENCE_PREFIX = "x-gateway-inference-";

    private HeaderNames() {}
}
