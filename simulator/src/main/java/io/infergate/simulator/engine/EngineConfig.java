package io.infergate.simulator.engine;

import java.util.Objects;
import java.util.Set;

/**
 * Everything that shapes one simulated engine: vLLM's scheduler and cache settings plus the step-time
 * model. Start from a {@link Preset} and override with {@link #toBuilder()}.
 *
 * <p>Immutable; the constructor rejects inconsistent settings with a message naming the field and the
 * accepted range (for example a context window larger than the KV cache, which vLLM also refuses at start).
 *
 * @param servedModelName           the base model name clients send in {@code model}
 * @param blockSize                 tokens per KV block (vLLM default 16)
 * @param numGpuBlocks              KV blocks on the GPU, including vLLM's reserved null block
 * @param maxNumSeqs                {@code max_num_seqs}: requests in the running batch at most
 * @param maxNumBatchedTokens       {@code max_num_batched_tokens}: tokens scheduled per step at most
 * @param longPrefillTokenThreshold per-request chunk cap per step, 0 = off
 * @param maxModelLen               context window (prompt + output)
 * @param enablePrefixCaching       automatic prefix caching (on by default in V1)
 * @param enableChunkedPrefill      chunked prefill (always on in V1; off means a prompt must fit the budget)
 * @param enableLora                LoRA support (vLLM {@code --enable-lora}); enables {@code lora_requests_info}
 * @param maxLoras                  adapters in one batch at most
 * @param maxCpuLoras               adapters kept in CPU memory (LRU), >= maxLoras
 * @param maxLoraRank               largest adapter rank (reported, validated)
 * @param loraLoadNanos             cost of loading an adapter that is not in CPU memory, added to the step
 * @param loraActivateNanos         cost of moving a CPU-resident adapter into a GPU slot, added to the step
 * @param frontendOverheadNanos     API-server time before a request reaches the scheduler (HTTP, tokenize)
 * @param gpuMemoryUtilization      reported in {@code cache_config_info}
 * @param stepTime                  the step-time model
 * @param outputLengths             output lengths of requests that do not run to {@code max_tokens}
 */
