package io.streamcast.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The inference table, the peak table and the two ratios the targets are about. */
final class InferenceReport {
    private final List<Map<String, Object>> points;
    private final List<Map<String, Object>> peaks;

    InferenceReport(List<Map<String, Object>> points, List<Map<String, Object>> peaks) {
        this.points = points;
        this.peaks = peaks;
    }

    /** Best mmul GFLOP/s at this thread count (over the sizes measured). */
    double peak(int threads) {
        return peaks.stream().filter(p -> (int) p.get("threads") == threads)
                .mapToDouble(p -> (double) p.get("gflops")).max().orElse(Double.NaN);
    }

    /** windows/s at batch 1 (the per-record path) at this thread count and impl, NaN if batch 1 was not run. */
    double perRecord(int threads, Object impl) {
        return points.stream().filter(p -> (int) p.get("threads") == threads && (int) p.get("batch") == 1 && p.get("impl").equals(impl))
                .mapToDouble(p -> (double) p.get("windowsPerSec")).findFirst().orElse(Double.NaN);
    }

    /** Per point: batched / per-record (same threads) and achieved / peak (same threads). */
    List<Map<String, Object>> ratios() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> p : points) {
            int t = (int) p.get("threads");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("threads", t);
            r.put("impl", p.get("impl"));
            r.put("batch", p.get("batch"));
            r.put("vsPerRecord", (double) p.get("windowsPerSec") / perRecord(t, p.get("impl")));
            r.put("vsDl4jPerRecord", (double) p.get("windowsPerSec") / perRecord(t, "dl4j"));
            r.put("ofPeak", (double) p.get("gflops") / peak(t));
            out.add(r);
        }
        return out;
    }

    void print(PrintStream out) {
        out.println();
        out.println("threads  impl   batch    windows/s (min-max)            GFLOP/s   x per-record   % of peak");
        List<Map<String, Object>> ratios = ratios();
        for (int i = 0; i < points.size(); i++) {
            Map<String, Object> p = points.get(i);
            Map<String, Object> r = ratios.get(i);
            double vs = (double) r.get("vsPerRecord");
            out.printf(Locale.ROOT, "%7d  %-5s  %5d  %10.0f (%8.0f-%8.0f)  %8.2f   %12s   %8.1f%%%n",
                    p.get("threads"), p.get("impl"), p.get("batch"), p.get("windowsPerSec"), p.get("windowsPerSecMin"),
                    p.get("windowsPerSecMax"), p.get("gflops"), Double.isNaN(vs) ? "- (no batch 1)" : String.format(Locale.ROOT, "%.1f", vs),
                    100 * (double) r.get("ofPeak"));
        }
        out.println();
        out.println("matrix-multiply peak (ND4J mmul, float32):");
        out.println("threads      n   GFLOP/s (min-max)");
        for (Map<String, Object> p : peaks) {
            out.printf(Locale.ROOT, "%7d  %5d  %8.1f (%6.1f-%6.1f)%n", p.get("threads"), p.get("n"), p.get("gflops"),
                    p.get("gflopsMin"), p.get("gflopsMax"));
        }
        out.println();
        for (int t : points.stream().map(p -> (int) p.get("threads")).distinct().toList()) {
            for (Object impl : points.stream().map(p -> p.get("impl")).distinct().toList()) {
                Map<String, Object> best = null;
                for (Map<String, Object> r : ratios) {
                    if ((int) r.get("threads") == t && r.get("impl").equals(impl)
                            && (best == null || (double) r.get("ofPeak") > (double) best.get("ofPeak"))) best = r;
                }
                if (best == null) continue;
                double vsDl4j = (double) best.get("vsDl4jPerRecord");
                out.printf(Locale.ROOT, "threads=%d %s: best batch %s reaches %.1f%% of the mmul peak (target >= 40%%) and %.1fx the per-record path of the same forward pass (target >= 50x)%s%n",
                        t, impl, best.get("batch"), 100 * (double) best.get("ofPeak"), (double) best.get("vsPerRecord"),
                        Double.isNaN(vsDl4j) || "dl4j".equals(impl) ? "" : String.format(Locale.ROOT, ", %.1fx DL4J's per-record path", vsDl4j));
            }
        }
    }
}
