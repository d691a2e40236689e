/**
 * Stand-in text processing for the simulator: an approximate tokenizer (about 4 characters per token,
 * equal text prefixes give equal token prefixes), a Llama-3-style chat template whose rendering of a
 * growing conversation keeps its earlier rendering as a prefix, and deterministic text for generated tokens.
 * Nothing here is a real tokenizer; what matters is lengths and shared prefixes, which drive prefix caching.
 */
package io.infergate.simulator.text;
