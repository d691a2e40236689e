package io.infergate.app;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;
import io.infergate.simulator.engine.StepTimeModel;
import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.fault.MetricsFault;
import io.infergate.simulator.http.HttpServerConfig;
import io.infergate.simulator.metrics.MetricsFlavor;
import io.infergate.simulator.metrics.MetricsOptions;
import io.infergate.simulator.server.FleetSpec;
import io.infergate.simulator.server.ReplicaSpec;
import io.infergate.simulator.server.SimReplica;
import io.infergate.simulator.server.SimulatorFleet;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code infergate sim}: starts N simulated vLLM-compatible replicas (ports P, P+1, ...) and an admin API,
 * prints one line per replica and the admin URL, and serves until interrupted (Ctrl-C closes everything).
 *
 * <p>Every engine setting that shapes behaviour can be overridden on top of the preset; a value the engine
 * or the fault model rejects is reported like a bad option (message and usage, exit status 2). Unless
 * {@code --max-model-len} is given, the context window is clamped to what the KV cache holds, so a small
 * {@code --num-gpu-blocks} just works.
 */
@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Runs simulated model servers that behave like vLLM on the wire (OpenAI API, SSE streaming, LoRA "
                    + "endpoints) and in /metrics (vLLM, SGLang, TensorRT-LLM, Triton or TGI flavor), with "
                    + "injectable faults.",
            "Replica i listens on --port + i (all ephemeral with --port 0). The admin API "
                    + "(GET /replicas, GET|PUT|PATCH /replicas/{i}/faults, POST /replicas/{i}/stop|start) "
                    + "listens on --admin-port."
        })
