package io.infergate.extproc.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.infergate.gateway.config.GatewayConfig;
import io.infergate.gateway.config.PickerRef;
import io.infergate.gateway.config.PoolRuntime;
import io.infergate.gateway.picker.ExternalPickCall;
import io.infergate.gateway.picker.ExternalPickRequest;
import io.infergate.gateway.picker.ExternalPickerException;
import io.infergate.gateway.picker.ExternalPickers;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ExternalPickers} over Envoy ext_proc v3, as Envoy calls the Gateway API Inference Extension's endpoint
 * picker: one {@code ExternalProcessor.Process} stream per request ({@link PickStream} describes the messages).
 *
 * <h2>Connections</h2>
 * One gRPC channel per picker address and transport (TLS or h2c), opened on first use and reused by every request;
 * a pick rotates over the ready addresses of the picker's Service. {@link #update} closes the channels of addresses
 * the new configuration no longer names, {@link #close} all of them. TLS does not verify the certificate, as Envoy
 * deployments of the reference picker do (it serves a self-signed certificate by default).
 *
 * <h2>Threading</h2>
 * {@link #pick} runs on gateway event loops and never blocks: building a channel does not connect, and sending on a
 * stream only queues. Decisions complete on gRPC's threads or on this client's timer thread; the gateway hops back
 * to the request's event loop. Thread-safe.
 */
public final class GrpcExternalPickers implements ExternalPickers {

    private static final Logger log = LoggerFactory.getLogger(GrpcExternalPickers.class);

    /** How long the picker may take to decide, as Envoy's gRPC {@code timeout: 10s} in GIE's reference setup. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private record Key(String host, int port, boolean tls) {
        String display() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final Duration timeout;
    private final Map<Key, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();
    private final ScheduledExecutorService timer;
    private final SslContext insecureTls;
    private volatile boolean closed;

    /** A client with the {@linkplain #DEFAULT_TIMEOUT default timeout}. */
    public GrpcExternalPickers() {
        this(DEFAULT_TIMEOUT);
    }

    /**
     * @param timeout how long a picker may take to decide, and to answer the response headers (then the response
     *                goes on unchanged), unless the pool's {@code infergate.io/picker-timeout} annotation says
     *                otherwise ({@code serve --picker-timeout}); positive
     */
    public GrpcExternalPickers(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        this.timeout = timeout;
        try {
            this.insecureTls = GrpcSslContexts.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot create the TLS context for endpoint pickers", e);
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "infergate-picker-timer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ExternalPickCall pick(PoolRuntime pool, PickerRef.External ref, ExternalPickRequest request) {
        if (closed) {
            return ExternalPickers.failed(new ExternalPickerException(
                    "endpoint picker " + ref.name() + " cannot be called: the gateway is shutting down", false));
        }
        int n = ref.addresses().size();
        if (n == 0) {
            return ExternalPickers.failed(
                    new ExternalPickerException("endpoint picker " + ref.name() + " has no ready endpoint", false));
        }
        InetSocketAddress a = ref.addresses().get(Math.floorMod(rotation.getAndIncrement(), n));
        Key key = new Key(a.getHostString(), a.getPort(), ref.tls());
        ManagedChannel channel = channels.computeIfAbsent(key, this::open);
        PickStream stream = new PickStream(
                "endpoint picker " + ref.name() + " at " + key.display(),
                request,
                pool.faults().pickerTimeout().orElse(timeout),
                timer);
        stream.start(channel);
        return stream;
    }

    private ManagedChannel open(Key key) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(key.host(), key.port());
        if (key.tls()) {
            b.sslContext(insecureTls);
        } else {
            b.usePlaintext();
        }
        log.info("opening a channel to the endpoint picker at {} ({})", key.display(), key.tls() ? "TLS" : "h2c");
        return b.build();
    }

    /** Closes the channels of picker addresses {@code config} does not name; streams on them fail. */
    @Override
    public void update(GatewayConfig config) {
        Set<Key> keep = new HashSet<>();
        for (PoolRuntime pool : config.pools()) {
            if (pool.picker() instanceof PickerRef.External ext) {
                for (InetSocketAddress a : ext.addresses()) {
                    keep.add(new Key(a.getHostString(), a.getPort(), ext.tls()));
                }
            }
        }
        channels.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            log.info(
                    "closing the channel to the endpoint picker at {}: no longer referenced",
                    e.getKey().display());
            e.getValue().shutdown();
            return true;
        });
    }

    /** The addresses with an open channel (for tests and the admin view). */
    public Set<String> openChannels() {
        Set<String> out = new HashSet<>();
        channels.keySet().forEach(k -> out.add(k.display()));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        channels.clear();
        timer.shutdownNow();
    }
}
