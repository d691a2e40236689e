package io.infergate.simulator.metrics;

import io.infergate.simulator.engine.EngineMetrics;
import java.util.Objects;

/**
 * The {@code /metrics} endpoint's body: an engine's {@link EngineMetrics} in the text format of the chosen
 * {@link MetricsFlavor}. Serve it with {@link MetricsFlavor#contentType()}.
 *
 * <p>Threading: stateless; call from any thread (typically the HTTP event loop), concurrently with the
 * engine thread writing the metrics. Never blocks; the cost is proportional to the number of series
 * (a few hundred lines). Null arguments throw {@link NullPointerException}.
 */
public final class MetricsRenderer {

    private static final FlavorRenderer VLLM = new VllmMetricsRenderer();
    private static final FlavorRenderer SGLANG = new SglangMetricsRenderer();
    private static final FlavorRenderer TRTLLM = new TrtllmServeMetricsRenderer();
    private static final FlavorRenderer TRITON = new TritonMetricsRenderer();
    private static final FlavorRenderer TGI = new TgiMetricsRenderer();

    private MetricsRenderer() {}

    /** One scrape: every family once, each line (the last too) ending in a newline. */
    public static String render(MetricsFlavor flavor, EngineMetrics metrics, MetricsOptions options) {
        return render(flavor, metrics, options, true);
    }

    /**
     * Like {@link #render} without the histogram families: the page an endpoint picker reads (queue, running,
     * KV-cache use, LoRA, cache config are all gauges or counters) at a twentieth of the cost. The policy lab
     * renders thousands of pages per simulated minute; histograms are most of the bytes and no picker reads them.
     */
    public static String renderGauges(MetricsFlavor flavor, EngineMetrics metrics, MetricsOptions options) {
        return render(flavor, metrics, options, false);
    }

    private static String render(
            MetricsFlavor flavor, EngineMetrics metrics, MetricsOptions options, boolean histograms) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(options, "options");
        FlavorRenderer renderer = switch (Objects.requireNonNull(flavor, "flavor")) {
            case VLLM -> VLLM;
            case SGLANG -> SGLANG;
            case TRTLLM -> TRTLLM;
            case TRITON -> TRITON;
            case TGI -> TGI;
        };
        PrometheusTextWriter out = new PrometheusTextWriter(renderer.dialect(), options, histograms);
        renderer.render(metrics, options, out);
        return out.finish();
    }
}
