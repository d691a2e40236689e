package io.infergate.simulator.http;

/**
 * Produces the text of {@code GET /metrics} in some server's exposition format. The HTTP front does not
 * know metric names; the replica supplies a source backed by the metrics renderer.
 *
 * <p>Threading: called on event loops, possibly concurrently; must not block and should be cheap (one
 * render per scrape).
 */
public interface MetricsSource {

    /** The {@code content-type} of the scrape response. */
    String contentType();

    /** The current exposition text. */
    String scrape();
}
