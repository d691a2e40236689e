package io.infergate.bench.lab;

/**
 * A routing policy under test in the {@link PolicyLab}: for each request, which simulated endpoint serves it, or
 * a refusal. Baselines (round-robin, P2C, SGLang cache-aware, Dynamo's KV router, ...) implement their published
 * rule directly; the GIE and Infergate profiles run the real {@link io.infergate.scheduler.scheduling.Scheduler}.
 *
 * <p>Threading: the lab is single-threaded in virtual time; a policy is called from one thread only and needs no
 * synchronization. A policy may keep router-local state (its own counters, trees, indexes): the lifecycle hooks
 * tell it what happened to each request it routed, at the virtual time of {@link LabView#nowNanos()}. All
 * randomness must come from the seed given to its factory, so the same seed gives the same decisions.
 */
public interface LabPolicy {

    /** The name reports and the command line use, e.g. {@code round-robin}. */
    String name();

    /**
     * Routes one request.
     *
     * @param request the request as the router sees it
     * @param view    what the router knows now: endpoints, its own in-flight counts, the latest scraped metrics
     * @return the chosen endpoint, or a refusal (HTTP status and reason)
     */
    Route route(LabRequest request, LabView view);

    /** The request's first token reached the router. Default: nothing. */
    default void onFirstToken(LabRequest request, int endpoint, LabView view) {}

    /** The request ended on {@code endpoint} (completed or failed). Default: nothing. */
    default void onFinish(LabRequest request, int endpoint, LabView view) {}
}
