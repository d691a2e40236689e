/**
 * The seam between the data plane and endpoint selection. The data plane holds one
 * {@link io.infergate.scheduler.pick.PoolSnapshot} per pool (immutable, swapped by a single writer), calls
 * {@link io.infergate.scheduler.pick.EndpointPicker#pick} on its event loop with a typed
 * {@link io.infergate.scheduler.pick.PickRequest}, and gets a sealed
 * {@link io.infergate.scheduler.pick.PickResult}: ordered endpoints (first preferred, rest fallbacks) or a
 * rejection with its HTTP status. For each attempt it holds a {@link io.infergate.scheduler.pick.Lease} from
 * {@link io.infergate.scheduler.pick.InFlightTracker}, the only mutable state pickers read. The picker of every
 * pool is the scoring {@link io.infergate.scheduler.scheduling.Scheduler} (filters, scorers, profiles).
 */
package io.infergate.scheduler.pick;
