/**
 * Per-replica fault injection: errors with chosen statuses (and {@code Retry-After}), added latency,
 * connections reset mid-stream, and slow, failing or garbled {@code /metrics}. A {@link
 * io.infergate.simulator.fault.FaultInjector} holds the current {@link io.infergate.simulator.fault.FaultConfig}
 * (changeable at runtime through the fleet's admin API) and draws per-request decisions from a seeded
 * generator. Stopping and starting a whole replica lives in {@code io.infergate.simulator.server}.
 */
package io.infergate.simulator.fault;
