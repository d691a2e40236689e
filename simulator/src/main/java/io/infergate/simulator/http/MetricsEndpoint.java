package io.infergate.simulator.http;

import io.infergate.simulator.fault.FaultConfig;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /metrics}: the replica's metrics in its flavor's exposition format, subject to the metrics
 * fault: {@code slow} answers after a delay, {@code failing} with a 500, {@code garbled} with broken text.
 *
 * <p>Threading: event loop; the delay is a timer on the connection's loop, cancelled if the client leaves.
 */
final class MetricsEndpoint implements Endpoint {

    private final ServingContext sc;

    MetricsEndpoint(ServingContext sc) {
        this.sc = sc;
    }

    @Override
    public void handle(HttpExchange exchange, FullHttpRequest request) {
        FaultConfig faults = sc.faults().config();
        switch (faults.metricsFault()) {
            case NONE -> respond(exchange, sc.metrics().scrape());
            case FAILING ->
                exchange.respondError(ApiError.internal("Metrics are unavailable (injected by the simulator)."));
            case GARBLED -> respond(exchange, sc.faults().garble(sc.metrics().scrape()));
            case SLOW -> {
                ScheduledFuture<?> timer = exchange.eventLoop()
                        .schedule(
                                () -> respond(exchange, sc.metrics().scrape()),
                                faults.metricsDelayMs(),
                                TimeUnit.MILLISECONDS);
                exchange.onCancel(() -> timer.cancel(false));
            }
        }
    }

    private void respond(HttpExchange exchange, String text) {
        exchange.respond(HttpResponses.text(
                exchange.alloc(), HttpResponseStatus.OK, sc.metrics().contentType(), text));
    }
}
