/**
 * What the scheduler knows about each pool's endpoints between requests: per endpoint the latest scrape of the
 * model server with its age ({@link io.infergate.scheduler.datastore.ScrapedMetrics}), held in a slot that keeps
 * its identity across pool snapshots, and the {@link io.infergate.scheduler.datastore.MetricsScraper} that fills
 * the slots. Our own in-flight load lives in {@link io.infergate.scheduler.pick.InFlightTracker}.
 */
package io.infergate.scheduler.datastore;
