package io.infergate.scheduler.datastore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.metrics.EngineMapping;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scraper driven tick by tick with a fake fetcher and clock. */
class MetricsScraperTest {

    private static final String VLLM = """
            # HELP vllm:num_requests_waiting Number of requests waiting.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="m"} 3.0
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="m"} 7.0
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
            """;

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final Datastore datastore = new Datastore();
    private final List<CompletableFuture<byte[]>> pending = new ArrayList<>();
    private final List<Endpoint> fetched = new ArrayList<>();

    private final MetricsFetcher fetcher = (endpoint, timeout) -> {
        fetched.add(endpoint);
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        pending.add(f);
        return f;
    };

    private EndpointSlot slot() {
        Endpoint e = Endpoint.of(new PoolEndpoint("a-rank-0", "a", "10.0.0.1", 8000, 0), Map.of());
        return datastore
                .publish(new PoolSnapshot(new PoolId("g", "ns", "pool"), List.of(e)))
                .slots()
                .get(0);
    }

    private MetricsScraper scraper() {
        return new MetricsScraper(datastore, fetcher, clock::get, Duration.ofMillis(50), Duration.ofMillis(40));
    }

    @Test
    void aSuccessfulScrapeStoresTheValuesWithTheirTime() {
        EndpointSlot slot = slot();
        assertThat(slot.metrics().failure()).isEqualTo("not scraped yet");
        MetricsScraper s = scraper();
        s.tick();
        pending.get(0).complete(VLLM.getBytes(StandardCharsets.UTF_8));
        ScrapedMetrics m = slot.metrics();
        assertThat(m.failure()).isNull();
        assertThat(m.metrics().waitingQueue()).isEqualTo(3);
        assertThat(m.metrics().runningRequests()).isEqualTo(7);
        assertThat(m.metrics().kvUsage()).isEqualTo(0.25);
        assertThat(m.readAtNanos()).isEqualTo(clock.get());
        clock.addAndGet(150_000_000L);
        assertThat(m.isFresh(clock.get(), 200_000_000L)).isTrue();
        clock.addAndGet(100_000_000L);
        assertThat(m.isFresh(clock.get(), 200_000_000L)).isFalse();
    }

    @Test
    void aFailureKeepsTheLastValuesAndSaysWhy() {
        EndpointSlot slot = slot();
        MetricsScraper s = scraper();
        s.tick();
        pending.get(0).complete(VLLM.getBytes(StandardCharsets.UTF_8));
        long readAt = slot.metrics().readAtNanos();
        s.tick();
        pending.get(1).completeExceptionally(new IOException("HTTP 503 from http://10.0.0.1:8000/metrics"));
        assertThat(slot.metrics().failure())
                .isEqualTo("scrape failed: IOException: HTTP 503 from" + " http://10.0.0.1:8000/metrics");
        assertThat(slot.metrics().metrics().waitingQueue()).isEqualTo(3);
        assertThat(slot.metrics().readAtNanos()).isEqualTo(readAt);
        assertThat(slot.metrics().isFresh(clock.get(), Long.MAX_VALUE)).isFalse();
    }

    @Test
    void garbageMakesTheEndpointStaleWithTheParserReason() {
        EndpointSlot slot = slot();
        MetricsScraper s = scraper();
        s.tick();
        pending.get(0).complete(new byte[] {0, 1, 2, (byte) 0xff, '{', '"'});
        assertThat(slot.metrics().failure()).startsWith("nothing readable in the metrics page");
        assertThat(slot.metrics().everRead()).isFalse();
    }

    @Test
    void scrapesOfOneEndpointNeverOverlap() {
        slot();
        MetricsScraper s = scraper();
        s.tick();
        s.tick();
        s.tick();
        assertThat(fetched).hasSize(1);
        pending.get(0).complete(VLLM.getBytes(StandardCharsets.UTF_8));
        s.tick();
        assertThat(fetched).hasSize(2);
        assertThat(s.scrapes("10.0.0.1:8000")).isEqualTo(1);
    }

