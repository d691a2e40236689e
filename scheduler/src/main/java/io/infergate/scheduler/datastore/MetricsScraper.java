package io.infergate.scheduler.datastore;

import io.infergate.scheduler.metrics.MetricsProblem;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Scrapes every endpoint of the {@link Datastore} once per interval (GIE: 50 ms) and stores what it read in the
 * endpoint's slot, read with the slot's {@link EndpointSlot#extractor() extractor} (its pool's
 * {@code core-metrics-extractor}; an address in two pools is scraped once for each). A scrape that is still running
 * when the next tick comes is not doubled: that endpoint skips the tick. A tick walks the pools in place (no copy of
 * the slots). Each fetch times out before the interval ends; a timeout changes nothing (the last values keep aging and
 * turn stale by age, 200 ms for admission), so one slow answer on a busy machine does not count as a failure. A
 * failed fetch (refused, an HTTP error), or a page from which nothing could be read, keeps the last values and marks
 * the endpoint stale at once with the reason; a page that is partly readable updates what
 * it could (GIE issue #495) and keeps the problems for the admin API.
 *
 * <p>Threading: {@link #tick} runs on the injected control-plane scheduler (or a test thread); fetch completions
 * on the fetcher's executor. Nothing here runs on an event loop. Never throws out of a tick: a bug in extraction
 * becomes a stale endpoint with the exception's message.
 */
public final class MetricsScraper implements AutoCloseable {

    private final Datastore datastore;
    private final MetricsFetcher fetcher;
    private final LongSupplier nanoTime;
    private final Duration interval;
    private final Duration timeout;
    /** Slots with a scrape in flight; by identity (a slot does not override equals). */
    private final Set<EndpointSlot> running = Collections.newSetFromMap(new ConcurrentHashMap<>());

    private final Map<String, Long> scrapes = new ConcurrentHashMap<>();
    private final Map<String, Long> timeouts = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> task;

    /**
     * @param interval between scrapes of one endpoint, > 0
     * @param timeout  of one fetch, > 0 and shorter than {@code interval}
     */
    public MetricsScraper(
            Datastore datastore, MetricsFetcher fetcher, LongSupplier nanoTime, Duration interval, Duration timeout) {
        this.datastore = Objects.requireNonNull(datastore, "datastore");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) >= 0) {
            throw new IllegalArgumentException(
                    "timeout: " + timeout + " (expected: > 0 and shorter than the" + " interval " + interval + ")");
        }
        this.interval = interval;
        this.timeout = timeout;
    }

    /** The default fetch timeout for an interval: four fifths of it. */
    public static Duration defaultTimeout(Duration interval) {
        return interval.multipliedBy(4).dividedBy(5);
    }

    /** Starts ticking every interval on {@code scheduler}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (task != null) {
            throw new IllegalStateException("already started");
        }
        long nanos = interval.toNanos();
        task = scheduler.scheduleAtFixedRate(this::tick, 0, nanos, TimeUnit.NANOSECONDS);
    }

    /** Starts one scrape of every endpoint that has none running. */
    public void tick() {
        for (PoolState pool : datastore.states()) {
            List<EndpointSlot> slots = pool.slots();
            for (int i = 0; i < slots.size(); i++) {
                EndpointSlot slot = slots.get(i);
                if (running.add(slot)) { // false also for a second endpoint sharing the slot's address
                    scrape(slot);
                }
            }
        }
    }

    private void scrape(EndpointSlot slot) {
        try {
            fetcher.fetch(slot.endpoint(), timeout).whenComplete((body, error) -> {
                try {
                    store(slot, body, error);
                } finally {
                    running.remove(slot);
                }
            });
        } catch (RuntimeException e) {
            running.remove(slot);
            slot.metrics(slot.metrics().failed("scrape failed: " + e));
        }
    }

    private void store(EndpointSlot slot, byte[] body, Throwable error) {
        scrapes.merge(slot.hostPort(), 1L, Long::sum);
        if (error != null) {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
                // a slow answer is no news, not bad news: the values keep aging and turn stale by their age
                timeouts.merge(slot.hostPort(), 1L, Long::sum);
                return;
            }
            slot.metrics(slot.metrics().failed("scrape failed: " + describe(cause)));
            return;
        }
        ModelServerMetrics read;
        try {
            // the extractor as of now: a reload that changed the pool's mappings applies from this scrape on
            read = slot.extractor().extract(slot.endpoint().labels(), body);
        } catch (RuntimeException e) {
            slot.metrics(slot.metrics().failed("cannot read the metrics page: " + e));
            return;
        }
        if (!read.anyKnown()) {
            slot.metrics(slot.metrics()
                    .failed("nothing readable in the metrics page: "
                            + read.problems().stream()
                                    .map(MetricsProblem::toString)
                                    .limit(3)
                                    .collect(Collectors.joining("; "))));
            return;
        }
        slot.metrics(slot.metrics().read(read, nanoTime.getAsLong()));
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Completed scrapes (successful or not) of an address, for tests and the admin API. */
    public long scrapes(String hostPort) {
        return scrapes.getOrDefault(hostPort, 0L);
    }

    /** Scrapes of an address that timed out (they leave the last values in place to age). */
    public long timeouts(String hostPort) {
        return timeouts.getOrDefault(hostPort, 0L);
    }

    public Duration interval() {
        return interval;
    }

    /** Stops ticking; scrapes in flight complete and are stored. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
