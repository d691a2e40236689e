/**
 * Seeded benchmark workloads (issue 5): what requests a load run sends and when.
 *
 * <p>Content generators ({@link io.infergate.bench.workload.ShareGptLike},
 * {@link io.infergate.bench.workload.SharedPrefix}, {@link io.infergate.bench.workload.MultiTurn}) are
 * {@code Iterator<WorkloadRequest>}s of real text built from a seeded word list ({@link
 * io.infergate.bench.workload.Text}), so equal prefixes are equal bytes and the gateway's prefix index sees
 * what it would see live. Decorators change who asks ({@link io.infergate.bench.workload.MultiLora} picks the
 * model or adapter, {@link io.infergate.bench.workload.PriorityMix} the priority). {@link
 * io.infergate.bench.workload.Arrivals} says when (Poisson, gamma, constant; single rate, stages, ladders), and
 * {@link io.infergate.bench.workload.Schedule} joins the two. {@link io.infergate.bench.workload.TraceFile}
 * writes and reads the result as JSONL, so a run can be replayed or fed from an external trace.
 *
 * <p>Everything is a function of its seed: the same seed gives the same requests, byte for byte, on every JDK
 * (only {@link java.util.SplittableRandom}'s specified algorithm and our own normal/gamma samplers are used).
 * Specs (records) are immutable and thread-safe; the iterators they make are not.
 */
package io.infergate.bench.workload;
