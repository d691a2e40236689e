package io.infergate.scheduler.datastore;

import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.pick.Endpoint;
import java.util.Objects;

/**
 * The place one endpoint's {@link ScrapedMetrics} live. A slot keeps its identity while its address stays in the
 * pool, across pool snapshots, so a reload does not forget metrics; the scraper replaces the value, scheduling
 * decisions read it. A slot belongs to one pool and carries the {@link MetricsExtractor} of that pool's
 * configuration, with which the scraper reads the endpoint's page.
 *
 * <p>Thread-safe: one writer of the metrics (the scraper of this endpoint, never two scrapes at once), one writer of
 * the endpoint and extractor (the datastore, on publish), any number of readers; a read is one volatile load.
 */
public final class EndpointSlot {

    private final String hostPort;
    private volatile Endpoint endpoint;
    private volatile MetricsExtractor extractor;
    private volatile ScrapedMetrics metrics;

    EndpointSlot(Endpoint endpoint, MetricsExtractor extractor, ScrapedMetrics initial) {
        this.hostPort = endpoint.hostPort();
        this.endpoint = endpoint;
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.metrics = Objects.requireNonNull(initial, "initial");
    }

    public String hostPort() {
        return hostPort;
    }

    /** The endpoint as the latest snapshot describes it (labels may change while the address stays). */
    public Endpoint endpoint() {
        return endpoint;
    }

    void endpoint(Endpoint e) {
        this.endpoint = e;
    }

    /** How this endpoint's metrics page is read: its pool's extractor as last published. */
    public MetricsExtractor extractor() {
        return extractor;
    }

    void extractor(MetricsExtractor e) {
        this.extractor = e;
    }

    public ScrapedMetrics metrics() {
        return metrics;
    }

    /** Replaces the metrics; called by the endpoint's scraper only. */
    public void metrics(ScrapedMetrics next) {
        this.metrics = Objects.requireNonNull(next, "next");
    }
}
