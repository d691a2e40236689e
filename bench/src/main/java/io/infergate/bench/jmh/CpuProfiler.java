package io.infergate.bench.jmh;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per benchmark operation, the way {@code -prof gc} reports bytes per operation: {@code cpu.process} is the
 * benchmark JVM's CPU time over the iteration (every thread: the benchmark's, helper threads, GC, and what the JIT and
 * JMH spend meanwhile) divided by the operations. With {@code threads=<regex>} it also splits that into
 * {@code cpu.matched}, the threads whose names match (say, a server the benchmark talks to), and {@code cpu.other},
 * the rest. Microseconds per operation, averaged over iterations.
 *
 * <p>Use: {@code -prof io.infergate.bench.jmh.CpuProfiler} or
 * {@code -prof "io.infergate.bench.jmh.CpuProfiler:threads=HTTP-Dispatcher|bench-metrics-server"}. JMH creates it in
 * the forked benchmark JVM and calls it on the benchmark's control thread, between iterations.
 */
public final class CpuProfiler implements InternalProfiler {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Pattern threads;
    private long processStart;
    private Map<Long, Long> matchedStart = Map.of();

    public CpuProfiler() {
        this("");
    }

    /** @param options empty, or {@code threads=<regex>} (thread names, whole-name match) */
    public CpuProfiler(String options) {
        String o = options == null ? "" : options.trim();
        if (o.isEmpty()) {
            threads = null;
        } else if (o.startsWith("threads=") && o.length() > "threads=".length()) {
            threads = Pattern.compile(o.substring("threads=".length()));
        } else {
            throw new IllegalArgumentException(
                    "CpuProfiler options: '" + options + "' (expected: nothing or" + " threads=<regex>)");
        }
    }

    @Override
    public String getDescription() {
        return "CPU time per operation: the whole JVM, and optionally the threads whose names match threads=<regex>";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        matchedStart = threads == null ? Map.of() : matchedThreads();
        processStart = OS.getProcessCpuTime();
    }

    @Override
    public List<Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long process = OS.getProcessCpuTime() - processStart;
        long ops = result.getMetadata().getAllOps(); // the CPU was spent on all of them, warm-down included
        List<Result> out = new ArrayList<>();
        if (ops <= 0) {
            return out;
        }
        out.add(new ScalarResult("cpu.process", process / 1e3 / ops, "us/op", AggregationPolicy.AVG));
        if (threads != null) {
            long matched = 0;
            for (Map.Entry<Long, Long> e : matchedThreads().entrySet()) {
                matched += e.getValue() - matchedStart.getOrDefault(e.getKey(), 0L); // new threads: all of theirs
            }
            out.add(new ScalarResult("cpu.matched", matched / 1e3 / ops, "us/op", AggregationPolicy.AVG));
            out.add(new ScalarResult("cpu.other", (process - matched) / 1e3 / ops, "us/op", AggregationPolicy.AVG));
        }
        return out;
    }

    /** CPU nanoseconds so far of every live thread whose name matches, by thread id. */
    private Map<Long, Long> matchedThreads() {
        Map<Long, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (threads.matcher(t.getName()).matches()) {
                long cpu = THREADS.getThreadCpuTime(t.threadId());
                if (cpu >= 0) {
                    out.put(t.threadId(), cpu);
                }
            }
        }
        return out;
    }
}
