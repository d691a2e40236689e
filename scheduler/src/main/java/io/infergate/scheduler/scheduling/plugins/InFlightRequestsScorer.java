package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.config.PluginFactory;

/**
 * Ours ({@code in-flight-requests-scorer}): min-max over the requests we have in flight on each endpoint, fewer
 * is better. Unlike scraped queue sizes it is exact and current to the request, so it corrects for the scrape
 * interval under bursts.
 */
public final class InFlightRequestsScorer extends MinMaxScorer {

    public static final String TYPE = PluginTypes.IN_FLIGHT_REQUESTS_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, InFlightRequestsScorer::new);

    public InFlightRequestsScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public InFlightRequestsScorer(String name) {
        super(TYPE, name);
    }

    @Override
    void values(Candidates c, double[] out) {
        for (int i = 0; i < c.size(); i++) {
            out[i] = c.inFlight(i);
        }
    }
}
