package io.infergate.bench.load;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Per-second view of one load run, to see <em>when</em> slow requests happened (all in the first seconds: warm-up;
 * in one burst: a pause; spread out: steady cost) and when the generator had to open connections. Requests are
 * put in the second of their intended send time, counted from the run's start; latency is from that intended time.
 *
 * <p>Threading: the {@link OpenLoopLoad.Observer} methods run on the load generator's single event loop; read
 * {@link #seconds} or {@link #print} only after the run returned.
 */
public final class Timeline implements OpenLoopLoad.Observer {

    /** One second of the run. */
    public record Second(int second, long requests, long errors, long connections, Histogram latencyMicros) {}

    private final List<Bucket> buckets = new ArrayList<>();
    private long start = Long.MIN_VALUE;

    private static final class Bucket {
        long requests;
        long errors;
        long connections;
        final Histogram latency = new Histogram(3_600_000_000L, 3);
    }

    @Override
    public void started(long startNanos) {
        start = startNanos;
    }

    @Override
    public void finished(long index, long intendedNanos, long sentNanos, long endNanos, boolean ok) {
        Bucket b = at(intendedNanos);
        if (b == null) {
            return;
        }
        b.requests++;
        if (ok) {
            b.latency.recordValue(Math.max(0, (endNanos - intendedNanos) / 1000));
        } else {
            b.errors++;
        }
    }

    @Override
    public void connected(long nanos) {
        Bucket b = at(nanos);
        if (b != null) {
            b.connections++;
        }
    }

    /** The second {@code nanos} falls in, created on first use; null before the start (pre-opened connections). */
    private Bucket at(long nanos) {
        if (start == Long.MIN_VALUE || nanos < start) {
            return null;
        }
        long i = (nanos - start) / 1_000_000_000L;
        while (buckets.size() <= i) {
            buckets.add(new Bucket());
        }
        return buckets.get((int) i);
    }

    public List<Second> seconds() {
        List<Second> out = new ArrayList<>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            out.add(new Second(i, b.requests, b.errors, b.connections, b.latency.copy()));
        }
        return out;
    }

    /** One line per second: requests, errors, new connections, latency p50 / p99 / max in ms. */
    public void print(PrintWriter out) {
        out.println("timeline (s from start, by intended send: requests errors new-connections p50 p99 max ms):");
        for (Second s : seconds()) {
            Histogram h = s.latencyMicros;
            out.printf(
                    Locale.ROOT,
                    "  t=%d %d %d %d %.3f %.3f %.3f%n",
                    s.second,
                    s.requests,
                    s.errors,
                    s.connections,
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0);
        }
    }
}
