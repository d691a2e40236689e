package io.infergate.scheduler.datastore;

import io.infergate.scheduler.metrics.ModelServerMetrics;
import java.util.List;
import java.util.Objects;

/**
 * One endpoint's metrics as the scheduler sees them: the values of the last scrape that read anything, when that
 * was, and whether the latest attempt failed. A failed attempt keeps the old values (and their age) but marks the
 * endpoint stale with the reason, so the admin API can say why and the saturation detector treats it as
 * saturated. Immutable.
 *
 * @param metrics        the last values read ({@link ModelServerMetrics#unknown} before the first success)
 * @param readAtNanos    when {@code metrics} were read, on the scheduler's clock; {@link #NEVER} before that
 * @param failure        why the latest attempt failed, or null when it succeeded
 */
public record ScrapedMetrics(ModelServerMetrics metrics, long readAtNanos, String failure) {

    /** {@link #readAtNanos} of an endpoint never scraped successfully. */
    public static final long NEVER = Long.MIN_VALUE;

    public ScrapedMetrics {
        Objects.requireNonNull(metrics, "metrics");
    }

    /** The {@link #failure} of an endpoint no scrape has been tried on yet. */
    public static final String NOT_YET = "not scraped yet";

    /** An endpoint not scraped yet: nothing known, stale with the reason {@value #NOT_YET}. */
    public static ScrapedMetrics notYet(String engine) {
        return new ScrapedMetrics(ModelServerMetrics.unknown(engine, List.of()), NEVER, NOT_YET);
    }

    /** Whether the latest scrape was tried and failed (not merely: none tried yet). */
    public boolean attemptFailed() {
        return failure != null && !NOT_YET.equals(failure);
    }

    public boolean everRead() {
        return readAtNanos != NEVER;
    }

    /** Nanoseconds since the values were read, or {@link Long#MAX_VALUE} if never. */
    public long ageNanos(long nowNanos) {
        return everRead() ? Math.max(0, nowNanos - readAtNanos) : Long.MAX_VALUE;
    }

    /** Read, latest attempt successful, and no older than {@code thresholdNanos}. */
    public boolean isFresh(long nowNanos, long thresholdNanos) {
        return failure == null && everRead() && ageNanos(nowNanos) <= thresholdNanos;
    }

    /** A new successful read. */
    public ScrapedMetrics read(ModelServerMetrics next, long atNanos) {
        return new ScrapedMetrics(next, atNanos, null);
    }

    /** A failed attempt: old values kept, with the reason. */
    public ScrapedMetrics failed(String reason) {
        return new ScrapedMetrics(metrics, readAtNanos, Objects.requireNonNull(reason, "reason"));
    }
}
