package io.infergate.simulator.time;

/**
 * The only source of time for the engine model. The same engine runs on {@link SystemSimClock} behind
 * HTTP and on a {@link VirtualClock} inside a discrete-event loop, which is what makes the policy lab
 * deterministic.
 *
 * <p>Threading: implementations are safe to read from any thread. {@link #nanoTime()} is monotonic.
 */
public interface SimClock {

    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /**
     * Wall-clock time in Unix seconds that corresponds to {@code nanoTime}. vLLM publishes some gauges
     * (for example {@code vllm:lora_requests_info}) with a Unix timestamp as their value.
     */
    double unixSeconds(long nanoTime);
}
