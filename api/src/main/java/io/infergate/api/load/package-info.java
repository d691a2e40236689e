/**
 * Strict manifest loading on SnakeYAML Engine's node API (every value keeps its Mark): one decoder per kind, a
 * strict mapping reader that reports unknown fields with the accepted ones, wrong types and missing required
 * fields. Loading never throws on bad input.
 */
package io.infergate.api.load;
