package io.infergate.scheduler.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a request's own {@code x-gateway-inference-objective} header may choose its InferenceObjective, and so its
 * priority. The header is part of the Inference Extension's protocol between components (a gateway tells the
 * endpoint picker which objective applies); at an edge a client can send it too, and an objective of priority 100
 * would lift a Sheddable request above everyone else's. The operator decides with {@code serve}'s
 * {@code --client-objectives} flag, and per pool with the {@value #ANNOTATION} annotation, which wins over the flag.
 *
 * <p>A refused header is ignored: the request keeps the priority of its model (its InferenceModel's criticality, or
 * 0). Immutable constants; any thread.
 */
public enum ClientObjectives {
    /** Never honour the header: a request's priority is its model's. */
    NEVER("never"),
    /**
     * Honour it only for an objective whose priority is not above the model's own: a client may lower its priority
     * (ask to be shed first), never raise it. An objective this pool does not declare has no priority to compare
     * and is refused.
     */
    NOT_ABOVE_MODEL("not-above-model"),
    /** Honour any objective of the pool (the Inference Extension's reference picker behaves so). */
    ANY("any");

    /** The InferencePool annotation that overrides the gateway's setting for one pool. */
    public static final String ANNOTATION = "infergate.io/client-objectives";

    private final String spelling;

    ClientObjectives(String spelling) {
        this.spelling = spelling;
    }

    /** How flags and the annotation spell it. */
    public String spelling() {
        return spelling;
    }

    /** The value spelled {@code text} (case-insensitive, surrounding space ignored), or empty for anything else. */
    public static Optional<ClientObjectives> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (ClientObjectives c : values()) {
            if (c.spelling.equals(t)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The accepted spellings, for messages: {@code never, not-above-model, any}. */
    public static String spellings() {
        StringBuilder b = new StringBuilder();
        for (ClientObjectives c : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(c.spelling);
        }
        return b.toString();
    }

    /**
     * Whether a client-named objective of {@code objectivePriority} may apply to a request whose model has
     * {@code modelPriority}.
     */
    public boolean allows(int objectivePriority, int modelPriority) {
        return switch (this) {
            case NEVER -> false;
            case NOT_ABOVE_MODEL -> objectivePriority <= modelPriority;
            case ANY -> true;
        };
    }
}
