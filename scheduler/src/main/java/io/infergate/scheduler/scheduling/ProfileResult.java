package io.infergate.scheduler.scheduling;

import io.infergate.scheduler.pick.Endpoint;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** The outcome of one {@link SchedulerProfile#run}: chosen endpoints (best first) or why there are none. */
public sealed interface ProfileResult {

    /**
     * @param endpoints   at least one, best first
     * @param explainer   builds the explanation when asked (most decisions never are: building it copies every
     *                    score array)
     */
    record Chosen(List<Endpoint> endpoints, Supplier<Explanation> explainer) implements ProfileResult {
        public Chosen {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints: empty");
            }
            Objects.requireNonNull(explainer, "explainer");
        }

        public Explanation explanation() {
            return explainer.get();
        }
    }

    /** @param reason e.g. which filter left no endpoint */
    record Failed(String reason) implements ProfileResult {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
