package io.infergate.extproc.server;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.StreamObserver;
import java.util.Objects;

/**
 * The {@code envoy.service.ext_proc.v3.ExternalProcessor} service: one {@link EppStream} per {@code Process}
 * stream. Thread-safe; holds no per-request state itself.
 */
public final class ExtProcService extends ExternalProcessorGrpc.ExternalProcessorImplBase {

    private final EppState state;
    private final StreamSettings settings;

    public ExtProcService(EppState state, StreamSettings settings) {
        this.state = Objects.requireNonNull(state, "state");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
        return new EppStream(state, settings, responses);
    }
}
