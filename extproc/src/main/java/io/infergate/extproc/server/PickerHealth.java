package io.infergate.extproc.server;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The standard {@code grpc.health.v1.Health} service with the reference picker's service names (GIE v1.5.0
 * {@code cmd/epp/runner/health.go}):
 * {@code liveness} is always SERVING; {@code readiness}, {@code envoy.service.ext_proc.v3.ExternalProcessor}, the
 * empty name and {@code inference-extension} (the name the reference manifests probe) are SERVING while
 * {@code ready} says so (the pool synced, and this replica leads when leader election is on); any other name is
 * {@code SERVICE_UNKNOWN}. {@code Watch} sends the current status, then every change as {@link #refresh} notices it.
 *
 * <p>Thread-safe. {@code ready} is called from gRPC threads and from {@link #refresh}'s caller; it must not block.
 */
public final class PickerHealth extends HealthGrpc.HealthImplBase {

    public static final String LIVENESS = "liveness";
    public static final String READINESS = "readiness";
    public static final String EXT_PROC = "envoy.service.ext_proc.v3.ExternalProcessor";
    /** The service name the reference picker's Kubernetes manifests probe. */
    public static final String INFERENCE_EXTENSION = "inference-extension";

    private final BooleanSupplier ready;
    private final Map<StreamObserver<HealthCheckResponse>, Watch> watchers = new ConcurrentHashMap<>();

    private record Watch(String service, ServingStatus[] last) {}

    public PickerHealth(BooleanSupplier ready) {
        this.ready = Objects.requireNonNull(ready, "ready");
    }

    /** The status of a service name. */
    public ServingStatus status(String service) {
        return switch (service) {
            case LIVENESS -> ServingStatus.SERVING;
            case READINESS, EXT_PROC, INFERENCE_EXTENSION, "" ->
                ready.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
            default -> ServingStatus.SERVICE_UNKNOWN;
        };
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        response.onNext(HealthCheckResponse.newBuilder()
                .setStatus(status(request.getService()))
                .build());
        response.onCompleted();
    }

    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
        ServingStatus now = status(request.getService());
        Watch w = new Watch(request.getService(), new ServingStatus[] {now});
        if (response instanceof ServerCallStreamObserver<HealthCheckResponse> call) {
            call.setOnCancelHandler(() -> watchers.remove(response));
        }
        watchers.put(response, w);
        synchronized (w) {
            response.onNext(HealthCheckResponse.newBuilder().setStatus(now).build());
        }
    }

    /** Sends every watcher whose status changed its new status (the server calls this on a timer). */
    public void refresh() {
        watchers.forEach((observer, w) -> {
            ServingStatus now = status(w.service());
            synchronized (w) {
                if (now != w.last()[0]) {
                    w.last()[0] = now;
                    try {
                        observer.onNext(
                                HealthCheckResponse.newBuilder().setStatus(now).build());
                    } catch (RuntimeException e) {
                        watchers.remove(observer); // cancelled meanwhile
                    }
                }
            }
        });
    }

    /** Ends every watch (server shutdown). */
    public void closeWatches() {
        watchers.forEach((observer, w) -> {
            try {
                observer.onError(Status.UNAVAILABLE
                        .withDescription("endpoint picker shutting down")
                        .asRuntimeException());
            } catch (RuntimeException ignored) {
                // already cancelled
            }
        });
        watchers.clear();
    }
}
