package io.infergate.scheduler.admission;

/**
 * Which flow of a priority band is served next, with GIE's plugin type names. Within the chosen flow the order is
 * always first come, first served ({@code fcfs-ordering-policy}); GIE's {@code edf-ordering-policy} and
 * {@code slo-deadline-ordering-policy} are not implemented.
 */
public enum FairnessPolicy {
    /**
     * {@code global-strict-fairness-policy}, GIE's default: the flow whose head request is oldest (earliest enqueue
     * at this controller) goes first. Paired with FCFS this makes the band one FIFO across all its flows; it gives
     * no isolation, so one busy tenant can delay the others.
     */
    GLOBAL_STRICT("global-strict-fairness-policy"),
    /**
     * {@code round-robin-fairness-policy}: flows take turns, one dispatch each, in ascending order of fairness id
     * starting after the flow served last, skipping flows with nothing queued (work conserving).
     */
    ROUND_ROBIN("round-robin-fairness-policy");

    private final String typeName;

    FairnessPolicy(String typeName) {
        this.typeName = typeName;
    }

    /** The plugin type name in {@code EndpointPickerConfig} ({@code fairnessPolicyRef}). */
    public String typeName() {
        return typeName;
    }

    /** The policy named {@code typeName}; {@link IllegalArgumentException} naming the accepted values otherwise. */
    public static FairnessPolicy ofTypeName(String typeName) {
        for (FairnessPolicy p : values()) {
            if (p.typeName.equals(typeName)) {
                return p;
            }
        }
        throw new IllegalArgumentException("fairnessPolicyRef: " + typeName + " (expected: " + GLOBAL_STRICT.typeName
                + " or " + ROUND_ROBIN.typeName + ")");
    }
}
