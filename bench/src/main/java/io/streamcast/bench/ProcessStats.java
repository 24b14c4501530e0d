package io.streamcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** CPU time and resident memory of a process, from ProcessHandle and /proc (Linux). */
final class ProcessStats {
    private ProcessStats() {
    }

    /** Total CPU (user + system) so far, nanoseconds; -1 if unknown. */
    static long cpuNanos(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
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
