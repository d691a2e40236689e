package io.infergate.gateway;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One warning that clients can trigger at will (a limit being hit), written at most once per interval: the line says
 * how many times it happened since the last one, so a flood of refusals costs one line per interval, not one per
 * refusal. Thread-safe and lock-free; never blocks beyond the logger itself. Any thread (event loops).
 */
public final class ThrottledLog {

    /** The interval of the gateway's limit warnings. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier ticker;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong nextLineNanos;

    public ThrottledLog(Logger log, Duration interval, LongSupplier ticker) {
        this.log = Objects.requireNonNull(log, "log");
        this.intervalNanos = interval.toNanos();
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.nextLineNanos = new AtomicLong(ticker.getAsLong());
    }

    public ThrottledLog(Logger log) {
        this(log, DEFAULT_INTERVAL, System::nanoTime);
    }

    /**
     * Counts one occurrence and writes {@code message} at warn level, followed by the count since the previous line,
     * when the interval has passed since that line. {@code message} must not hold client-chosen text unbounded.
     */
    public void warn(String message) {
        events.incrementAndGet();
        long now = ticker.getAsLong();
        long next = nextLineNanos.get();
        if (now - next < 0 || !nextLineNanos.compareAndSet(next, now + intervalNanos)) {
            return;
        }
        long n = events.getAndSet(0);
        log.warn(
                "{} [{} time(s) since the previous line like this; at most one line per {} s]",
                message,
                n,
                intervalNanos / 1_000_000_000L);
    }

    /** Occurrences since the last line written (for tests). */
    public long pending() {
        return events.get();
    }
}
