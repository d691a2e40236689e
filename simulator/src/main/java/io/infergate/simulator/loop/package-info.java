/**
 * Virtual time: a {@link io.infergate.simulator.loop.DiscreteEventLoop} whose clock jumps from event to
 * event, and a {@link io.infergate.simulator.loop.VirtualEngineDriver} that runs engines inside it. Used by
 * tests and by the policy lab to simulate minutes of traffic in milliseconds, deterministically.
 */
package io.infergate.simulator.loop;
