package io.infergate.app;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.infergate.testing.Patience;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Envoy's side of one body-less ext_proc request, for tests of the {@code epp} command. */
final class EnvoyProbe {

    private EnvoyProbe() {}

    /**
     * Sends request headers with end of stream ({@code GET /v1/models}) and returns the picker's
     * {@code x-gateway-destination-endpoint}, or {@code "status <code>"} for an immediate response.
     */
    static String headerOnlyPick(Channel channel) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        @SuppressWarnings("unchecked")
        StreamObserver<ProcessingRequest>[] req = new StreamObserver[1];
        req[0] = ExternalProcessorGrpc.newStub(channel).process(new StreamObserver<>() {
            @Override
            public void onNext(ProcessingResponse r) {
                if (r.hasImmediateResponse()) {
                    answer.complete(
                            "status " + r.getImmediateResponse().getStatus().getCodeValue());
                    return;
                }
                r.getRequestHeaders().getResponse().getHeaderMutation().getSetHeadersList().stream()
                        .filter(h -> h.getHeader().getKey().equals("x-gateway-destination-endpoint"))
                        .findFirst()
                        .ifPresent(
                                h -> answer.complete(h.getHeader().getRawValue().toStringUtf8()));
                req[0].onCompleted();
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.complete("none");
            }
        });
        req[0].onNext(ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder()
                        .setEndOfStream(true)
                        .setHeaders(HeaderMap.newBuilder()
                                .addHeaders(HeaderValue.newBuilder()
                                        .setKey(":path")
                                        .setRawValue(ByteString.copyFromUtf8("/v1/models")))))
                .build());
        return answer.get(Patience.SECONDS, TimeUnit.SECONDS);
    }
}
