package io.infergate.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.IterationResultMetaData;
import org.openjdk.jmh.results.Result;

class CpuProfilerTest {

    private static IterationResult ops(long n) {
        return new IterationResult(null, null, new IterationResultMetaData(n, n));
    }

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long burn(int rounds) {
        long x = 1;
        for (int i = 0; i < rounds; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    /**
     * Burns CPU on the calling thread until both this thread's and the process's CPU clocks have visibly moved. A fixed
     * amount of work is not enough: the process clock counts in 10 ms scheduler ticks, and on a loaded machine a short
     * burst can fall between them.
     */
    private static long burnUntilCounted() {
        long thread0 = THREADS.getCurrentThreadCpuTime();
        long process0 = OS.getProcessCpuTime();
        long x = 0;
        do {
            x += burn(1_000_000);
        } while (THREADS.getCurrentThreadCpuTime() - thread0 < 20_000_000L || OS.getProcessCpuTime() <= process0);
        return x | 1;
    }

    @Test
    void cpuOfMatchingThreadsIsSplitFromTheRest() throws Exception {
        CpuProfiler p = new CpuProfiler("threads=cpu-profiler-test-.*");
        p.beforeIteration(null, null);
        long[] sink = new long[1];
        Thread burner = new Thread(() -> sink[0] = burnUntilCounted(), "cpu-profiler-test-burner");
        burner.start();
        burner.join();
        List<Result> r = p.afterIteration(null, null, ops(1_000));

        assertThat(r).extracting(Result::getLabel).containsExactly("cpu.process", "cpu.matched", "cpu.other");
        assertThat(r).allSatisfy(x -> assertThat(x.getScoreUnit()).isEqualTo("us/op"));
        // the burner ended before the iteration did: a thread that is gone counts with the rest
        assertThat(r.get(0).getScore()).isPositive();
        assertThat(r.get(1).getScore() + r.get(2).getScore()).isCloseTo(r.get(0).getScore(), within(1e-9));
        assertThat(sink[0]).isNotZero();
    }

    @Test
    void aLiveMatchingThreadIsCounted() throws Exception {
        CpuProfiler p = new CpuProfiler("threads=cpu-profiler-test-live");
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        long[] sink = new long[1];
        Thread live = new Thread(
                () -> {
                    sink[0] = burnUntilCounted();
                    burnt.countDown();
                    try {
                        done.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "cpu-profiler-test-live");
        p.beforeIteration(null, null);
        live.start();
        burnt.await();
        List<Result> r = p.afterIteration(null, null, ops(10));
        done.countDown();
        live.join();

        assertThat(r.get(1).getScore()).as("µs per op of the live thread").isPositive();
    }

    @Test
    void withoutOptionsOnlyTheProcessIsReported() {
        CpuProfiler p = new CpuProfiler();
        p.beforeIteration(null, null);
        burnUntilCounted();
        assertThat(p.afterIteration(null, null, ops(10)))
                .extracting(Result::getLabel)
                .containsExactly("cpu.process");
        assertThat(new CpuProfiler("").afterIteration(null, null, ops(0))).isEmpty();
    }

    @Test
    void unknownOptionsAreRejected() {
        assertThatThrownBy(() -> new CpuProfiler("thread=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads=<regex>");
    }
}
