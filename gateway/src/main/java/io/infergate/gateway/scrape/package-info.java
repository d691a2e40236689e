/**
 * Scraping the endpoints' metrics pages with Netty: {@link io.infergate.gateway.scrape.NettyMetricsFetcher}, the
 * gateway's {@link io.infergate.scheduler.datastore.MetricsFetcher}. One kept-alive HTTP/1.1 connection per
 * endpoint (more only while scrapes of one address overlap), on a single event loop of its own, apart from the
 * proxy's. The scheduler module stays free of Netty; its {@code HttpMetricsFetcher} (JDK client) remains for the
 * policy lab and tools.
 */
package io.infergate.gateway.scrape;
