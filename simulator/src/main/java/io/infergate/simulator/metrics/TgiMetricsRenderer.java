package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.EngineMetrics;
import io.infergate.simulator.engine.FinishReason;
import io.infergate.simulator.engine.Observation;
import java.util.List;

/**
 * Hugging Face text-generation-inference's {@code /metrics}: the {@code tgi_*} names its router records
 * (huggingface/text-generation-inference {@code router/src/server.rs}, {@code backends/v3}) with the HELP texts of its
 * {@code describe_*} calls (the first description of a name wins, as in the exporter), exposed by
 * {@code metrics-exporter-prometheus} 0.15.
 *
 * <p><b>Counter suffix.</b> Counters are exposed <em>without</em> {@code _total} ({@code tgi_request_success 12}):
 * TGI's workspace pins {@code metrics-exporter-prometheus = "0.15.1"}, and that exporter only learned to append
 * {@code _total} in 0.18.0, behind the opt-in {@code with_recommended_naming} (metrics-rs CHANGELOG, #596/#597).
 * Mocks that show {@code tgi_request_success_total} were written against other exporters.
 *
 * <p>Layout as the exporter renders it: counters, then gauges, then histograms; no HELP line for names TGI
 * never describes ({@code tgi_batch_max_total_tokens}); a blank line after each family. Histograms use TGI's
 * buckets ({@link MetricsFlavor#bounds}): 35 geometric ones for every {@code *duration}, 100 linear ones up to
 * {@code max_input_tokens} (here {@code max_model_len - 1}, TGI's default) for input lengths and up to
 * {@code max_total_tokens} ({@code max_model_len}) for generated and max-new tokens.
 *
 * <p>Mapping from the engine: queue = waiting, batch size = running; {@code tgi_batch_current_max_tokens} is the
 * tokens held in the batch's KV blocks (TGI counts the tokens it reserved, which the engine does not publish);
 * {@code tgi_batch_max_total_tokens} the KV capacity; success = stop + length; inference calls per method =
 * steps with and without prefill. Not exposed: {@code tgi_request_failure{err}} (the engine counts no
 * rejections or validation errors, and a client disconnect is not a TGI failure), the per-method batch duration
 * histograms, {@code tgi_request_validation_duration} and {@code tgi_batch_next_size}. Unlike the real exporter,
 * which shows a series only after it was first recorded, every series is always present.
 *
 * <p>Threading: stateless, any thread.
 */
final class TgiMetricsRenderer implements FlavorRenderer {

    /** TGI's {@code max_input_tokens} for an engine: its default, one less than the total. */
    static int maxInputTokens(EngineConfig c) {
        return c.maxModelLen() - 1;
    }

    /** TGI's {@code max_total_tokens} for an engine: the context window. */
    static int maxTotalTokens(EngineConfig c) {
        return c.maxModelLen();
    }

    @Override
    public TextDialect dialect() {
        return TextDialect.RUST_METRICS_EXPORTER;
    }

    @Override
    public void render(EngineMetrics m, MetricsOptions options, PrometheusTextWriter out) {
        EngineConfig c = m.config();
        Labels none = Labels.EMPTY;
        long prefill = m.prefillSteps();
        long decode = m.steps() - prefill;

        out.counter("tgi_request_count", "Total number of requests", none, m.requestsReceived());
        out.counter(
                "tgi_request_success",
                "Number of successful requests",
                none,
                m.finished(FinishReason.STOP) + m.finished(FinishReason.LENGTH));
        out.counter(
                "tgi_batch_inference_count",
                "Inference calls per method (prefill or decode)",
                perMethod(prefill, decode));
        out.counter(
                "tgi_batch_inference_success",
                "Number of successful inference calls per method (prefill or decode)",
                perMethod(prefill, decode));

        out.gauge("tgi_queue_size", "Current queue size", none, m.waiting());
        out.gauge("tgi_batch_current_size", "Current batch size", none, m.running());
        out.gauge(
                "tgi_batch_current_max_tokens",
                "Maximum tokens for the current batch",
                none,
                m.usedBlocks() * (double) c.blockSize());
        out.gauge("tgi_batch_max_total_tokens", null, none, c.kvCapacityTokens());

        out.histogram("tgi_request_duration", "Request duration", none, m.histogram(Observation.E2E_LATENCY));
        out.histogram(
                "tgi_request_queue_duration", "Request queue duration", none, m.histogram(Observation.QUEUE_TIME));
        out.histogram(
                "tgi_request_inference_duration",
                "Request inference duration",
                none,
                m.histogram(Observation.INFERENCE_TIME));
        out.histogram(
                "tgi_request_mean_time_per_token_duration",
                "Mean time per token per request",
                none,
                m.histogram(Observation.REQUEST_TIME_PER_OUTPUT_TOKEN));
        out.histogram(
                "tgi_request_input_length",
                "Input token length per request",
                none,
                m.histogram(Observation.PROMPT_TOKENS));
        out.histogram(
                "tgi_request_generated_tokens",
                "Generated tokens per request",
                none,
                m.histogram(Observation.GENERATION_TOKENS));
        out.histogram(
                "tgi_request_max_new_tokens",
                "Maximum new tokens per request",
                none,
                m.histogram(Observation.MAX_TOKENS_PARAM));
    }

    private static List<PrometheusTextWriter.Sample> perMethod(long prefill, long decode) {
        return List.of(
                new PrometheusTextWriter.Sample(Labels.of("method", "prefill"), prefill),
                new PrometheusTextWriter.Sample(Labels.of("method", "decode"), decode));
    }
}
