package io.infergate.simulator.http;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Deterministic stand-in embeddings: a unit vector drawn from a generator seeded by the input's token ids,
 * so equal inputs always get equal vectors and different inputs almost orthogonal ones.
 *
 * <p>Threading: stateless.
 */
public final class Embeddings {

    private Embeddings() {}

    /** The unit vector of {@code tokens} with {@code dims} components. */
    public static float[] vector(int[] tokens, int dims) {
        long seed = 0x2545F4914F6CDD1DL;
        for (int t : tokens) {
            seed = RequestIds.mix(seed * 31 + t);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = random.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dims];
        for (int i = 0; i < dims; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** {@code encoding_format: "base64"}: the float32 values, little-endian, base64-encoded (as vLLM and OpenAI). */
    public static String base64(float[] vector) {
        ByteBuffer b = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
