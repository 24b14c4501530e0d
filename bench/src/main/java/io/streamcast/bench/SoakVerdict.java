package io.streamcast.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's criteria, judged on the samples from the end of the warm-up on; each printed as measured. */
final class SoakVerdict {
    static final double FLAT_TOLERANCE = 0.10;
    static final double MAX_CHECKPOINT_MS = 2000;
    /** Flink's own "OK" back-pressure level: at most 10% of the time back-pressured. */
    static final double MAX_BACK_PRESSURE_MS_PER_SEC = 100;
    static final double MIN_KEEP_UP = 0.95;

    private SoakVerdict() {
    }

    record Criterion(String name, boolean pass, String measured, String goal) {
        String line() {
            return String.format(Locale.ROOT, "%-4s %-34s %s  (goal: %s)", pass ? "PASS" : "FAIL", name, measured, goal);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("criterion", name);
            m.put("pass", pass);
            m.put("measured", measured);
            m.put("goal", goal);
            return m;
        }
    }

    static List<Criterion> judge(List<Map<String, Object>> samples, double steadyFromSeconds, double processMiB, double targetRate) {
        List<Map<String, Object>> steady = samples.stream().filter(s -> SoakBenchCommand.num(s, "seconds") >= steadyFromSeconds).toList();
        List<Criterion> out = new ArrayList<>();
        String window = String.format(Locale.ROOT, "from %.1f min, %d samples", steadyFromSeconds / 60, steady.size());
        out.add(flat("state flat (checkpointed size)", steady, "stateBytes", 1024.0 * 1024.0, "MiB", window));
        out.add(flat("TaskManager RSS flat", steady, "rssMiB", 1, "MiB", window));

        double slowest = max(steady, "slowestCheckpointMs");
        double failed = steady.isEmpty() ? Double.NaN
                : SoakBenchCommand.num(steady.get(steady.size() - 1), "checkpointsFailed") - SoakBenchCommand.num(steady.get(0), "checkpointsFailed");
        double completed = steady.isEmpty() ? 0
                : SoakBenchCommand.num(steady.get(steady.size() - 1), "checkpointsCompleted") - SoakBenchCommand.num(steady.get(0), "checkpointsCompleted");
        out.add(new Criterion("checkpoints under 2 s", steady.size() >= 2 && completed > 0 && slowest < MAX_CHECKPOINT_MS && failed == 0,
                String.format(Locale.ROOT, "slowest %.2f s, median of latest %.2f s, %.0f completed, %.0f failed (%s)",
                        slowest / 1000, median(values(steady, "checkpointMs")) / 1000, completed, failed, window),
                "every checkpoint < 2 s, none failed"));

        double bp = max(steady, "maxBackPressuredMsPerSec");
        long bpSamples = steady.stream().filter(s -> SoakBenchCommand.num(s, "maxBackPressuredMsPerSec") > MAX_BACK_PRESSURE_MS_PER_SEC).count();
        out.add(new Criterion("no back-pressure", !steady.isEmpty() && bp <= MAX_BACK_PRESSURE_MS_PER_SEC,
                String.format(Locale.ROOT, "max %.0f ms/s, %d of %d samples over %.0f ms/s; evaluator busy median %.0f ms/s, max %.0f; assembler busy median %.0f ms/s, max %.0f",
                        bp, bpSamples, steady.size(), MAX_BACK_PRESSURE_MS_PER_SEC, median(values(steady, "evaluatorBusyMsPerSec")),
                        max(steady, "evaluatorBusyMsPerSec"), median(values(steady, "assemblerBusyMsPerSec")), max(steady, "assemblerBusyMsPerSec")),
                "back-pressured <= 100 ms/s in every vertex and sample"));

        double rssMax = max(samples, "rssMiB");
        out.add(new Criterion("RSS within the process size", rssMax > 0 && rssMax <= processMiB,
                String.format(Locale.ROOT, "max %.0f MiB of %.0f MiB (whole run)", rssMax, processMiB), "TaskManager RSS <= taskmanager.memory.process.size"));

        if (steady.size() >= 2) {
            Map<String, Object> a = steady.get(0);
            Map<String, Object> b = steady.get(steady.size() - 1);
            double seconds = SoakBenchCommand.num(b, "seconds") - SoakBenchCommand.num(a, "seconds");
            double readings = (SoakBenchCommand.num(b, "readingsTotal") - SoakBenchCommand.num(a, "readingsTotal")) / seconds;
            double forecasts = (SoakBenchCommand.num(b, "forecastsTotal") - SoakBenchCommand.num(a, "forecastsTotal")) / seconds;
            out.add(new Criterion("forecasts keep up with readings", readings >= MIN_KEEP_UP * targetRate && forecasts >= MIN_KEEP_UP * readings,
                    String.format(Locale.ROOT, "%.0f readings/s produced (target %.0f), %.0f forecasts/s read_committed (%.1f%%)",
                            readings, targetRate, forecasts, 100 * forecasts / readings),
                    "readings >= 95% of the target, forecasts >= 95% of readings"));
        } else {
            out.add(new Criterion("forecasts keep up with readings", false, "fewer than 2 samples after the warm-up", "readings >= 95% of the target, forecasts >= 95% of readings"));
        }
        return out;
    }

    /** Within +-10% of the median from the warm-up on; the least-squares slope says how fast it moves. */
    private static Criterion flat(String name, List<Map<String, Object>> steady, String key, double unit, String unitName, String window) {
        double[] v = values(steady, key);
        if (v.length < 2) return new Criterion(name, false, "fewer than 2 samples with a value " + window, "within +-10% of the median");
        double med = median(v);
        double lo = Arrays.stream(v).min().orElseThrow();
        double hi = Arrays.stream(v).max().orElseThrow();
        double[] t = steady.stream().filter(s -> SoakBenchCommand.num(s, key) > 0).mapToDouble(s -> SoakBenchCommand.num(s, "seconds") / 60).toArray();
        double slope = slope(t, v);
        boolean pass = lo >= (1 - FLAT_TOLERANCE) * med && hi <= (1 + FLAT_TOLERANCE) * med;
        return new Criterion(name, pass, String.format(Locale.ROOT, "median %.2f %s, min %+.1f%%, max %+.1f%%, trend %+.3f %s/min (%+.2f%%/min) (%s)",
                med / unit, unitName, 100 * (lo / med - 1), 100 * (hi / med - 1), slope / unit, unitName, 100 * slope / med, window),
                "within +-10% of the median");
    }

    /** Positive values of {@code key} (0/missing = no checkpoint yet). */
    static double[] values(List<Map<String, Object>> samples, String key) {
        return samples.stream().mapToDouble(s -> SoakBenchCommand.num(s, key)).filter(x -> !Double.isNaN(x) && x > 0).toArray();
    }

    static double max(List<Map<String, Object>> samples, String key) {
        return samples.stream().mapToDouble(s -> SoakBenchCommand.num(s, key)).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    static double slope(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    /** min / median / max of a sampled value over the whole run. */
    static Map<String, Object> summary(List<Map<String, Object>> samples, String key) {
        double[] v = values(samples, key);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", v.length == 0 ? Double.NaN : Arrays.stream(v).min().getAsDouble());
        m.put("median", median(v));
        m.put("max", v.length == 0 ? Double.NaN : Arrays.stream(v).max().getAsDouble());
        return m;
    }

    static String describe(Map<String, Object> summary, String unit) {
        return String.format(Locale.ROOT, "min %.1f%s, median %.1f%s, max %.1f%s", (double) summary.get("min"), unit,
                (double) summary.get("median"), unit, (double) summary.get("max"), unit);
    }
}
