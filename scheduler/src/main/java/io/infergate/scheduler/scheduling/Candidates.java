package io.infergate.scheduler.scheduling;

import io.infergate.scheduler.datastore.ScrapedMetrics;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The endpoints still in the running for one decision, as parallel arrays: position {@code i} has an endpoint,
 * the metrics read for it when the decision started, and our in-flight load on it. Filters narrow the set in
 * place with {@link #retain}; scorers and pickers address candidates by position.
 *
 * <p>Confined to the deciding thread; created per decision.
 */
public final class Candidates {

    private final Endpoint[] endpoints;
    private final ScrapedMetrics[] metrics;
    private final int[] inFlight;
    private final long[] inFlightTokens;
    private final int[] prefilling;
    private int size;

    Candidates(
            Endpoint[] endpoints, ScrapedMetrics[] metrics, int[] inFlight, long[] inFlightTokens, int[] prefilling) {
        if (metrics.length != endpoints.length
                || inFlight.length != endpoints.length
                || inFlightTokens.length != endpoints.length
                || prefilling.length != endpoints.length) {
            throw new IllegalArgumentException("arrays of different lengths");
        }
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.inFlightTokens = inFlightTokens;
        this.prefilling = prefilling;
        this.size = endpoints.length;
    }

    /** Candidates for tests and the lab: the given endpoints with their metrics and no in-flight load. */
    public static Candidates of(List<Endpoint> endpoints, List<ScrapedMetrics> metrics) {
        int n = endpoints.size();
        return new Candidates(
                endpoints.toArray(new Endpoint[0]),
                metrics.toArray(new ScrapedMetrics[0]),
                new int[n],
                new long[n],
                new int[n]);
    }

    /** Same, with our in-flight requests and tokens per endpoint. */
    public static Candidates of(
            List<Endpoint> endpoints, List<ScrapedMetrics> metrics, int[] inFlight, long[] inFlightTokens) {
        return of(endpoints, metrics, inFlight, inFlightTokens, new int[endpoints.size()]);
    }

    /** Same, with our requests per endpoint that have not had their first token yet. */
    public static Candidates of(
            List<Endpoint> endpoints,
            List<ScrapedMetrics> metrics,
            int[] inFlight,
            long[] inFlightTokens,
            int[] prefilling) {
        return new Candidates(
                endpoints.toArray(new Endpoint[0]),
                metrics.toArray(new ScrapedMetrics[0]),
                inFlight.clone(),
                inFlightTokens.clone(),
                prefilling.clone());
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public Endpoint endpoint(int i) {
        return endpoints[check(i)];
    }

    public ScrapedMetrics scraped(int i) {
        return metrics[check(i)];
    }

    /** The values of the last scrape that read anything (unknown values are marked so, see the record). */
    public ModelServerMetrics metrics(int i) {
        return metrics[check(i)].metrics();
    }

    public int inFlight(int i) {
        return inFlight[check(i)];
    }

    public long inFlightTokens(int i) {
        return inFlightTokens[check(i)];
    }

    /** Our requests on candidate {@code i} still waiting for their first token ({@link
     * io.infergate.scheduler.pick.InFlightTracker#prefilling}). */
    public int prefilling(int i) {
        return prefilling[check(i)];
    }

    /** The endpoints in position order (a copy). */
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(endpoints[i]);
        }
        return out;
    }

    /**
     * Keeps the candidates whose {@code keep[i]} is true, in order; positions are renumbered. {@code keep} must
     * cover the current size.
     */
    public void retain(boolean[] keep) {
        if (keep.length < size) {
            throw new IllegalArgumentException("keep: " + keep.length + " flags for " + size + " candidates");
        }
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (keep[r]) {
                endpoints[w] = endpoints[r];
                metrics[w] = metrics[r];
                inFlight[w] = inFlight[r];
                inFlightTokens[w] = inFlightTokens[r];
                prefilling[w] = prefilling[r];
                w++;
            }
        }
        for (int i = w; i < size; i++) {
            endpoints[i] = null;
            metrics[i] = null;
        }
        size = w;
    }

    /** An independent copy, for trying a filter without committing to its result. */
    public Candidates copy() {
        return new Candidates(
                Arrays.copyOf(endpoints, size),
                Arrays.copyOf(metrics, size),
                Arrays.copyOf(inFlight, size),
                Arrays.copyOf(inFlightTokens, size),
                Arrays.copyOf(prefilling, size));
    }

    /** Keeps only the candidate at position {@code i}. */
    public void retainOnly(int i) {
        boolean[] keep = new boolean[size];
        keep[check(i)] = true;
        retain(keep);
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("candidate " + i + " of " + size);
        }
        return i;
    }
}
