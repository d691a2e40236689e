package io.infergate.bench.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What Linux says about one process: resident memory ({@code VmRSS} of {@code /proc/<pid>/status}), open
 * descriptors (entries of {@code /proc/<pid>/fd}) and the soft limit of open files ({@code Max open files} of
 * {@code /proc/<pid>/limits}) and CPU time used (user + system of {@code /proc/<pid>/stat}, at Linux's fixed 100
 * ticks a second). A value; {@link #read} blocks on the file reads and may be called from any thread.
 *
 * @param rssKb       resident set in KiB; -1 when unknown
 * @param fds         open descriptors; -1 when unknown
 * @param fdSoftLimit the soft limit of open files; -1 when unknown or unlimited
 * @param cpuMillis   CPU time used so far, user plus system; -1 when unknown
 */
public record ProcStats(long rssKb, int fds, long fdSoftLimit, long cpuMillis) {

    /** Nothing known: the process is gone or this is not Linux. */
    public static final ProcStats UNKNOWN = new ProcStats(-1, -1, -1, -1);

    /** USER_HZ: 100 on every Linux architecture Java runs on. */
    private static final int TICKS_PER_SECOND = 100;

    /** Reads {@code /proc/<pid>}. */
    public static ProcStats of(long pid) {
        return read(Path.of("/proc", Long.toString(pid)));
    }

    /**
     * Reads a {@code /proc/<pid>} directory (or a copy of its three entries). A missing or unreadable entry gives -1
     * for its value; nothing throws.
     */
    public static ProcStats read(Path dir) {
        long rss = -1;
        long limit = -1;
        int fds = -1;
        long cpu = -1;
        try {
            cpu = cpuMillis(Files.readString(dir.resolve("stat")));
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        try {
            rss = rssKb(Files.readAllLines(dir.resolve("status")));
        } catch (IOException | RuntimeException e) {
            // gone meanwhile: unknown
        }
        try {
            limit = openFilesLimit(Files.readAllLines(dir.resolve("limits")));
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        try (Stream<Path> s = Files.list(dir.resolve("fd"))) {
            fds = (int) s.count();
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return new ProcStats(rss, fds, limit, cpu);
    }

    /**
     * utime + stime (fields 14 and 15) of a {@code stat} line in milliseconds. The command name (field 2) may hold
     * spaces and parentheses, so fields are counted after its last {@code ')'}.
     */
    static long cpuMillis(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): utime is field 14, f[11]; stime f[12]
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND;
    }

    /** The {@code VmRSS:   123456 kB} line's number; -1 when there is none. */
    static long rssKb(List<String> status) {
        for (String line : status) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                return Long.parseLong(f[0]);
            }
        }
        return -1;
    }

    /** The soft limit of the {@code Max open files} line; -1 when absent or {@code unlimited}. */
    static long openFilesLimit(List<String> limits) {
        for (String line : limits) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return f[0].equals("unlimited") ? -1 : Long.parseLong(f[0]);
            }
        }
        return -1;
    }

    /** RSS in MiB, or NaN when unknown. */
    public double rssMb() {
        return rssKb < 0 ? Double.NaN : rssKb / 1024.0;
    }
}
