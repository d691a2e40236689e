/**
 * The built-in scheduling plugins: GIE's pickers and scorers with their formulas as in GIE v1.5.0
 * ({@code pkg/epp/framework/plugins/scheduling/}; {@code docs/scheduling.md}), GIE v0.5's filter tree, and our own
 * load and session scorers. Each class says which GIE type it implements and where it departs from it, and carries beside it its type name ({@code TYPE}, GIE's
 * spelling from {@link io.infergate.api.model.PluginTypes}) and its factory ({@code FACTORY}, which parses its
 * parameters and reports bad ones by name); {@link io.infergate.scheduler.scheduling.config.PluginRegistry}
 * registers each in one line. One package rather than one per plugin, as GIE has: the plugins share package-private
 * helpers ({@code MinMaxScorer}, {@code Shuffle}) and are a class or two each.
 *
 * <p>What each reads, and what happens when it leaves no candidates (a filter that keeps none fails the profile,
 * "no endpoints available", unless a decision tree falls back):
 * <table>
 *   <caption>Plugins</caption>
 *   <tr><th>Type</th><th>Reads</th><th>With no candidate left</th></tr>
 *   <tr><td>{@code queue-scorer}, {@code running-requests-size-scorer}</td><td>scraped waiting queue, running
 *       batch</td><td>scorers never remove candidates</td></tr>
 *   <tr><td>{@code kv-cache-utilization-scorer} ({@code kv-cache-scorer})</td><td>scraped KV usage</td><td>-</td></tr>
 *   <tr><td>{@code lora-affinity-scorer}</td><td>scraped adapters, max LoRAs; the target model</td><td>-</td></tr>
 *   <tr><td>{@code prefix-cache-scorer}</td><td>the prompt's block hashes, the prefix index; learns each pick</td>
 *       <td>-</td></tr>
 *   <tr><td>{@code token-load-scorer}, {@code in-flight-tokens-scorer}, {@code in-flight-requests-scorer},
 *       {@code prefill-queue-scorer}</td><td>our own in-flight accounting</td><td>-</td></tr>
 *   <tr><td>{@code least-recently-picked-scorer}, {@code session-affinity-scorer}</td><td>their memory of our picks;
 *       the session id</td><td>-</td></tr>
 *   <tr><td>{@code max-score-picker}, {@code random-picker}, {@code weighted-random-picker}</td><td>the total scores,
 *       the decision's random source</td><td>pick nothing from no candidates</td></tr>
 *   <tr><td>{@code low-queue-filter}</td><td>scraped waiting queue</td><td>keeps none when every queue is over the
 *       threshold or unknown: the profile fails</td></tr>
 *   <tr><td>{@code least-queue-filter}, {@code least-kv-cache-filter}</td><td>scraped queue, KV usage</td><td>keeps
 *       none only when no value is known</td></tr>
 *   <tr><td>{@code lora-affinity-filter}</td><td>scraped adapters</td><td>keeps none when no endpoint has the
 *       adapter or room (fail-open when so built)</td></tr>
 *   <tr><td>{@code sticky-lora-affinity-filter}</td><td>scraped adapters, its memory of our picks</td><td>never:
 *       keeps everyone when no group is found</td></tr>
 *   <tr><td>{@code decision-tree-filter}</td><td>its filters</td><td>a failing filter falls back to its
 *       {@code nextOnFailure}; a failing leaf leaves none, as in GIE</td></tr>
 *   <tr><td>{@code utilization-detector} (as a filter)</td><td>scraped queue, KV usage, their age</td><td>never:
 *       keeps everyone when no endpoint is below the thresholds</td></tr>
 * </table>
 * Every type keeps the contract that {@code PluginContractTest} checks for each registered type.
 */
package io.infergate.scheduler.scheduling.plugins;
