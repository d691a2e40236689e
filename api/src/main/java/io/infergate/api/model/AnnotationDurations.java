package io.infergate.api.model;

import io.infergate.api.load.GoDuration;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Reads a duration-valued annotation (Go's duration syntax, as Kubernetes writes them: {@code 500ms}, {@code 30s},
 * {@code 1m30s}) the one way {@link ListenerLimits} and {@link PoolFaultLimits} both need: absent is empty; zero,
 * negative or unparsable is reported to {@code problems} as (annotation, message) and is empty too, so every bad value
 * of a manifest is reported at once. Stateless; any thread.
 */
final class AnnotationDurations {

    private AnnotationDurations() {}

    /**
     * @param what what the value is, with its article, for the message (e.g. "a timeout")
     */
    static Optional<Duration> positive(
            Map<String, String> annotations, String name, String what, BiConsumer<String, String> problems) {
        String v = annotations.get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            Duration d = GoDuration.parse(v.strip());
            if (d.isPositive()) {
                return Optional.of(d);
            }
        } catch (IllegalArgumentException e) {
            // reported below, as a value that does not parse
        }
        problems.accept(name, "\"" + v + "\" is not " + what + " (expected: a positive duration such as 500ms or 30s)");
        return Optional.empty();
    }
}
