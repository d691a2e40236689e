package io.infergate.simulator.server;

import io.infergate.simulator.engine.EngineConfig;
import io.infergate.simulator.engine.OutputLengthDistribution;
import io.infergate.simulator.engine.Preset;

/** Engine configurations that keep integration tests fast. */
final class TestEngines {

    private TestEngines() {
    }

    /** The H100 preset's step times, a small KV cache (max_model_len 16368), 12-token answers, LoRA on. */
    static EngineConfig fast() {
        return Preset.DEFAULT.config().toBuilder()
                .numGpuBlocks(1024)
                .clampMaxModelLenToCache()
                .outputLengths(new OutputLengthDistribution.Fixed(12))
                .frontendOverheadNanos(1_000_000)
                .enableLora(true).maxLoras(2).maxCpuLoras(4)
                .loraLoadNanos(5_000_000).loraActivateNanos(1_000_000)
                .build();
    }
}
