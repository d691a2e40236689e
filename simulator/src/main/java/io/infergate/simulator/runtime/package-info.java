/**
 * Real time: {@link io.infergate.simulator.runtime.RealtimeEngineRunner} drives an engine on a dedicated
 * thread against the wall clock and is the only way other threads (the HTTP front) talk to it.
 */
package io.infergate.simulator.runtime;
