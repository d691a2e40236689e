/**
 * Admission: whether, and when, a request resolved to an InferencePool goes on to scheduling (step 5 of GIE's
 * director pipeline, after model resolution and before candidate lookup and picking).
 *
 * <ul>
 *   <li><b>What it does.</b> {@link io.infergate.scheduler.admission.UtilizationSaturationDetector} is GIE's
 *   {@code utilization-detector}: a pool saturation gradient (mean roofline score of the candidates) and a filter
 *   of overloaded endpoints. Given the detector, the {@link io.infergate.scheduler.scheduling.Scheduler} sheds
 *   sheddable requests (priority &lt; 0) with 429 while the pool is saturated (GIE's legacy admission); it is the
 *   default. With flow control enabled for the
 *   pool, {@link io.infergate.scheduler.admission.FlowController} queues every request instead, by priority band,
 *   fairness id and arrival, and dispatches while {@link io.infergate.scheduler.admission.PoolCapacity} says the
 *   pool can take more; limits reject with 429, the TTL and client cancellation end with 503.</li>
 *   <li><b>What it reads.</b> Per candidate endpoint an {@link io.infergate.scheduler.admission.EndpointSignals}
 *   (metrics present, their age, waiting queue, KV-cache use), mapped by the caller from the metrics store; per
 *   request its priority, fairness id ({@code x-gateway-inference-fairness-id}, default {@code default-flow}) and
 *   body size. Time is an injected nanosecond ticker; nothing here is random.</li>
 *   <li><b>No candidates.</b> The detector reports saturation 1.0 (saturated), so legacy admission sheds only
 *   sheddable requests and flow control holds its queue; the filter never removes every endpoint (when none
 *   passes it returns them all). The 503 for "no ready endpoint" is the picker's, after admission.</li>
 *   <li><b>Threading.</b> Everything is safe to call on event loops and never waits for I/O; the flow controller
 *   completes a queued request's outcome on the executor given at enqueue (its event loop). Outcomes are a sealed
 *   {@link io.infergate.scheduler.admission.Outcome}, mapped to responses by the data plane in one place.</li>
 * </ul>
 */
package io.infergate.scheduler.admission;
