package io.infergate.extproc.client;

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
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.infergate.extproc.server.ServingCertificate;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted endpoint picker for tests: a real ext_proc server (Netty-shaded, 127.0.0.1, port 0, h2c or TLS with a
 * self-signed certificate) that records what the gateway sent and answers with whatever {@link #script} says. By
 * default it does what GIE's conformance picker does: it routes to the endpoints named by the request header
 * {@value #SELECTION}, and echoes the served endpoint the gateway reports in the response header
 * {@value #SERVED_ECHO}.
 */
final class FakePicker implements AutoCloseable {

    static final String SELECTION = "test-epp-endpoint-selection";
    static final String SERVED_ECHO = "x-conformance-test-served-endpoint";

    /** What one stream delivered before the picker decided. */
    record Received(Map<String, String> headers, byte[] body, boolean headersEndOfStream, int bodyChunks) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A scripted answer. */
    sealed interface Answer {}

    /**
     * @param destination the endpoint list; {@code metadataDestination} the one in {@code envoy.lb} (null: same)
     * @param setHeaders  extra request headers to set
     * @param body        the body to send back, or null for the received body unchanged
     */
    record Route(String destination, String metadataDestination, Map<String, String> setHeaders, byte[] body)
            implements Answer {}

    record Immediate(int status, String body) implements Answer {}

    /** Fails the stream with a gRPC error. */
    record Error() implements Answer {}

    /** Never answers. */
    record Silent() implements Answer {}

    static Route routeBySelection(Received r) {
        return new Route(r.headers().getOrDefault(SELECTION, ""), null, Map.of(), null);
    }

    final Server server;
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    /** The served endpoints reported, in order. */
    final ConcurrentLinkedQueue<String> served = new ConcurrentLinkedQueue<>();
    /** The response headers reported (one map per response). */
    final ConcurrentLinkedQueue<Map<String, String>> responseHeaders = new ConcurrentLinkedQueue<>();
    /** Streams the gateway cancelled. */
    final AtomicInteger cancelled = new AtomicInteger();
    /** What each cancelled stream had delivered, for those cancelled after the picker was asked to decide. */
    final ConcurrentLinkedQueue<Received> cancelledAfterDeciding = new ConcurrentLinkedQueue<>();

    volatile Function<Received, Answer> script = FakePicker::routeBySelection;

    FakePicker(boolean tls) throws Exception {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Service());
        if (tls) {
            // the certificate the real picker generates when it is given none
            ServingCertificate cert = ServingCertificate.selfSigned("localhost");
            b.sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(
                            new ByteArrayInputStream(cert.certificatePem().getBytes(StandardCharsets.US_ASCII)),
                            new ByteArrayInputStream(cert.privateKeyPem().getBytes(StandardCharsets.US_ASCII))))
                    .build());
        }
        server = b.build().start();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
    }

    private final class Service extends ExternalProcessorGrpc.ExternalProcessorImplBase {
        @Override
        public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
            return new StreamObserver<>() {
                private final Map<String, String> headers = new LinkedHashMap<>();
                private final ByteArrayOutputStream body = new ByteArrayOutputStream();
                private boolean headersEos;
                private int chunks;
                private Received decided;

                @Override
                public void onNext(ProcessingRequest req) {
                    switch (req.getRequestCase()) {
                        case REQUEST_HEADERS -> {
                            for (HeaderValue h :
                                    req.getRequestHeaders().getHeaders().getHeadersList()) {
                                headers.put(h.getKey(), h.getRawValue().toStringUtf8());
                            }
                            headersEos = req.getRequestHeaders().getEndOfStream();
                            if (headersEos) {
                                decide();
                            }
                        }
                        case REQUEST_BODY -> {
                            chunks++;
                            body.writeBytes(req.getRequestBody().getBody().toByteArray());
                            if (req.getRequestBody().getEndOfStream()) {
                                decide();
                            }
                        }
                        case RESPONSE_HEADERS -> {
                            Map<String, String> h = new LinkedHashMap<>();
                            req.getResponseHeaders()
                                    .getHeaders()
                                    .getHeadersList()
                                    .forEach(v ->
                                            h.put(v.getKey(), v.getRawValue().toStringUtf8()));
                            responseHeaders.add(h);
                            String endpoint = req.getMetadataContext()
                                    .getFilterMetadataMap()
                                    .getOrDefault("envoy.lb", Struct.getDefaultInstance())
                                    .getFieldsMap()
                                    .getOrDefault("x-gateway-destination-endpoint-served", Value.getDefaultInstance())
                                    .getStringValue();
                            served.add(endpoint);
                            out.onNext(ProcessingResponse.newBuilder()
                                    .setResponseHeaders(HeadersResponse.newBuilder()
                                            .setResponse(CommonResponse.newBuilder()
                                                    .setHeaderMutation(HeaderMutation.newBuilder()
                                                            .addSetHeaders(header(SERVED_ECHO, endpoint)))))
                                    .build());
                        }
                        default -> {}
                    }
                }

                private void decide() {
                    Received r = new Received(Map.copyOf(headers), body.toByteArray(), headersEos, chunks);
                    decided = r;
                    received.add(r);
                    switch (script.apply(r)) {
                        case Immediate im -> {
                            out.onNext(ProcessingResponse.newBuilder()
                                    .setImmediateResponse(ImmediateResponse.newBuilder()
                                            .setStatus(HttpStatus.newBuilder().setCodeValue(im.status()))
                                            .setBody(ByteString.copyFromUtf8(im.body())))
                                    .build());
                            out.onCompleted();
                        }
                        case Silent s -> {}
                        case Error e ->
                            out.onError(Status.INTERNAL
                                    .withDescription("scripted failure")
                                    .asRuntimeException());
                        case Route route -> {
                            byte[] newBody = route.body() == null ? r.body() : route.body();
                            HeaderMutation.Builder m = HeaderMutation.newBuilder()
                                    .addSetHeaders(header("x-gateway-destination-endpoint", route.destination()));
                            if (newBody.length > 0) {
                                m.addSetHeaders(header("Content-Length", Integer.toString(newBody.length)));
                            }
                            route.setHeaders().forEach((k, v) -> m.addSetHeaders(header(k, v)));
                            String meta = route.metadataDestination() == null
                                    ? route.destination()
                                    : route.metadataDestination();
                            out.onNext(ProcessingResponse.newBuilder()
                                    .setRequestHeaders(HeadersResponse.newBuilder()
                                            .setResponse(CommonResponse.newBuilder()
                                                    .setClearRouteCache(true)
                                                    .setHeaderMutation(m)))
                                    .setDynamicMetadata(Struct.newBuilder()
                                            .putFields(
                                                    "envoy.lb",
                                                    Value.newBuilder()
                                                            .setStructValue(Struct.newBuilder()
                                                                    .putFields(
                                                                            "x-gateway-destination-endpoint",
                                                                            Value.newBuilder()
                                                                                    .setStringValue(meta)
                                                                                    .build()))
                                                            .build()))
                                    .build());
                            if (!r.headersEndOfStream()) {
                                List<byte[]> parts = split(newBody);
                                for (int i = 0; i < parts.size(); i++) {
                                    out.onNext(ProcessingResponse.newBuilder()
                                            .setRequestBody(BodyResponse.newBuilder()
                                                    .setResponse(CommonResponse.newBuilder()
                                                            .setBodyMutation(BodyMutation.newBuilder()
                                                                    .setStreamedResponse(
                                                                            StreamedBodyResponse.newBuilder()
                                                                                    .setBody(ByteString.copyFrom(
                                                                                            parts.get(i)))
                                                                                    .setEndOfStream(
                                                                                            i == parts.size() - 1)))))
                                            .build());
                                }
                            }
                        }
                    }
                }

                @Override
                public void onError(Throwable t) {
                    if (decided != null) {
                        cancelledAfterDeciding.add(decided);
                    }
                    cancelled.incrementAndGet();
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    private static HeaderValueOption header(String name, String value) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFromUtf8(value)))
                .build();
    }

    /** The body in chunks of at most 62,000 bytes (one empty chunk for an empty body), as the reference picker. */
    private static List<byte[]> split(byte[] body) {
        if (body.length == 0) {
            return List.of(body);
        }
        ArrayList<byte[]> out = new ArrayList<>();
        for (int off = 0; off < body.length; off += 62_000) {
            out.add(Arrays.copyOfRange(body, off, Math.min(body.length, off + 62_000)));
        }
        return out;
    }
}