public final class SimCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    // ---- fleet ----

    @Option(names = "--replicas", defaultValue = "3", description = "Replicas to run (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--port",
            defaultValue = "8000",
            description =
                    "Port of replica 0; replica i uses port + i; 0 = ephemeral ports (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--admin-port",
            defaultValue = "0",
            description =
                    "Admin API port; 0 = ephemeral (printed at start), -1 = no admin API (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of everything random: output lengths, ids, faults (default: ${DEFAULT-VALUE}).")
    long seed;

    // ---- model and engine ----

    @Option(
            names = "--preset",
            defaultValue = "llama-3.1-8b-h100",
            description = "Model/GPU preset: llama-3.1-8b-h100 (calibrated against published vLLM 0.11 H100"
                    + " measurements, see bench fidelity), llama-3.1-8b-a100 and llama-3.1-70b-h100-tp4 (uncalibrated:"
                    + " scaled estimates) (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(
            names = "--model",
            description =
                    "Served model name (default: the preset's model, e.g. " + "meta-llama/Llama-3.1-8B-Instruct).")
    String model;

    @Option(
            names = "--model-root",
            description = "The base model's path shown as `root` in /v1/models " + "(default: the preset's model).")
    String modelRoot;

    @Option(names = "--num-gpu-blocks", description = "KV cache blocks on the GPU.")
    Integer numGpuBlocks;

    @Option(names = "--block-size", description = "Tokens per KV block (vLLM default 16).")
    Integer blockSize;

    @Option(names = "--max-num-seqs", description = "Requests in the running batch at most.")
    Integer maxNumSeqs;

    @Option(names = "--max-num-batched-tokens", description = "Tokens scheduled per step at most.")
    Integer maxNumBatchedTokens;

    @Option(names = "--long-prefill-token-threshold", description = "Per-request prefill chunk cap per step, 0 = off.")
    Integer longPrefillTokenThreshold;

    @Option(names = "--max-model-len", description = "Context window (default: the preset's, clamped to the KV cache).")
    Integer maxModelLen;

    @Option(names = "--no-prefix-caching", description = "Disable automatic prefix caching.")
    boolean noPrefixCaching;

    @Option(names = "--no-chunked-prefill", description = "Disable chunked prefill.")
    boolean noChunkedPrefill;

    @Option(
            names = "--output-lengths",
            description = "Output lengths of requests not forced to max_tokens: fixed:N, uniform:MIN:MAX, "
                    + "normal:MEAN:SD or lognormal:MEAN:SIGMA (default: lognormal:179.0:0.9).")
    String outputLengths;

    @Option(names = "--frontend-overhead-ms", description = "API-server time before a request reaches the scheduler.")
    Double frontendOverheadMs;

    @Option(
            names = "--min-step-ms",
            description = "Every engine step takes at least this long (raises the step-time model's memory-bound"
                    + " floor): e.g. 1000 streams a token a second, for long-lived streams in load tests.")
    Double minStepMs;

    // ---- LoRA ----

    @Option(names = "--enable-lora", description = "Enable LoRA (implied by --lora-modules).")
    boolean enableLora;

    @Option(
            names = "--lora-modules",
            split = ",",
            paramLabel = "NAME[=PATH]",
            description = "Adapters loaded at start (enables LoRA), e.g. sql-lora=/adapters/sql,chat-lora.")
    List<String> loraModules = List.of();

    @Option(names = "--max-loras", description = "Adapters in one batch at most.")
    Integer maxLoras;

    @Option(
            names = "--max-cpu-loras",
            description = "Adapters kept in CPU memory (default: max(--max-loras, the preset's)).")
    Integer maxCpuLoras;

    @Option(names = "--max-lora-rank", description = "Largest adapter rank: 1, 8, 16, 32, 64, 128, 256, 320 or 512.")
    Integer maxLoraRank;

    @Option(names = "--lora-load-ms", description = "Cost of loading an adapter that is not in CPU memory.")
    Double loraLoadMs;

    @Option(names = "--lora-activate-ms", description = "Cost of moving a CPU-resident adapter into a GPU slot.")
    Double loraActivateMs;

    // ---- metrics ----

    @Option(
            names = "--metrics-flavor",
            defaultValue = "vllm",
            description = "Whose /metrics to imitate: vllm, sglang, trtllm, triton, tgi (default: ${DEFAULT-VALUE}).")
    String metricsFlavor;

    @Option(
            names = "--legacy-kv-metric",
            description = "vLLM flavor: also export the pre-0.10 names (vllm:gpu_cache_usage_perc, ...).")
    boolean legacyKvMetric;

    @Option(
            names = "--metrics-engine-label",
            defaultValue = "0",
            description = "vLLM flavor: the engine label value; 'none' omits it as vLLM V0 and llm-d's simulator do "
                    + "(default: ${DEFAULT-VALUE}).")
    String metricsEngineLabel;

    @Option(names = "--metrics-created", description = "Emit *_created samples as prometheus_client does.")
    boolean metricsCreated;

    // ---- HTTP ----

    @Option(
            names = "--max-body-bytes",
            defaultValue = "16777216",
            description = "Larger request bodies get a 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(
            names = "--keep-alive-timeout-ms",
            defaultValue = "5000",
            description =
                    "Idle keep-alive connections are closed after this long, like vLLM's uvicorn (default: ${DEFAULT-VALUE}).")
    long keepAliveTimeoutMs;

    // ---- faults ----

    @Option(
            names = "--error-rate",
            defaultValue = "0",
            description = "Share 0..1 of inference requests answered with an error (default: ${DEFAULT-VALUE}).")
    double errorRate;

    @Option(
            names = "--error-status",
            split = ",",
            defaultValue = "500",
            description = "Status(es) of injected errors, e.g. 500,503,429 (default: ${DEFAULT-VALUE}).")
    List<Integer> errorStatuses;

    @Option(
            names = "--retry-after",
            defaultValue = "1",
            description = "Retry-After seconds on injected 429/503, 0 = none (default: ${DEFAULT-VALUE}).")
    int retryAfter;

    @Option(
            names = "--added-latency-ms",
            defaultValue = "0",
            description = "Delay before each inference request is handled (default: ${DEFAULT-VALUE}).")
    long addedLatencyMs;

    @Option(
            names = "--crash-after-chunks",
            defaultValue = "-1",
            description = "Reset the connection after this many SSE events; -1 = off (default: ${DEFAULT-VALUE}).")
    int crashAfterChunks;

    @Option(
            names = "--crash-rate",
            defaultValue = "1",
            description =
                    "Share 0..1 of responses crashed when --crash-after-chunks is set (default: ${DEFAULT-VALUE}).")
    double crashRate;

    @Option(
            names = "--metrics-fault",
            defaultValue = "none",
            description = "What /metrics does wrong: none, slow, failing, garbled (default: ${DEFAULT-VALUE}).")
    String metricsFault;

    @Option(
            names = "--metrics-delay-ms",
            defaultValue = "2000",
            description = "Delay of a slow /metrics (default: ${DEFAULT-VALUE}).")
    long metricsDelayMs;

    @Override
    public Integer call() throws InterruptedException {
        SimulatorFleet fleet = startFleet();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            fleet.close();
                            stopped.countDown();
                        },
                        "sim-shutdown"));
        printEndpoints(fleet, spec.commandLine().getOut());
        stopped.await();
        return 0;
    }

    /**
     * Builds the fleet from the options and starts it.
     *
     * @throws CommandLine.ParameterException for a value the engine, fault model or server rejects
     */
    SimulatorFleet startFleet() {
        FleetSpec fleetSpec;
        try {
            fleetSpec = new FleetSpec(replicas, port, adminPort, replicaSpec());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            return new SimulatorFleet(fleetSpec).start();
        } catch (IllegalStateException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    static void printEndpoints(SimulatorFleet fleet, PrintWriter out) {
        for (SimReplica r : fleet.replicas()) {
            out.println("replica " + r.name() + " " + r.url() + " model="
                    + r.models().baseName());
        }
        if (fleet.adminUrl() != null) {
            out.println("admin " + fleet.adminUrl());
        }
        out.flush();
    }

    ReplicaSpec replicaSpec() {
        Map<String, String> adapters = new LinkedHashMap<>();
        for (String m : loraModules) {
            String s = m.trim();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            String name = eq < 0 ? s : s.substring(0, eq).trim();
            String path = eq < 0 ? "/adapters/" + name : s.substring(eq + 1).trim();
            if (name.isEmpty() || path.isEmpty()) {
                throw new IllegalArgumentException("--lora-modules: '" + m + "' (expected: NAME or NAME=PATH)");
            }
            adapters.put(name, path);
        }
        MetricsFlavor flavor = MetricsFlavor.byId(metricsFlavor);
        String engineLabel = metricsEngineLabel.equalsIgnoreCase("none") ? null : metricsEngineLabel;
        return ReplicaSpec.builder(engineConfig(!adapters.isEmpty()))
                .modelRoot(
                        modelRoot != null
                                ? modelRoot
                                : Preset.byId(preset).config().servedModelName())
                .seed(seed)
                .http(HttpServerConfig.DEFAULT
                        .withHost(host)
                        .withMaxBodyBytes(maxBodyBytes)
                        .withKeepAliveTimeoutMs(keepAliveTimeoutMs))
                .metricsFlavor(flavor)
                .metricsOptions(new MetricsOptions(legacyKvMetric, engineLabel, metricsCreated, 0))
                .loraModules(adapters)
                .faults(faults())
                .build();
    }

    EngineConfig engineConfig(boolean hasAdapters) {
        EngineConfig base = Preset.byId(preset).config();
        EngineConfig.Builder b = base.toBuilder();
        if (model != null) {
            b.servedModelName(model);
        }
        if (numGpuBlocks != null) {
            b.numGpuBlocks(numGpuBlocks);
        }
        if (blockSize != null) {
            b.blockSize(blockSize);
        }
        if (maxNumSeqs != null) {
            b.maxNumSeqs(maxNumSeqs);
        }
        if (maxNumBatchedTokens != null) {
            b.maxNumBatchedTokens(maxNumBatchedTokens);
        }
        if (longPrefillTokenThreshold != null) {
            b.longPrefillTokenThreshold(longPrefillTokenThreshold);
        }
        if (maxModelLen != null) {
            b.maxModelLen(maxModelLen);
        } else {
            b.clampMaxModelLenToCache();
        }
        b.enablePrefixCaching(!noPrefixCaching);
        if (noChunkedPrefill) {
            b.enableChunkedPrefill(false);
        }
        if (outputLengths != null) {
            b.outputLengths(OutputLengthDistribution.parse(outputLengths));
        }
        if (frontendOverheadMs != null) {
            b.frontendOverheadNanos(millisToNanos("--frontend-overhead-ms", frontendOverheadMs));
        }
        if (minStepMs != null) {
            millisToNanos("--min-step-ms", minStepMs); // the same validation: a finite number >= 0
            StepTimeModel t = base.stepTime();
            // without the preset's step-time variance, so that "at least" holds for every step
            b.stepTime(new StepTimeModel(
                    Math.max(t.memFloorMs(), minStepMs),
                    t.memPerPrefillTokenMs(),
                    t.memPerDecodeSeqMs(),
                    t.memPerContextTokenMs(),
                    t.computeBaseMs(),
                    t.computePerTokenMs(),
                    t.computePerAttentionPairMs()));
        }
        b.enableLora(enableLora || hasAdapters || base.enableLora());
        if (maxLoras != null) {
            b.maxLoras(maxLoras);
        }
        // vLLM: max_cpu_loras defaults to max_loras
        b.maxCpuLoras(
                maxCpuLoras != null
                        ? maxCpuLoras
                        : Math.max(base.maxCpuLoras(), maxLoras != null ? maxLoras : base.maxLoras()));
        if (maxLoraRank != null) {
            b.maxLoraRank(maxLoraRank);
        }
        if (loraLoadMs != null) {
            b.loraLoadNanos(millisToNanos("--lora-load-ms", loraLoadMs));
        }
        if (loraActivateMs != null) {
            b.loraActivateNanos(millisToNanos("--lora-activate-ms", loraActivateMs));
        }
        return b.build();
    }

    FaultConfig faults() {
        return new FaultConfig(
                errorRate,
                errorStatuses,
                retryAfter,
                addedLatencyMs,
                crashAfterChunks,
                crashRate,
                MetricsFault.byId(metricsFault),
                metricsDelayMs);
    }

    private static long millisToNanos(String option, double ms) {
        if (!(ms >= 0) || Double.isInfinite(ms)) {
            throw new IllegalArgumentException(option + ": " + ms + " (expected: a number of milliseconds >= 0)");
        }
        return (long) (ms * TimeUnit.MILLISECONDS.toNanos(1));
    }
}
