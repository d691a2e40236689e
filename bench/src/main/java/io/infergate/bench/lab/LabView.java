package io.infergate.bench.lab;

import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.pick.Endpoint;
import java.util.List;

/**
 * What a router in the lab knows at the current virtual instant: the pool's endpoints, its own in-flight
 * accounting (the gateway's {@link io.infergate.scheduler.pick.InFlightTracker}: requests, and prompt plus output
 * tokens until the first token, output tokens after), and each endpoint's latest scraped metrics, which arrive
 * every scrape interval after a scrape delay, so they lag the engines as they would live.
 *
 * <p>Threading: read on the lab's single thread, during a {@link LabPolicy} call only. Never blocks.
 */
public interface LabView {

    /** The virtual time, nanoseconds from the start of the run. */
    long nowNanos();

    /** The pool's endpoints; index {@code i} is endpoint {@code i} everywhere in this view. Never empty. */
    List<Endpoint> endpoints();

    /** Requests this router has sent to endpoint {@code i} that have not ended. */
    int inFlight(int i);

    /** The tokens those requests still load endpoint {@code i} with (see the class comment). */
    long inFlightTokens(int i);

    /**
     * The latest scrape of endpoint {@code i} (queue, running, KV-cache use, loaded adapters); its
     * {@link ScrapedMetrics#everRead()} is false until the first scrape lands.
     */
    ScrapedMetrics metrics(int i);

    /** The engines' KV-cache block size in tokens (what a block-hashing router would be configured with). */
    int blockSize();
}
