package io.infergate.scheduler.admission;

import java.util.Objects;

/**
 * One endpoint's load as flow control's reserve sees it: its saturation {@link EndpointSignals} (the waiting queue
 * corrected for our requests since the scrape), what its last scrape reported as waiting and running, and the
 * requests of ours it has now. The scraped values may be a scrape interval old; {@code ours} is the gateway's own
 * count (leased at the pick, released when the response ends), so it is fresh. Immutable.
 *
 * @param hostPort        the endpoint's address, the key of what is learned about it
 * @param signals         the saturation signals ({@link PoolSignals#of})
 * @param scrapedAtNanos  when the last successful scrape was read (monotonic), tells scrapes apart; any value when
 *                        {@code signals} has no metrics
 * @param scrapedWaiting  the engine's waiting queue at the last scrape, >= 0 (0 when it does not export one)
 * @param scrapedRunning  the engine's running batch at the last scrape, or -1 when it does not export one
 * @param ours            our requests on the endpoint now, >= 0
 * @param prefilling      those of them not yet at their first token, >= 0
 */
public record EndpointLoad(
        String hostPort,
        EndpointSignals signals,
        long scrapedAtNanos,
        int scrapedWaiting,
        int scrapedRunning,
        int ours,
        int prefilling) {

    public EndpointLoad {
        Objects.requireNonNull(hostPort, "hostPort");
        Objects.requireNonNull(signals, "signals");
        if (scrapedWaiting < 0 || scrapedRunning < -1 || ours < 0) {
            throw new IllegalArgumentException("scrapedWaiting " + scrapedWaiting + ", scrapedRunning " + scrapedRunning
                    + ", ours " + ours + " (expected: >= 0, >= -1, >= 0)");
        }
    }
}
