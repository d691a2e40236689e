/**
 * The built-in scheduling plugins: GIE's pickers and scorers with their formulas as in GIE v1.5.0
 * ({@code pkg/epp/framework/plugins/scheduling/}; {@code docs/scheduling.md}), GIE v0.5's filter tree, and our own load
 * and session scorers. Each class says which GIE type it implements and where it departs from it.
 */
package io.infergate.scheduler.scheduling.plugins;
