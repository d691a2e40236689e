/**
 * Replicas and fleets: a {@link io.infergate.simulator.server.SimReplica} is an engine, its real-time runner,
 * its HTTP server and its faults, and can be stopped (socket closed, connections reset) and started again on
 * the same port; a {@link io.infergate.simulator.server.SimulatorFleet} runs N of them from one spec on ports
 * P, P+1, ... (or ephemeral ports) with distinct seeds, plus a JSON admin API
 * ({@link io.infergate.simulator.server.AdminHandler}) to inspect them, change their faults and stop/start them.
 */
package io.infergate.simulator.server;
