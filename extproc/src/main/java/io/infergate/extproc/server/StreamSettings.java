package io.infergate.extproc.server;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * How every ext_proc stream behaves. Immutable.
 *
 * @param maxDestinationEndpoints how many endpoints {@code x-gateway-destination-endpoint} lists: the chosen one
 *                                first, then fallbacks in score order (the reference picker's
 *                                {@code maxNumOfEndpoints}, default 1)
 * @param subsetFilter            whether the gateway's subset hint is honoured (off: the reference picker's
 *                                {@code --disable-endpoint-subset-filter})
 * @param maxRequestBodyBytes     a larger request body is refused with 413
 * @param maxBufferedResponseBytes a larger non-streamed response body is passed through unchanged (its model name
 *                                not restored, its usage still read) instead of being buffered further
 * @param random                  the random source of a stream (header-only picks, weighted model rewrites)
 * @param nanoTime                the clock request durations are measured with
 */
public record StreamSettings(
        int maxDestinationEndpoints,
        boolean subsetFilter,
        int maxRequestBodyBytes,
        int maxBufferedResponseBytes,
        Supplier<RandomGenerator> random,
        LongSupplier nanoTime) {

    public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_MAX_BUFFERED_RESPONSE_BYTES = 64 * 1024 * 1024;

    public StreamSettings {
        if (maxDestinationEndpoints < 1) {
            throw new IllegalArgumentException(
                    "maxDestinationEndpoints: " + maxDestinationEndpoints + " (expected: >= 1)");
        }
        if (maxRequestBodyBytes < 1 || maxBufferedResponseBytes < 1) {
            throw new IllegalArgumentException(
                    "body limits: " + maxRequestBodyBytes + ", " + maxBufferedResponseBytes + " (expected: >= 1)");
        }
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** One endpoint, the subset filter on, 64 MiB limits, thread-local randomness, the system clock. */
    public static StreamSettings defaults() {
        return new StreamSettings(
                1,
                true,
                DEFAULT_MAX_REQUEST_BODY_BYTES,
                DEFAULT_MAX_BUFFERED_RESPONSE_BYTES,
                ThreadLocalRandom::current,
                System::nanoTime);
    }

    public StreamSettings withMaxDestinationEndpoints(int n) {
        return new StreamSettings(n, subsetFilter, maxRequestBodyBytes, maxBufferedResponseBytes, random, nanoTime);
    }

    public StreamSettings withSubsetFilter(boolean on) {
        return new StreamSettings(
                maxDestinationEndpoints, on, maxRequestBodyBytes, maxBufferedResponseBytes, random, nanoTime);
    }

    public StreamSettings withMaxRequestBodyBytes(int n) {
        return new StreamSettings(maxDestinationEndpoints, subsetFilter, n, maxBufferedResponseBytes, random, nanoTime);
    }

    public StreamSettings withRandom(Supplier<RandomGenerator> r) {
        return new StreamSettings(
                maxDestinationEndpoints, subsetFilter, maxRequestBodyBytes, maxBufferedResponseBytes, r, nanoTime);
    }
}
