/**
 * Test support shared by every module, on the test classpath only: Netty leak detection that fails the test
 * class that leaked ({@link io.infergate.testing.NettyLeaks}, installed before any test by
 * {@link io.infergate.testing.LeakDetectionSessionListener}, checked by {@link io.infergate.testing.FailOnNettyLeaks})
 * and how long tests wait for things that must happen ({@link io.infergate.testing.Patience}, applied to Awaitility
 * by {@link io.infergate.testing.PatientAwaitility}), and seeded, bounded trials for fuzzers and property tests
 * ({@link io.infergate.testing.Trials}, {@link io.infergate.testing.Bounded}). Registered through {@code META-INF/services} and JUnit's
 * extension auto-detection, so tests need no annotations.
 *
 * <p>Leak reports arrive on whichever thread Netty polls from; the collection is lock-free. Depends on JUnit,
 * Netty's {@code ResourceLeakDetector} and Awaitility.
 */
package io.infergate.testing;
