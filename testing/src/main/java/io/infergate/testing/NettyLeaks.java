package io.infergate.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Collects the leaks Netty's {@link ResourceLeakDetector} reports, so a test run can fail on them instead
 * of printing a log line nobody reads. Installed once per JVM by {@link LeakDetectionSessionListener},
 * before any Netty class creates its detector.
 *
 * <p>Threading: reports arrive on whichever thread allocates when Netty polls its reference queue; the
 * collection is lock-free.
 */
public final class NettyLeaks {

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private NettyLeaks() {}

    /** Routes every detector Netty creates from now on through {@link #LEAKS}. Idempotent. */
    public static void install() {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                    Class<T> resource, int samplingInterval, long maxActive) {
                return new Collecting<>(resource, samplingInterval);
            }
        });
    }

    /**
     * Gives the garbage collector a chance to find unreleased buffers, makes Netty poll its queue, and
     * returns (and forgets) what was reported since the last call.
     */
    public static List<String> collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // allocating a tracked buffer is what makes the detector poll its reference queue
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
            probe.release();
        }
        List<String> out = new ArrayList<>();
        for (String s; (s = LEAKS.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    private static final class Collecting<T> extends ResourceLeakDetector<T> {
        Collecting(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + " was not released" + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " was not released (no records; run at paranoid level)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
