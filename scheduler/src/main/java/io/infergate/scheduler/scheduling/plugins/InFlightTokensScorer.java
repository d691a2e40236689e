package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.config.PluginFactory;

/**
 * Ours ({@code in-flight-tokens-scorer}, in the spirit of llm-d's token-load scorer): min-max over the tokens our
 * in-flight requests are still expected to cost on each endpoint (prompt tokens not yet prefilled plus output
 * estimates), less is better.
 */
public final class InFlightTokensScorer extends MinMaxScorer {

    public static final String TYPE = PluginTypes.IN_FLIGHT_TOKENS_SCORER;

    /** Builds it from its instance name; it has no parameters. */
    public static final PluginFactory FACTORY = PluginFactory.scorer(TYPE, InFlightTokensScorer::new);

    public InFlightTokensScorer() {
        this(TYPE);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public InFlightTokensScorer(String name) {
        super(TYPE, name);
    }

    @Override
    void values(Candidates c, double[] out) {
        for (int i = 0; i < c.size(); i++) {
            out[i] = c.inFlightTokens(i);
        }
    }
}
