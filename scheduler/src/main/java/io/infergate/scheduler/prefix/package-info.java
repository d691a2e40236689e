/**
 * The approximate prefix-cache signal of GIE's {@code prefix-cache-scorer} and {@code approx-prefix-cache-producer}
 * (v1.5.0), as building blocks the scoring scheduler wires together:
 * <ol>
 *   <li><b>What it does.</b> {@link io.infergate.scheduler.prefix.PrefixHasher} turns the request's user input
 *       into chained block hashes ({@link io.infergate.scheduler.prefix.XxHash64}, 64-byte blocks, at most 256);
 *       {@link io.infergate.scheduler.prefix.PrefixIndex#matchLengths} says how many leading blocks each candidate
 *       probably still caches; {@link io.infergate.scheduler.prefix.PrefixScores} turns that into
 *       {@code match / total} per candidate; after the pick,
 *       {@link io.infergate.scheduler.prefix.PrefixIndex#add} records the blocks for the chosen endpoint.</li>
 *   <li><b>What it reads.</b> The target model name and optional {@code cache_salt}, the raw {@code messages}
 *       (chat) or {@code prompt} (completions) bytes of the body as sent (not re-serialised, unlike GIE; see
 *       {@link io.infergate.scheduler.prefix.PrefixHasher}), the candidates' {@code hostPort}, and optionally each
 *       endpoint's {@code num_gpu_blocks} for its capacity. It never reads the model servers' caches: the
 *       index only knows what we routed.</li>
 *   <li><b>No candidates left.</b> This is a scorer, not a filter: it never removes a candidate. Input shorter
 *       than one block, an empty index or unknown endpoints give every candidate 0.</li>
 *   <li><b>Threading.</b> Hashing and scoring are pure. The index is shared by all event loops: matches take no
 *       lock (a sequence number per stripe, re-read when a writer intervened); adds, capacity changes and purges
 *       take the index's one writer lock, purges in batches. Memory is bounded by the per-endpoint capacities
 *       (about 45 to 80 bytes per entry), which a clock (second chance) enforces.</li>
 * </ol>
 */
package io.infergate.scheduler.prefix;
