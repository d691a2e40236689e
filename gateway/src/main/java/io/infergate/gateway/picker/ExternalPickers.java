package io.infergate.gateway.picker;

import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PickerRef;
import io.infergate.gateway.config.PoolRuntime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The client of external endpoint pickers: pools whose {@link PickerRef} is {@link PickerRef.External} are
 * scheduled by calling it. The gateway module does not know the wire protocol; the ext_proc implementation lives in
 * the {@code extproc} module. The gateway server owns the instance it is given: it calls {@link #update} before
 * publishing every configuration and {@link #close} when it closes.
 *
 * <p>Threading: {@link #pick} is called on event loops and must not block (no connecting, no DNS, no waiting);
 * {@link #update} and {@link #close} are called on the control plane and may block briefly.
 */
public interface ExternalPickers extends AutoCloseable {

    /** No client: every external pick fails, so pools follow their failure mode. */
    ExternalPickers NONE = (pool, ref, request) -> failed(new ExternalPickerException(
            "endpoint picker " + ref.name() + " cannot be called: this gateway has no ext_proc client", false));

    /**
     * Starts one request's stream to the pool's picker. Never throws for an unreachable picker: the returned call's
     * decision fails instead.
     */
    ExternalPickCall pick(PoolRuntime pool, PickerRef.External ref, ExternalPickRequest request);

    /** The configuration about to be published: connections to pickers it no longer names may be closed. */
    default void update(GatewayConfig config) {}

    /** Closes every connection; picks in flight fail. */
    @Override
    default void close() {}

    /** A call that failed before it started. */
    static ExternalPickCall failed(Throwable cause) {
        CompletableFuture<ExternalDecision> f = CompletableFuture.failedFuture(cause);
        return new ExternalPickCall() {
            @Override
            public CompletionStage<ExternalDecision> decision() {
                return f;
            }

            @Override
            public CompletionStage<List<HeaderEntry>> responseHeaders(List<HeaderEntry> headers, String served) {
                return CompletableFuture.completedFuture(List.of());
            }

            @Override
            public void cancel() {}
        };
    }
}
