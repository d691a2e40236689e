package io.infergate.scheduler.scheduling;

/**
 * Narrows the candidates of a decision (GIE Filter). Runs on the deciding thread, must not block or keep
 * references to its arguments. A filter that leaves no candidate fails the profile ("no endpoints available").
 */
public interface Filter extends Plugin {

    void filter(SchedulingContext ctx, Candidates candidates);
}
