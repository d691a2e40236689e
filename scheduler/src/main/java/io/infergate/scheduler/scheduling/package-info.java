/**
 * The plugin scheduler, GIE's model: a {@link io.infergate.scheduler.scheduling.SchedulerProfile} runs
 * {@link io.infergate.scheduler.scheduling.Filter}s in order, then weighted
 * {@link io.infergate.scheduler.scheduling.Scorer}s (each score clamped to [0, 1], summed with its weight, weights
 * not normalised), then a {@link io.infergate.scheduler.scheduling.Picker}. Scores live in a {@code double[]} per
 * scorer indexed by candidate position, never in maps.
 *
 * <p>Everything here runs on the calling thread (a Netty event loop in the gateway, virtual time in the lab) and
 * never blocks: a decision reads one {@link io.infergate.scheduler.datastore.PoolState}, the endpoints' latest
 * metrics (one volatile read each), our in-flight counters and the prefix index.
 */
package io.infergate.scheduler.scheduling;
