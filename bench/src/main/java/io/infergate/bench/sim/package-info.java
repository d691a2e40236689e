/**
 * Benchmarks of the simulator itself: how fast the virtual-time loop simulates
 * ({@link io.infergate.bench.sim.VirtualFleetRun}) and how many streams one simulator process carries in
 * real time while its inter-token times stay true to the model ({@link io.infergate.bench.sim.StreamingProbe},
 * {@link io.infergate.bench.sim.FleetModelStats}). Driven by {@code infergate bench sim-loop | sim-capacity}.
 */
package io.infergate.bench.sim;
