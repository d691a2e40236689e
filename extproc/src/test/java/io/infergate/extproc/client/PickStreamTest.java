package io.infergate.extproc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.infergate.gateway.picker.ExternalDecision;
import io.infergate.gateway.picker.ExternalPickRequest;
import io.infergate.gateway.picker.ExternalPickerException;
import io.infergate.gateway.picker.HeaderEntry;
import io.infergate.testing.Patience;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client side of the protocol against scripted pickers on gRPC's in-process transport. */
class PickStreamTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ConcurrentLinkedQueue<ProcessingRequest> seen = new ConcurrentLinkedQueue<>();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        timer.shutdownNow();
    }

    /** A picker that hands every message it receives, with the stream back, to {@code script}. */
    private void serve(BiConsumer<ProcessingRequest, StreamObserver<ProcessingResponse>> script) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new ExternalProcessorGrpc.ExternalProcessorImplBase() {
                    @Override
                    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(ProcessingRequest r) {
                                seen.add(r);
                                script.accept(r, out);
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {
                                out.onCompleted();
                            }
                        };
                    }
                })
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    private PickStream start(String body) {
        PickStream s = new PickStream(
                "test picker",
                new ExternalPickRequest(
                        "r1",
                        List.of(new HeaderEntry(":method", "POST"), new HeaderEntry(":path", "/v1/completions")),
                        body.getBytes(StandardCharsets.UTF_8)),
                Patience.EVENTUALLY,
                timer); // every script here decides
        s.start(channel);
        return s;
    }

    private static ProcessingResponse headersResponse(String destination, ByteString replacement) {
        CommonResponse.Builder c = CommonResponse.newBuilder()
                .setHeaderMutation(HeaderMutation.newBuilder()
                        .addSetHeaders(HeaderValueOption.newBuilder()
                                .setHeader(HeaderValue.newBuilder()
                                        .setKey("x-gateway-destination-endpoint")
                                        .setValue(destination))));
        if (replacement != null) {
            c.setStatus(CommonResponse.ResponseStatus.CONTINUE_AND_REPLACE)
                    .setBodyMutation(BodyMutation.newBuilder().setBody(replacement));
        }
        return ProcessingResponse.newBuilder()
                .setRequestHeaders(HeadersResponse.newBuilder().setResponse(c))
                .build();
    }

    private static ExternalDecision decision(PickStream s) throws Exception {
        return s.decision().toCompletableFuture().get(Patience.SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aBodyResponseWithoutMutationKeepsTheClientsBody() throws Exception {
        serve((r, out) -> {
            if (r.hasRequestBody() && r.getRequestBody().getEndOfStream()) {
                out.onNext(headersResponse("10.0.0.1:8000", null));
                out.onNext(ProcessingResponse.newBuilder()
                        .setRequestBody(BodyResponse.getDefaultInstance())
                        .build());
            }
        });
        ExternalDecision d = decision(start("{\"model\":\"m\"}"));
        assertThat(d).isInstanceOfSatisfying(ExternalDecision.Route.class, route -> {
            assertThat(route.destination()).isEqualTo("10.0.0.1:8000");
            assertThat(route.body()).isNull();
        });
        assertThat(seen.peek()
                        .getRequestHeaders()
                        .getHeaders()
                        .getHeaders(0)
                        .getRawValue()
                        .toStringUtf8())
                .isEqualTo("POST");
    }

    @Test
    void aWholeBodyReplacementOnTheHeadersResponseIsTheNewBody() throws Exception {
        serve((r, out) -> {
            if (r.hasRequestBody() && r.getRequestBody().getEndOfStream()) {
                out.onNext(headersResponse("10.0.0.1:8000", ByteString.copyFromUtf8("{\"model\":\"n\"}")));
            }
        });
        ExternalDecision d = decision(start("{\"model\":\"m\"}"));
        assertThat(d)
                .isInstanceOfSatisfying(
                        ExternalDecision.Route.class,
                        route -> assertThat(new String(route.body(), StandardCharsets.UTF_8))
                                .isEqualTo("{\"model\":\"n\"}"));
    }

    @Test
    void aStreamClosedWithoutADecisionIsMalformed() throws Exception {
        serve((r, out) -> {
            if (r.hasRequestBody() && r.getRequestBody().getEndOfStream()) {
                out.onCompleted();
            }
        });
        PickStream s = start("{}");
        assertThatThrownBy(() -> decision(s))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(ExternalPickerException.class, e -> {
                    assertThat(e.malformed()).isTrue();
                    assertThat(e.getMessage()).contains("test picker closed the stream without a decision");
                });
    }

    @Test
    void theResponsePhaseReportsTheServedEndpointAndHalfCloses() throws Exception {
        serve((r, out) -> {
            if (r.hasRequestHeaders() && r.getRequestHeaders().getEndOfStream()) {
                out.onNext(headersResponse("10.0.0.1:8000", null));
            }
            if (r.hasResponseHeaders()) {
                String served = r.getMetadataContext()
                        .getFilterMetadataMap()
                        .get("envoy.lb")
                        .getFieldsMap()
                        .get("x-gateway-destination-endpoint-served")
                        .getStringValue();
                out.onNext(ProcessingResponse.newBuilder()
                        .setResponseHeaders(HeadersResponse.newBuilder()
                                .setResponse(CommonResponse.newBuilder()
                                        .setHeaderMutation(HeaderMutation.newBuilder()
                                                .addSetHeaders(HeaderValueOption.newBuilder()
                                                        .setHeader(HeaderValue.newBuilder()
                                                                .setKey("X-Served")
                                                                .setRawValue(ByteString.copyFromUtf8(served)))))))
                        .setDynamicMetadata(Struct.newBuilder().putFields("x", Value.getDefaultInstance()))
                        .build());
            }
        });
        PickStream s = start("");
        assertThat(decision(s)).isInstanceOf(ExternalDecision.Route.class);
        List<HeaderEntry> set = s.responseHeaders(List.of(new HeaderEntry(":status", "200")), "10.0.0.1:8000")
                .toCompletableFuture()
                .get(Patience.SECONDS, TimeUnit.SECONDS);
        assertThat(set).containsExactly(new HeaderEntry("x-served", "10.0.0.1:8000"));
        assertThat(seen).hasSize(2);
        assertThat(seen.stream()
                        .skip(1)
                        .findFirst()
                        .orElseThrow()
                        .getResponseHeaders()
                        .getEndOfStream())
                .isFalse();
        s.cancel(); // after the half-close: a no-op
    }
}
