package io.infergate.app.serve;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.http.HttpServerConfig;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The embedded default of {@code infergate serve}: N simulated vLLM replicas in-process (LoRA enabled, adapters
 * {@code food-review-v1} and {@code food-review-v2} loaded on each) and the demo manifests of
 * {@code embedded-default.yaml} with the replicas declared as Pods.
 *
 * <h2>Addresses</h2>
 * The reference EPP makes one endpoint per Pod IP x pool target port, and the loader keeps one Pod per IP, so N
 * replicas on one host need either N IPs or N ports:
 * <ul>
 *   <li>Where the whole 127.0.0.0/8 block is loopback (Linux), replica i binds {@code 127.0.0.(i+1)}, all on the
 *       same ephemeral port: N Pods with their own {@code status.podIP}, one target port, exactly the shape of a
 *       real pool of N Pods.</li>
 *   <li>Elsewhere (macOS has only 127.0.0.1 unless aliases are added), the replicas bind 127.0.0.1 on N ephemeral
 *       ports and one Pod lists them as N target ports: the shape of one data-parallel Pod with N ranks
 *       (GIE names its endpoints {@code <pod>-rank-<i>}). Routing behaves the same.</li>
 * </ul>
 *
 * <p>Threading: {@link #start} and {@link #close} block (binding, engine threads) and must not run on an event
 * loop. The replicas share one two-thread event loop group owned by this object.
 */
public final class EmbeddedDefault implements AutoCloseable {

    /** The LoRA adapters every replica loads at start. */
    public static final List<String> ADAPTERS = List.of("food-review-v1", "food-review-v2");
    /** The InferenceModel split 90/10 across {@link #ADAPTERS}. */
    public static final String LORA_MODEL = "food-review";
    /** The Sheddable InferenceModel. */
    public static final String SHEDDABLE_MODEL = "llama-batch";
    /** The pool's name and Pod label value. */
    public static final String POOL = "vllm-llama3-8b";

    private static final String TEMPLATE = "/io/infergate/app/embedded-default.yaml";
    private static final int SAME_PORT_ATTEMPTS = 5;

    private final EventLoopGroup group;
    private final List<SimReplica> replicas;
    private final boolean distinctHosts;
    private final String manifests;

    private EmbeddedDefault(EventLoopGroup group, List<SimReplica> replicas, boolean distinctHosts, int gatewayPort) {
        this.group = group;
        this.replicas = List.copyOf(replicas);
        this.distinctHosts = distinctHosts;
        this.manifests = render(gatewayPort);
    }

    /** The served base model name, e.g. {@code meta-llama/Llama-3.1-8B-Instruct}. */
    public static String baseModel() {
        return Preset.DEFAULT.config().servedModelName();
    }

    /**
     * Starts the replicas.
     *
     * @param replicas    how many (1..254)
     * @param gatewayPort the port written into the Gateway listener (1..65535)
     * @param seed        seeds the replicas (output lengths, ids)
     * @throws IllegalStateException if the replicas cannot be started (nothing stays running)
     */
    public static EmbeddedDefault start(int replicas, int gatewayPort, long seed) {
        if (replicas < 1 || replicas > 254) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: 1..254)");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            boolean distinct = replicas > 1 && loopbackAliasesWork(replicas);
            List<SimReplica> started =
                    distinct ? startOnDistinctHosts(group, replicas, seed) : startOnOneHost(group, replicas, seed);
            return new EmbeddedDefault(group, started, distinct, gatewayPort);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static ReplicaSpec spec(int i, String host, int port, long seed) {
        EngineConfig engine = Preset.DEFAULT.config().toBuilder()
                .enableLora(true)
                .maxLoras(ADAPTERS.size())
                .maxCpuLoras(ADAPTERS.size())
                .clampMaxModelLenToCache()
                .build();
        Map<String, String> adapters = new LinkedHashMap<>();
        ADAPTERS.forEach(a -> adapters.put(a, "/adapters/" + a));
        return ReplicaSpec.builder(engine)
                .name("sim-" + i)
                .seed(seed + i)
                .port(port)
                .http(HttpServerConfig.DEFAULT.withHost(host))
                .loraModules(adapters)
                .build();
    }

    /** Whether 127.0.0.2 .. 127.0.0.n can be bound here. */
    private static boolean loopbackAliasesWork(int n) {
        for (int i = 2; i <= n; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + i), 0));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static List<SimReplica> startOnDistinctHosts(EventLoopGroup group, int n, long seed) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < SAME_PORT_ATTEMPTS; attempt++) {
            List<SimReplica> started = new ArrayList<>();
            try {
                SimReplica first = new SimReplica(spec(0, "127.0.0.1", 0, seed), group);
                started.add(first);
                first.start();
                for (int i = 1; i < n; i++) {
                    // the same port on the next loopback address; someone else may hold it there: retry all
                    SimReplica r = new SimReplica(spec(i, "127.0.0." + (i + 1), first.port(), seed), group);
                    started.add(r);
                    r.start();
                }
                return started;
            } catch (IllegalStateException e) {
                started.forEach(SimReplica::close);
                last = e;
            }
        }
        throw new IllegalStateException(
                "cannot start " + n + " replicas on one port of 127.0.0.1-" + n + ": " + last.getMessage(), last);
    }

    private static List<SimReplica> startOnOneHost(EventLoopGroup group, int n, long seed) {
        List<SimReplica> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                SimReplica r = new SimReplica(spec(i, "127.0.0.1", 0, seed), group);
                started.add(r);
                r.start();
            }
            return started;
        } catch (RuntimeException e) {
            started.forEach(SimReplica::close);
            throw e;
        }
    }

    private String render(int gatewayPort) {
        String template;
        try (InputStream in = EmbeddedDefault.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TEMPLATE + " is missing from the jar");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String ports = distinctHosts
                ? "[{number: " + replicas.get(0).port() + "}]"
                : replicas.stream().map(r -> "{number: " + r.port() + "}").collect(Collectors.joining(", ", "[", "]"));
        StringBuilder out = new StringBuilder(template.replace("${GATEWAY_PORT}", Integer.toString(gatewayPort))
                .replace("${TARGET_PORTS}", ports)
                .replace("${BASE_MODEL}", baseModel()));
        if (distinctHosts) {
            for (SimReplica r : replicas) {
                out.append(pod(r.name(), r.spec().http().host()));
            }
        } else {
            out.append(pod("sim", "127.0.0.1"));
        }
        return out.toString();
    }

    private static String pod(String name, String ip) {
        return """
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels:
                    app: %s
                status:
                  podIP: %s
                """.formatted(name, POOL, ip);
    }

    /** The rendered manifests (multi-document YAML), ready for {@code Manifests.load}. */
    public String manifests() {
        return manifests;
    }

    public List<SimReplica> replicas() {
        return replicas;
    }

    /** One line saying how the replicas are laid out, for the startup banner. */
    public String layout() {
        return distinctHosts
                ? replicas.size() + " Pods on 127.0.0.1-" + replicas.size() + ", port "
                        + replicas.get(0).port()
                : "1 Pod on 127.0.0.1 with " + replicas.size() + " target ports (ranks)";
    }

    @Override
    public void close() {
        replicas.forEach(SimReplica::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
