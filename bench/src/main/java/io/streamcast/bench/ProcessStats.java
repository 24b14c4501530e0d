package io.streamcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** CPU time and resident memory of a process, from ProcessHandle and /proc (Linux). */
final class ProcessStats {
    private ProcessStats() {
    }

    /** Total CPU (user + system) so far, nanoseconds; -1 if unknown. */
    static long cpuNanos(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    /** /proc reports thread times in USER_HZ ticks, 100 per second on every Linux architecture Java runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    /**
     * CPU time (user + system) of each live thread of a process, nanoseconds, summed by thread name
     * with digits folded to N ("GC Thread#0" and "GC Thread#1" become one "GC Thread#N"); the kernel
     * keeps the first 15 characters of a name. Empty if unknown (not Linux, or the process is gone).
     */
    static Map<String, Long> cpuNanosByThread(long pid) {
        Map<String, Long> byName = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    // after "pid (name) ": state is field 0, utime field 11, stime field 12
                    String[] f = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    byName.merge(stat.substring(open + 1, close).replaceAll("[0-9]+", "N"), ticks * NANOS_PER_TICK, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            });
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byName;
    }

    /** VmRSS in MiB; -1 if unknown. */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or gone
        }
        return -1;
    }

    /** The pid in a pid file, or -1. */
    static long pidFile(Path file) {
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