    @Test
    void aTimeoutNotShorterThanTheIntervalIsRefused() {
        assertThatThrownBy(() -> new MetricsScraper(
                        datastore, fetcher, clock::get, Duration.ofMillis(50), Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the interval");
        assertThat(MetricsScraper.defaultTimeout(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void slotsSurviveANewSnapshotWhileTheAddressStays() {
        EndpointSlot slot = slot();
        Endpoint same = slot.endpoint();
        Endpoint other = Endpoint.of(new PoolEndpoint("b-rank-0", "b", "10.0.0.2", 8000, 0), Map.of());
        PoolState next = datastore.publish(new PoolSnapshot(new PoolId("g", "ns", "pool"), List.of(other, same)));
        assertThat(next.slots().get(1)).isSameAs(slot);
        assertThat(next.slots().get(0).metrics().everRead()).isFalse();
        assertThat(datastore.slots()).hasSize(2);
    }

    @Test
    void aTimeoutLeavesTheValuesToAgeInsteadOfFailingTheEndpoint() {
        EndpointSlot slot = slot();
        MetricsScraper s = scraper();
        s.tick();
        pending.get(0).complete(VLLM.getBytes(StandardCharsets.UTF_8));
        ScrapedMetrics before = slot.metrics();
        s.tick();
        pending.get(1).completeExceptionally(new HttpTimeoutException("request timed out"));
        assertThat(slot.metrics()).isSameAs(before);
        assertThat(s.timeouts("10.0.0.1:8000")).isEqualTo(1);
        clock.addAndGet(300_000_000L);
        assertThat(slot.metrics().isFresh(clock.get(), 200_000_000L)).isFalse();
    }

    // --- each pool's own extractor

    private static final String MYENGINE = """
            # TYPE my_queue_depth gauge
            my_queue_depth 4
            # TYPE my_kv_usage gauge
            my_kv_usage 0.625
            """;

    private static final MetricsExtractor CUSTOM = MetricsExtractor.builder()
            .mapping(EngineMapping.builder("myengine")
                    .queuedRequestsSpec("my_queue_depth")
                    .kvUsageSpec("my_kv_usage")
                    .build())
            .build();

    private static Endpoint labelled(String ip, String engine) {
        return Endpoint.of(
                new PoolEndpoint("p-" + ip, "p", ip, 8000, 0), Map.of(EngineMapping.ENGINE_TYPE_LABEL, engine));
    }

    @Test
    void eachPoolsEndpointsAreReadWithThatPoolsExtractor() {
        Endpoint e = labelled("10.0.0.9", "myengine");
        PoolId custom = new PoolId("g", "ns", "custom");
        PoolId plain = new PoolId("g", "ns", "plain");
        EndpointSlot mine = datastore
                .publish(new PoolSnapshot(custom, List.of(e)), CUSTOM)
                .slots()
                .get(0);
        EndpointSlot builtin =
                datastore.publish(new PoolSnapshot(plain, List.of(e))).slots().get(0);
        assertThat(mine.metrics().metrics().engine()).isEqualTo("myengine"); // shown before the first scrape
        MetricsScraper s = scraper();
        s.tick();
        assertThat(fetched).hasSize(2); // one address, two pools: scraped once for each
        pending.forEach(f -> f.complete(MYENGINE.getBytes(StandardCharsets.UTF_8)));

        assertThat(mine.metrics().failure()).isNull();
        assertThat(mine.metrics().metrics().waitingQueue()).isEqualTo(4);
        assertThat(mine.metrics().metrics().kvUsage()).isEqualTo(0.625);
        // the built-in mappings know no "myengine": read as vllm, nothing found, stale with the reason
        assertThat(builtin.metrics().failure())
                .startsWith("nothing readable in the metrics page: UNKNOWN_ENGINE:"
                        + " endpoint label inference.networking.k8s.io/engine-type=myengine names no metrics mapping");
    }

    @Test
    void aSnapshotWithoutAnExtractorKeepsThePoolsAndANewOneAppliesFromTheNextScrape() {
        Endpoint e = labelled("10.0.0.9", "myengine");
        PoolId pool = new PoolId("g", "ns", "custom");
        EndpointSlot slot = datastore
                .publish(new PoolSnapshot(pool, List.of(e)), CUSTOM)
                .slots()
                .get(0);
        PoolState again = datastore.publish(new PoolSnapshot(pool, List.of(e)));
        assertThat(again.extractor()).isSameAs(CUSTOM);
        assertThat(again.slots().get(0)).isSameAs(slot);
        assertThat(slot.extractor()).isSameAs(CUSTOM);

        datastore.publish(new PoolSnapshot(pool, List.of(e)), MetricsExtractor.withBuiltins());
        assertThat(slot.extractor()).isSameAs(MetricsExtractor.withBuiltins());
        MetricsScraper s = scraper();
        s.tick();
        pending.get(0).complete(MYENGINE.getBytes(StandardCharsets.UTF_8));
        assertThat(slot.metrics().failure()).contains("UNKNOWN_ENGINE");
    }
}
