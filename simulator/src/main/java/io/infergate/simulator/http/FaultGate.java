package io.infergate.simulator.http;

import io.infergate.simulator.fault.RequestFaults;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wraps an inference endpoint with the replica's request faults: draws them once per request, delays the
 * request by the added latency (retaining its body meanwhile), answers with the injected error (with
 * {@code Retry-After} for 429/503), or passes the request on with its crash decision attached to the
 * exchange.
 *
 * <p>Threading: event loop. A client that leaves during the delay cancels the timer and releases the body.
 */
final class FaultGate implements Endpoint {

    private final ServingContext sc;
    private final Endpoint delegate;

    FaultGate(ServingContext sc, Endpoint delegate) {
        this.sc = sc;
        this.delegate = delegate;
    }

    @Override
    public void handle(HttpExchange exchange, FullHttpRequest request) {
        RequestFaults faults = sc.faults().decide();
        exchange.faults(faults);
        if (faults.latencyNanos() <= 0) {
            proceed(exchange, request, faults);
            return;
        }
        request.retain();
        ScheduledFuture<?> timer = exchange.eventLoop()
                .schedule(
                        () -> {
                            try {
                                exchange.onCancel(null);
                                if (!exchange.isDone()) {
                                    proceed(exchange, request, faults);
                                }
                            } finally {
                                request.release();
                            }
                        },
                        faults.latencyNanos(),
                        TimeUnit.NANOSECONDS);
        exchange.onCancel(() -> {
            if (timer.cancel(false)) {
                request.release();
            }
        });
    }

    private void proceed(HttpExchange exchange, FullHttpRequest request, RequestFaults faults) {
        if (faults.failsWithError()) {
            FullHttpResponse r = HttpResponses.error(exchange.alloc(), ApiError.injected(faults.errorStatus()));
            if (faults.retryAfterSeconds() > 0) {
                r.headers().setInt(HttpHeaderNames.RETRY_AFTER, faults.retryAfterSeconds());
            }
            exchange.respond(r);
            return;
        }
        exchange.run(delegate, request);
    }
}
