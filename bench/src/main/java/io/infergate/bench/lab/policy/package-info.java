/**
 * Baseline routing policies for the policy lab, each a faithful re-implementation of a published algorithm:
 * {@link io.infergate.bench.lab.policy.RoundRobinPolicy}, {@link io.infergate.bench.lab.policy.RandomPolicy},
 * {@link io.infergate.bench.lab.policy.LeastRequestPolicy}, {@link io.infergate.bench.lab.policy.PowerOfTwoPolicy},
 * {@link io.infergate.bench.lab.policy.SglangCacheAwarePolicy} (SGLang gateway {@code cache_aware}),
 * {@link io.infergate.bench.lab.policy.LlmdPolicy} (llm-d's prefix-cache-affinity-filter + token-load-scorer) and
 * {@link io.infergate.bench.lab.policy.DynamoKvPolicy} (Dynamo's KV router, approximate mode).
 *
 * <p>What they read: only what a real router of that kind sees, through {@link io.infergate.bench.lab.LabView}
 * (their own in-flight counts, scraped metrics where the original scrapes) plus router-local state they build from
 * their own decisions and the lifecycle hooks. Each class comment names its source, defaults and approximations.
 *
 * <p>Threading: the lab is single-threaded in virtual time; no policy synchronizes. All randomness comes from the
 * seed given to the constructor. A policy never refuses a request while it has endpoints (none of the originals
 * sheds in the configuration reproduced); with no endpoints it answers 503.
 */
package io.infergate.bench.lab.policy;
