package io.streamcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the numbers were measured on (for the printed header and the JSON). */
final class Machine {
    private Machine() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("ompNumThreads", System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
        m.put("loadAverage1m", loadAverage());
        return m;
    }

    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        return "unknown";
    }

    static String oneLine() {
        Map<String, Object> m = describe();
        return String.format(java.util.Locale.ROOT, "%s cores, %s, %s, OMP_NUM_THREADS=%s, load average %.2f",
                m.get("nproc"), m.get("cpu"), m.get("java"), m.get("ompNumThreads"), (Double) m.get("loadAverage1m"));
    }
}
