package io.streamcast.job.evaluation;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator's Flink metrics, all under the group {@code evaluation} of its operator:
 * counters of what happened to forecasts, the model version in use, and per model
 * version ({@code evaluation.model.<name>.version.<v>}: labels {@code model} and {@code version} in
 * Prometheus) rolling MAE/RMSE/skill overall and per horizon step ({@code step} label), plus the
 * drift alarm. Rolling windows count evaluated forecasts of this subtask's sensors.
 */
final class EvaluationMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluationMetrics.class);

    private final MetricGroup group;
    private final EvaluationConfig cfg;
    private final Map<String, VersionMetrics> versions = new HashMap<>();
    /** The version the last evaluation was of: the next one nearly always is too. */
    private VersionMetrics lastEvaluated;

    final Counter evaluated;
    final Counter expired;
    final Counter incomplete;
    private volatile long modelVersion = -1;
    /** The version string {@link #modelVersion} was parsed from. */
    private String lastVersion;

    EvaluationMetrics(MetricGroup operatorGroup, EvaluationConfig cfg) {
        this.group = operatorGroup.addGroup("evaluation");
        this.cfg = cfg;
        evaluated = group.counter("forecastsEvaluated");
        expired = group.counter("forecastsExpired");
        incomplete = group.counter("forecastsIncomplete");
        group.gauge("modelVersion", (Gauge<Long>) () -> modelVersion);
    }

    /** A forecast arrived: remembers the version in use (numeric store versions; -1 for "dev" and the like). */
    void forecastSeen(String version) {
        if (version != null && version.equals(lastVersion)) return; // every forecast: parse once per version
        lastVersion = version;
        modelVersion = numericVersion(version);
    }

    /**
     * The store's version number, or -1. Checked before parsing: a bundle version such as "dev" would
     * otherwise throw (and fill a stack trace) on every forecast.
     */
    static long numericVersion(String version) {
        if (version == null || version.isEmpty() || version.length() > 18) return -1;
        for (int i = 0; i < version.length(); i++) {
            if (version.charAt(i) < '0' || version.charAt(i) > '9') return -1;
        }
        return Long.parseLong(version);
    }

    void record(EvaluatedForecast e) {
        evaluated.inc();
        VersionMetrics v = lastEvaluated;
        if (v == null || !Objects.equals(v.name, e.modelName) || !Objects.equals(v.version, e.modelVersion)) {
            v = versions.computeIfAbsent(e.modelName + "@" + e.modelVersion,
                    k -> new VersionMetrics(e.modelName, e.modelVersion, e.horizon));
            lastEvaluated = v;
        }
        v.add(e);
    }

    /** Rolling errors of one model version (tests read them). */
    RollingErrors rolling(String name, String version) {
        VersionMetrics v = versions.get(name + "@" + version);
        return v == null ? null : v.rolling;
    }

    boolean driftAlarm(String name, String version) {
        VersionMetrics v = versions.get(name + "@" + version);
        return v != null && v.alarm;
    }

    private final class VersionMetrics {
        final String name;
        final String version;
        final RollingErrors rolling;
        final RollingErrors drift;
        volatile boolean alarm;

        VersionMetrics(String name, String version, int horizon) {
            this.name = name;
            this.version = version;
            rolling = new RollingErrors(cfg.metricsWindow(), horizon);
            drift = new RollingErrors(cfg.driftWindow(), horizon);
            MetricGroup g = group.addGroup("model", name).addGroup("version", version);
            g.gauge("forecasts", (Gauge<Integer>) rolling::size);
            g.gauge("mae", (Gauge<Double>) rolling::mae);
            g.gauge("rmse", (Gauge<Double>) rolling::rmse);
            g.gauge("maeRaw", (Gauge<Double>) rolling::maeRaw);
            g.gauge("rmseRaw", (Gauge<Double>) rolling::rmseRaw);
            g.gauge("repeatMae", (Gauge<Double>) rolling::repeatMae);
            g.gauge("repeatRmse", (Gauge<Double>) rolling::repeatRmse);
            g.gauge("skill", (Gauge<Double>) rolling::skill);
            g.gauge("coverage", (Gauge<Double>) rolling::coverage);
            g.gauge("driftSkill", (Gauge<Double>) drift::skill);
            g.gauge("driftAlarm", (Gauge<Integer>) () -> alarm ? 1 : 0);
            for (int h = 0; h < horizon; h++) {
                int step = h;
                MetricGroup s = g.addGroup("step", String.valueOf(h + 1));
                s.gauge("mae", (Gauge<Double>) () -> rolling.mae(step));
                s.gauge("rmse", (Gauge<Double>) () -> rolling.rmse(step));
                s.gauge("skill", (Gauge<Double>) () -> rolling.skill(step));
                s.gauge("coverage", (Gauge<Double>) () -> rolling.coverage(step));
            }
        }

        void add(EvaluatedForecast e) {
            rolling.add(e);
            drift.add(e);
            if (drift.size() < cfg.driftWindow()) return; // too few forecasts to judge yet
            double skill = drift.skill();
            boolean below = skill < cfg.driftThreshold();
            if (below && !alarm) {
                LOG.warn("model {} version {} drifts: skill vs Repeat {} over the last {} forecasts is below {} "
                                + "(skill 0 = as good as repeating the last value, below 0 = worse); retrain or roll back",
                        name, version, String.format(java.util.Locale.ROOT, "%.3f", skill), cfg.driftWindow(),
                        cfg.driftThreshold());
            } else if (!below && alarm) {
                LOG.info("model {} version {}: skill {} over the last {} forecasts is back at or above {}",
                        name, version, String.format(java.util.Locale.ROOT, "%.3f", skill), cfg.driftWindow(),
                        cfg.driftThreshold());
            }
            alarm = below;
        }
    }
}
