package io.infergate.scheduler.scheduling.config;

import io.infergate.api.model.PluginTypes;
import java.util.OptionalDouble;

/**
 * GIE's {@code static-usage-limit-policy}: flow control dispatches while the saturation detector finds the pool below
 * {@code threshold} times saturation. Infergate's flow controller does that for the limit 1.0, GIE's default, so the
 * plugin is accepted without effect with that threshold; any other threshold is an error (not supported yet).
 */
final class StaticUsageLimitPolicy {

    static final String TYPE = PluginTypes.STATIC_USAGE_LIMIT_POLICY;

    /** Reads {@code threshold} (1.0 only). */
    static final PluginFactory FACTORY = (name, p, h) -> {
        OptionalDouble t = p.number("threshold");
        if (t.isPresent() && t.getAsDouble() != 1.0) {
            p.error(
                    "threshold",
                    "a usage limit of " + t.getAsDouble() + " is not supported by Infergate yet"
                            + " (expected: 1.0, GIE's default: dispatch while the saturation detector finds the pool"
                            + " below saturation)");
        }
        return new PluginInstance.Accepted(
                name, TYPE, "the flow controller dispatches while the pool is below saturation (limit 1.0)");
    };

    private StaticUsageLimitPolicy() {}
}