public record EngineConfig(
        String servedModelName,
        int blockSize,
        int numGpuBlocks,
        int maxNumSeqs,
        int maxNumBatchedTokens,
        int longPrefillTokenThreshold,
        int maxModelLen,
        boolean enablePrefixCaching,
        boolean enableChunkedPrefill,
        boolean enableLora,
        int maxLoras,
        int maxCpuLoras,
        int maxLoraRank,
        long loraLoadNanos,
        long loraActivateNanos,
        long frontendOverheadNanos,
        double gpuMemoryUtilization,
        StepTimeModel stepTime,
        OutputLengthDistribution outputLengths) {

    private static final Set<Integer> LORA_RANKS = Set.of(1, 8, 16, 32, 64, 128, 256, 320, 512);

    public EngineConfig {
        Objects.requireNonNull(servedModelName, "servedModelName");
        Objects.requireNonNull(stepTime, "stepTime");
        Objects.requireNonNull(outputLengths, "outputLengths");
        if (servedModelName.isBlank()) {
            throw new IllegalArgumentException("servedModelName: blank (expected: a model name)");
        }
        if (blockSize < 1 || blockSize > 1024) {
            throw new IllegalArgumentException("blockSize: " + blockSize + " (expected: 1..1024)");
        }
        if (numGpuBlocks < 2) {
            throw new IllegalArgumentException("numGpuBlocks: " + numGpuBlocks + " (expected: >= 2)");
        }
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("maxNumSeqs: " + maxNumSeqs + " (expected: >= 1)");
        }
        if (maxNumBatchedTokens < 1) {
            throw new IllegalArgumentException("maxNumBatchedTokens: " + maxNumBatchedTokens + " (expected: >= 1)");
        }
        if (longPrefillTokenThreshold < 0) {
            throw new IllegalArgumentException(
                    "longPrefillTokenThreshold: " + longPrefillTokenThreshold + " (expected: >= 0, 0 = off)");
        }
        long kvTokens = (long) (numGpuBlocks - 1) * blockSize;
        if (maxModelLen < 2 || maxModelLen > kvTokens) {
            throw new IllegalArgumentException("maxModelLen: " + maxModelLen + " (expected: 2.." + kvTokens
                    + ", the tokens the KV cache holds; one request must fit)");
        }
        if (!enableChunkedPrefill && maxNumBatchedTokens < maxModelLen) {
            throw new IllegalArgumentException("maxNumBatchedTokens: " + maxNumBatchedTokens
                    + " (expected: >= maxModelLen " + maxModelLen + " when chunked prefill is off)");
        }
        if (maxLoras < 1) {
            throw new IllegalArgumentException("maxLoras: " + maxLoras + " (expected: >= 1)");
        }
        if (maxCpuLoras < maxLoras) {
            throw new IllegalArgumentException(
                    "maxCpuLoras: " + maxCpuLoras + " (expected: >= maxLoras " + maxLoras + ")");
        }
        if (!LORA_RANKS.contains(maxLoraRank)) {
            throw new IllegalArgumentException(
                    "maxLoraRank: " + maxLoraRank + " (expected: one of 1,8,16,32,64,128,256,320,512)");
        }
        if (loraLoadNanos < 0 || loraActivateNanos < 0 || frontendOverheadNanos < 0) {
            throw new IllegalArgumentException("loraLoadNanos/loraActivateNanos/frontendOverheadNanos: " + loraLoadNanos
                    + "/" + loraActivateNanos + "/" + frontendOverheadNanos + " (expected: >= 0)");
        }
        if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
            throw new IllegalArgumentException("gpuMemoryUtilization: " + gpuMemoryUtilization + " (expected: (0, 1])");
        }
    }

    /** KV capacity in tokens (the null block excluded). */
    public long kvCapacityTokens() {
        return (long) (numGpuBlocks - 1) * blockSize;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder for overrides; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String servedModelName;
        private int blockSize;
        private int numGpuBlocks;
        private int maxNumSeqs;
        private int maxNumBatchedTokens;
        private int longPrefillTokenThreshold;
        private int maxModelLen;
        private boolean enablePrefixCaching;
        private boolean enableChunkedPrefill;
        private boolean enableLora;
        private int maxLoras;
        private int maxCpuLoras;
        private int maxLoraRank;
        private long loraLoadNanos;
        private long loraActivateNanos;
        private long frontendOverheadNanos;
        private double gpuMemoryUtilization;
        private StepTimeModel stepTime;
        private OutputLengthDistribution outputLengths;

        private Builder(EngineConfig c) {
            servedModelName = c.servedModelName;
            blockSize = c.blockSize;
            numGpuBlocks = c.numGpuBlocks;
            maxNumSeqs = c.maxNumSeqs;
            maxNumBatchedTokens = c.maxNumBatchedTokens;
            longPrefillTokenThreshold = c.longPrefillTokenThreshold;
            maxModelLen = c.maxModelLen;
            enablePrefixCaching = c.enablePrefixCaching;
            enableChunkedPrefill = c.enableChunkedPrefill;
            enableLora = c.enableLora;
            maxLoras = c.maxLoras;
            maxCpuLoras = c.maxCpuLoras;
            maxLoraRank = c.maxLoraRank;
            loraLoadNanos = c.loraLoadNanos;
            loraActivateNanos = c.loraActivateNanos;
            frontendOverheadNanos = c.frontendOverheadNanos;
            gpuMemoryUtilization = c.gpuMemoryUtilization;
            stepTime = c.stepTime;
            outputLengths = c.outputLengths;
        }

        public Builder servedModelName(String v) {
            servedModelName = v;
            return this;
        }

        public Builder blockSize(int v) {
            blockSize = v;
            return this;
        }

        public Builder numGpuBlocks(int v) {
            numGpuBlocks = v;
            return this;
        }

        public Builder maxNumSeqs(int v) {
            maxNumSeqs = v;
            return this;
        }

        public Builder maxNumBatchedTokens(int v) {
            maxNumBatchedTokens = v;
            return this;
        }

        public Builder longPrefillTokenThreshold(int v) {
            longPrefillTokenThreshold = v;
            return this;
        }

        public Builder maxModelLen(int v) {
            maxModelLen = v;
            return this;
        }

        public Builder enablePrefixCaching(boolean v) {
            enablePrefixCaching = v;
            return this;
        }

        public Builder enableChunkedPrefill(boolean v) {
            enableChunkedPrefill = v;
            return this;
        }

        public Builder enableLora(boolean v) {
            enableLora = v;
            return this;
        }

        public Builder maxLoras(int v) {
            maxLoras = v;
            return this;
        }

        public Builder maxCpuLoras(int v) {
            maxCpuLoras = v;
            return this;
        }

        public Builder maxLoraRank(int v) {
            maxLoraRank = v;
            return this;
        }

        public Builder loraLoadNanos(long v) {
            loraLoadNanos = v;
            return this;
        }

        public Builder loraActivateNanos(long v) {
            loraActivateNanos = v;
            return this;
        }

        public Builder frontendOverheadNanos(long v) {
            frontendOverheadNanos = v;
            return this;
        }

        public Builder gpuMemoryUtilization(double v) {
            gpuMemoryUtilization = v;
            return this;
        }

        public Builder stepTime(StepTimeModel v) {
            stepTime = v;
            return this;
        }

        public Builder outputLengths(OutputLengthDistribution v) {
            outputLengths = v;
            return this;
        }

        /** Fits {@code maxModelLen} to the KV capacity when it would not fit (useful with small test caches). */
        public Builder clampMaxModelLenToCache() {
            long cap = (long) (numGpuBlocks - 1) * blockSize;
            if (maxModelLen > cap) {
                maxModelLen = (int) cap;
            }
            return this;
        }

        public EngineConfig build() {
            return new EngineConfig(
                    servedModelName,
                    blockSize,
                    numGpuBlocks,
                    maxNumSeqs,
                    maxNumBatchedTokens,
                    longPrefillTokenThreshold,
                    maxModelLen,
                    enablePrefixCaching,
                    enableChunkedPrefill,
                    enableLora,
                    maxLoras,
                    maxCpuLoras,
                    maxLoraRank,
                    loraLoadNanos,
                    loraActivateNanos,
                    frontendOverheadNanos,
                    gpuMemoryUtilization,
                    stepTime,
                    outputLengths);
        }
    }
}
