package io.infergate.scheduler.scheduling;

import io.infergate.scheduler.pick.Endpoint;

/**
 * Learns from a decision once it is made (GIE PreRequest): the prefix index records the request's blocks on the
 * chosen endpoint, session affinity remembers where a session went. Runs on the deciding thread right after the
 * pick; must be quick and must not throw (an exception is a bug, logged by the caller, the decision stands).
 */
public interface PostPick {

    void picked(SchedulingContext ctx, Endpoint primary);
}
