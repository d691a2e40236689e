/**
 * The endpoint picker inside the gateway: one {@link io.infergate.scheduler.scheduling.Scheduler} per
 * InferencePool over a shared datastore that a metrics scraper keeps current.
 */
package io.infergate.gateway.picker;
