package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.Observation;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which model server's {@code /metrics} the simulator imitates. The names are the engine types of the
 * gateway's Model Server Protocol (GIE {@code docs/proposals/003-model-server-protocol/README.md}): GIE/llm-d pick the
 * metric names by the pod's {@code inference.networking.k8s.io/engine-type} label.
 *
 * <p>A flavor also fixes the histogram buckets: create the engine's {@link EngineMetrics} with
 * {@link #newEngineMetrics(EngineConfig)} so that the histograms the engine fills have the bounds the real
 * server would expose.
 *
 * <p>Threading: immutable, any thread.
 */
public enum MetricsFlavor {
    /** vLLM V1 ({@code vllm:*}). */
    VLLM("vllm"),
    /** SGLang ({@code sglang:*}). */
    SGLANG("sglang"),
    /** TensorRT-LLM's OpenAI server, trtllm-serve ({@code trtllm_*}, flat names). */
    TRTLLM("trtllm"),
    /** Triton with the TensorRT-LLM backend ({@code nv_trt_llm_*} plus Triton's {@code nv_inference_*}). */
    TRITON("triton"),
    /** Hugging Face text-generation-inference ({@code tgi_*}). */
    TGI("tgi");

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final String id;

    MetricsFlavor(String id) {
        this.id = id;
    }

    /** The name used in configuration and on the command line, e.g. {@code vllm}. */
    public String id() {
        return id;
    }

    /**
     * Looks a flavor up by its id, ignoring case.
     *
     * @throws IllegalArgumentException listing the valid ids
     */
    public static MetricsFlavor byId(String id) {
        Objects.requireNonNull(id, "id");
        String wanted = id.toLowerCase(Locale.ROOT);
        for (MetricsFlavor f : values()) {
            if (f.id.equals(wanted)) {
                return f;
            }
        }
        throw new IllegalArgumentException("metrics flavor: '" + id + "' (expected one of: "
                + Arrays.stream(values()).map(MetricsFlavor::id).collect(Collectors.joining(", ")) + ")");
    }

    /** The {@code Content-Type} of the exposition; every flavor serves the text format 0.0.4. */
    public String contentType() {
        return CONTENT_TYPE;
    }

    /**
     * The bucket upper bounds (without {@code +Inf}) this server uses for the histogram that corresponds to
     * {@code o}. vLLM's are the {@link Observation} defaults; an observation a flavor does not expose gets
     * vLLM's bounds too, so every histogram is valid whichever flavor renders it.
     */
    public double[] bounds(Observation o, EngineConfig c) {
        double[] server = switch (this) {
            case VLLM, TRITON -> null;
            case SGLANG ->
                switch (o) {
                    case TIME_TO_FIRST_TOKEN -> ServerBuckets.sglangTimeToFirstToken();
                    case E2E_LATENCY -> ServerBuckets.sglangE2eLatency();
                    case INTER_TOKEN_LATENCY -> ServerBuckets.sglangTimePerOutputToken();
                    default -> null;
                };
            case TRTLLM -> o == Observation.PREFILL_TIME ? ServerBuckets.trtllmPrefillTime() : null;
            case TGI ->
                switch (o) {
                    case TIME_TO_FIRST_TOKEN,
                            INTER_TOKEN_LATENCY,
                            E2E_LATENCY,
                            QUEUE_TIME,
                            INFERENCE_TIME,
                            PREFILL_TIME,
                            DECODE_TIME,
                            REQUEST_TIME_PER_OUTPUT_TOKEN,
                            STEP_DURATION -> ServerBuckets.tgiDuration();
                    case PROMPT_TOKENS -> ServerBuckets.tgiLinear(TgiMetricsRenderer.maxInputTokens(c));
                    case GENERATION_TOKENS, MAX_TOKENS_PARAM ->
                        ServerBuckets.tgiLinear(TgiMetricsRenderer.maxTotalTokens(c));
                    default -> null;
                };
        };
        return server != null ? server : o.vllmBounds(c.maxModelLen());
    }

    /** Engine metrics whose histograms have this flavor's {@link #bounds}. */
    public EngineMetrics newEngineMetrics(EngineConfig c) {
        return new EngineMetrics(c, o -> bounds(o, c));
    }
}
