package io.infergate.bench.jmh;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.infergate.api.model.PoolEndpoint;
import io.infergate.gateway.scrape.NettyMetricsFetcher;
import io.infergate.scheduler.datastore.HttpMetricsFetcher;
import io.infergate.scheduler.datastore.MetricsFetcher;
import io.infergate.scheduler.metrics.MetricsExtractor;
import io.infergate.scheduler.metrics.ModelServerMetrics;
import io.infergate.scheduler.pick.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One scrape end to end over loopback: a real fetcher GETs the ~30 KiB vLLM page ({@link VllmPage}) from a JDK
 * {@code HttpServer} in the same JVM, and the body is extracted: one scrape after another ({@link #fetchAndExtract}),
 * or a tick's worth at once ({@link #concurrentTick}), as the scraper starts them. {@link #client} picks the fetcher:
 * {@code jdk}, the scheduler's {@link HttpMetricsFetcher} (JDK HTTP client, HTTP/1.1 keep-alive, callbacks on a
 * single control-plane thread as the gateway had it), or {@code netty}, the gateway's {@link NettyMetricsFetcher}
 * (keep-alive, its own event loop thread {@value NettyMetricsFetcher#THREAD_NAME}, which the callbacks run on).
 *
 * <p>The score is wall time per scrape (client, loopback, server, and the hand-offs between their threads). For the
 * CPU, run it with {@code -prof "io.infergate.bench.jmh.CpuProfiler:threads=}{@value #SERVER_THREADS}{@code "}:
 * {@code cpu.process} is the whole JVM per scrape, {@code cpu.matched} the server's two threads (the JDK's dispatcher
 * and the handler), {@code cpu.other} the rest, i.e. what the gateway would spend per scrape: the client's threads
 * plus GC (slightly overstated by what the JIT and JMH spend meanwhile). In a run's last iteration the split is
 * wrong: JMH has run {@link #tearDown} (which ends the server's threads) before the profiler reads them, so
 * {@code cpu.matched} is 0 and everything lands in {@code cpu.other}; average the other iterations (JSON
 * {@code rawData}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScrapeHttpBenchmark {

    /** A scrape's timeout as the gateway sets it by default; a benchmark on a quiet machine never reaches it. */
    static final Duration TIMEOUT = Duration.ofMillis(500);
    /** The server's handler thread; its other one is the JDK's {@code HTTP-Dispatcher}. */
    static final String SERVER_THREAD = "bench-metrics-server";
    /** The names of the server's threads, for {@link CpuProfiler}. */
    public static final String SERVER_THREADS = "HTTP-Dispatcher|" + SERVER_THREAD;

    private byte[] page;
    private HttpServer server;
    private ExecutorService serverExecutor;
    private ExecutorService clientExecutor;
    private MetricsFetcher fetcher;
    private NettyMetricsFetcher netty;

    /** Which fetcher: {@code jdk} ({@link HttpMetricsFetcher}) or {@code netty} ({@link NettyMetricsFetcher}). */
    @Param({"jdk", "netty"})
    public String client = "jdk";
    /**
     * Each fetch's timeout: {@link #TIMEOUT} in a benchmark; a test calling the benchmark directly sets a generous
     * one, since on a loaded machine a loopback fetch can take longer than the gateway's default.
     */
    Duration timeout = TIMEOUT;

    private MetricsExtractor extractor;
    private Endpoint endpoint;

    @SuppressWarnings("unchecked")
    private final CompletableFuture<ModelServerMetrics>[] tick = new CompletableFuture[ScrapeBenchmark.TICK_ENDPOINTS];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        page = VllmPage.bytes();
        // as uvicorn does; without it Nagle's algorithm and delayed ACKs hold each response ~40 ms on loopback.
        // Read once, when the JDK server's configuration class loads: before the first server in this JVM.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        serverExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, SERVER_THREAD);
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2 * ScrapeBenchmark.TICK_ENDPOINTS);
        server.createContext("/metrics", this::serve);
        server.setExecutor(serverExecutor);
        server.start();
        switch (client) {
            case "jdk" -> {
                clientExecutor = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "bench-control-plane");
                    t.setDaemon(true);
                    return t;
                });
                fetcher = new HttpMetricsFetcher(clientExecutor, "http", "/metrics");
            }
            case "netty" -> fetcher = netty = new NettyMetricsFetcher("http", "/metrics");
            default -> throw new IllegalArgumentException("client: " + client + " (expected: jdk or netty)");
        }
        extractor = MetricsExtractor.withBuiltins();
        int port = server.getAddress().getPort();
        endpoint =
                Endpoint.of(new PoolEndpoint("vllm-0-rank-0", "vllm-0", "127.0.0.1", port, 0), ScrapeBenchmark.LABELS);
        fetcher.fetch(endpoint, timeout).join(); // connects, and starts the server's handler thread
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream in = exchange.getRequestBody();
                OutputStream out = exchange.getResponseBody()) {
            in.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            out.write(page);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (netty != null) {
            netty.close();
        }
        server.stop(0);
        serverExecutor.shutdownNow();
        serverExecutor.awaitTermination(5, TimeUnit.SECONDS);
        if (clientExecutor != null) {
            clientExecutor.shutdownNow();
            clientExecutor.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public ModelServerMetrics fetchAndExtract() {
        byte[] body = fetcher.fetch(endpoint, timeout).join();
        return extractor.extract(endpoint.labels(), body);
    }

    /**
     * One scraper tick's worth: {@value ScrapeBenchmark#TICK_ENDPOINTS} fetches started at once, each extracted on
     * the thread that completes the fetch when its body arrives (where {@code MetricsScraper} stores it: the JDK
     * client's executor, the Netty fetcher's event loop), then all awaited. Reported per scrape. Both clients open
     * up to that many connections to the one server, all kept alive (the gateway has one per endpoint).
     */
    @Benchmark
    @OperationsPerInvocation(ScrapeBenchmark.TICK_ENDPOINTS)
    public ModelServerMetrics concurrentTick() {
        for (int i = 0; i < tick.length; i++) {
            tick[i] = fetcher.fetch(endpoint, timeout).thenApply(body -> extractor.extract(endpoint.labels(), body));
        }
        CompletableFuture.allOf(tick).join();
        return tick[tick.length - 1].join();
    }
}
