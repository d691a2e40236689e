package io.infergate.gateway.route;

/**
 * Where a chosen share of a rule's traffic goes. Immutable values, equal when they name the same target, so
 * they can key upstream pools and metrics.
 */
public sealed interface Backend permits PoolBackend, ServiceBackend {

    /** {@code namespace/name} for logs. */
    String displayName();
}
